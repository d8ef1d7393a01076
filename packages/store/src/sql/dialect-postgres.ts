import type { Column, ColumnType, Dialect, DriverErrorKind } from './dialect.ts'

const SQL_TYPE: Record<ColumnType, string> = { text: 'text', bigint: 'bigint', double: 'float8', smallint: 'smallint' }

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
    // One array parameter instead of N placeholders keeps the statement text (and plan) stable.
    const array = `?::${SQL_TYPE[type]}[]`
    return { sql: negate ? `NOT (${expression} = ANY(${array}))` : `${expression} = ANY(${array})`, params: [values] }
  },
  jsonRows: (columns) => `coalesce(json_agg(json_build_array(${columns.join(', ')}))::text, '[]')`,
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
  migrationLockSql: `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`,
  classifyError(error): DriverErrorKind | undefined {
    const code = errorCode(error)
    if (code === '23505') return 'unique'
    if (code === '23503') return 'foreign-key'
    if (code === '40001' || code === '40P01') return 'retry'
    if (code === '55P03') return 'busy'
    return undefined
  },
}
