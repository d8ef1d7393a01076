import type { Column, ColumnType, Dialect, DriverErrorKind } from './dialect.ts'

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
