import type { Column, ColumnType, Dialect, DriverErrorKind, MetricChunk } from './dialect.ts'

const SQL_TYPE: Record<ColumnType, string> = { text: 'text', bigint: 'bigint', double: 'float8', smallint: 'smallint' }

// SQLSTATEs of a connection the server ended or refused: admin_shutdown (pg_terminate_backend, a
// fast shutdown), crash_shutdown, cannot_connect_now (starting up, in recovery), the 08 class
// (connection exceptions) and too_many_connections.
const CONNECTION_LOST_STATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300'])
// Socket-level failures Node reports while reaching or talking to the server.
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])
// node-postgres reports a socket closed under it, or reused after that, by message alone.
const LOST_CONNECTION_MESSAGE = /^Connection terminated|connection error and is not queryable|not currently accepting connections|timeout exceeded when trying to connect/

const errorCode = (error: unknown): string =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : ''

/** Rewrites the portable `?` placeholders as `$1, $2, …`. Our SQL never contains a literal `?`. */
export function numberPlaceholders(sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

// Arbitrary constant: the key of the advisory lock that serialises schema migrations.
const MIGRATION_LOCK_KEY = 7_130_411

const CHUNK_COLUMNS = 'run_key, key, points, numbers, min_timestamp, max_timestamp, min_step, max_step, min_value, max_value, sum_value'
// Every chunk in one statement: unnest cannot give a row an array of its own, so each chunk's three
// arrays travel as array literals in text[] parameters and are cast per row.
const INSERT_METRIC_CHUNKS = `INSERT INTO metric_chunks (${CHUNK_COLUMNS}, timestamps, steps, vals)
  SELECT ${CHUNK_COLUMNS}, timestamps::bigint[], steps::bigint[], vals::float8[]
  FROM unnest(?::bigint[], ?::text[], ?::integer[], ?::integer[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
              ?::float8[], ?::float8[], ?::float8[], ?::text[], ?::text[], ?::text[])
       AS u(${CHUNK_COLUMNS}, timestamps, steps, vals)`

/** An array literal PostgreSQL reads back exactly: JS's shortest digits, NaN and ±Infinity by name. */
const arrayLiteral = (values: Float64Array) => `{${values.join(',')}}`

export const postgresDialect: Dialect = {
  name: 'postgres',
  inList(expression, values, type, negate = false) {
    // One value is an equality: PostgreSQL 15 can walk an index in order under `column = ?`, not
    // under `column = ANY(?)` (a search of one experiment, migration 016).
    if (values.length === 1) return { sql: `${expression} ${negate ? '<>' : '='} ?::${SQL_TYPE[type]}`, params: [values[0]] }
    // One array parameter instead of N placeholders keeps the statement text (and plan) stable.
    const array = `?::${SQL_TYPE[type]}[]`
    return { sql: negate ? `NOT (${expression} = ANY(${array}))` : `${expression} = ANY(${array})`, params: [values] }
  },
  jsonRows: (columns) => `coalesce(json_agg(json_build_array(${columns.join(', ')}))::text, '[]')`,
  // No rows: one null per column (array_agg of nothing is NULL).
  jsonColumns: (columns) => `json_build_array(${columns.map((column) => `array_agg(${column})`).join(', ')})::text`,
  like: (expression, pattern) => ({ sql: `${expression} LIKE ?`, params: [pattern] }),
  ilike: (expression, pattern) => ({ sql: `${expression} ILIKE ?`, params: [pattern] }),
  // The database's collation may be linguistic (en_US); "C" sorts by code point as SQLite does.
  orderText: (expression) => `${expression} COLLATE "C"`,
  insertRows(table: string, columns: readonly Column[], rows: readonly (readonly unknown[])[], suffix = '') {
    if (rows.length === 0) return []
    // One statement whatever the row count: each column travels as one array parameter.
    const arrays = columns.map((_, i) => rows.map((row) => row[i]))
    const sql = `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) SELECT * FROM unnest(${columns
      .map((c) => `?::${SQL_TYPE[c.type]}[]`)
      .join(', ')}) ${suffix}`
    return [{ sql, params: arrays }]
  },
  metricChunks: {
    insert(chunks: readonly MetricChunk[]) {
      if (chunks.length === 0) return []
      const column = <T>(pick: (c: MetricChunk) => T) => chunks.map(pick)
      return [
        {
          sql: INSERT_METRIC_CHUNKS,
          params: [
            column((c) => c.runKey),
            column((c) => c.key),
            column((c) => c.timestamps.length),
            column((c) => c.numbers),
            column((c) => c.minTimestamp),
            column((c) => c.maxTimestamp),
            column((c) => c.minStep),
            column((c) => c.maxStep),
            column((c) => c.minValue),
            column((c) => c.maxValue),
            column((c) => c.sumValue),
            column((c) => arrayLiteral(c.timestamps)),
            column((c) => arrayLiteral(c.steps)),
            column((c) => arrayLiteral(c.values)),
          ],
        },
      ]
    },
    // float8 holds NaN (and finds it equal to itself); `metrics` stores it as 0 with is_nan = 1.
    points: {
      from: ' CROSS JOIN LATERAL unnest(c.timestamps, c.steps, c.vals) AS p(timestamp, step, raw)',
      timestamp: 'p.timestamp',
      step: 'p.step',
      value: "CASE WHEN p.raw = 'NaN'::float8 THEN 0::float8 ELSE p.raw END",
      isNan: "CASE WHEN p.raw = 'NaN'::float8 THEN 1 ELSE 0 END",
    },
  },
  listTablesSql: `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`,
  // Also lifts the connections' statement_timeout for this transaction: building an index on a
  // large table may rightly take longer than any request should.
  migrationLockSql: `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}), set_config('statement_timeout', '0', true)`,
  migrationConnectionSql: undefined,
  subqueryFence: ' OFFSET 0',
  searchBudget: undefined,
  wireJson: undefined,
  classifyError(error): DriverErrorKind | undefined {
    const code = errorCode(error)
    if (code === '23505') return 'unique'
    if (code === '23503') return 'foreign-key'
    if (code === '40001' || code === '40P01') return 'retry'
    if (code === '55P03') return 'busy'
    if (CONNECTION_LOST_STATES.has(code) || SOCKET_ERRORS.has(code)) return 'unavailable'
    // query_canceled: statement_timeout (a cancel by an operator reads the same).
    if (code === '57014') return 'timeout'
    // A NUL character in a text value (PostgreSQL text cannot hold one), bad UTF-8, or a number out
    // of range for its column (a filter comparing a bigint column with 1e20).
    if (code === '22021' || code === '22P05' || code === '22003') return 'invalid-value'
    if (error instanceof Error && LOST_CONNECTION_MESSAGE.test(error.message)) return 'unavailable'
    return undefined
  },
}
