import type { Column, Dialect, DriverErrorKind, MetricChunk } from './dialect.ts'
import { packMetricChunk, unpackMetricChunk } from './metric-chunk-codec.ts'

/** The connection function a search's rows call to stay within its time budget (sqlite-db.ts). */
export const SEARCH_BUDGET_FUNCTION = 'orchard_within_budget'
/** The code of the error that function throws once the budget is spent. */
export const SEARCH_BUDGET_EXCEEDED = 'ORCHARD_SEARCH_BUDGET_EXCEEDED'
/**
 * The connection function that writes a number as JSON.stringify does (sqlite-db.ts): SQLite's own
 * text of a REAL has 15 significant digits, not the shortest that reads back the same double.
 */
export const JSON_NUMBER_FUNCTION = 'orchard_json_number'
/** The connection's table-valued function giving a metric chunk's points as rows (sqlite-db.ts). */
export const METRIC_POINTS_FUNCTION = 'orchard_metric_points'
const INSERT_METRIC_CHUNK = `INSERT INTO metric_chunks (run_key, key, points, numbers, min_timestamp, max_timestamp, min_step, max_step,
  min_value, max_value, sum_value, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
// Integers up to this magnitude read back as the same JS number, so SQLite's digits are JS's.
const MAX_EXACT_INTEGER = Number.MAX_SAFE_INTEGER

const errorCode = (error: unknown): string =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : ''

/**
 * SQLite's LIKE ignores ASCII case, so a case-sensitive LIKE becomes GLOB: `%` → `*`, `_` → `?`,
 * `\x` → a literal x, and GLOB's own metacharacters in the literal text go into brackets.
 */
export function likeToGlob(pattern: string): string {
  let glob = ''
  for (let i = 0; i < pattern.length; i++) {
    let char = pattern[i] as string
    if (char === '\\' && i + 1 < pattern.length) {
      char = pattern[++i] as string
    } else if (char === '%') {
      glob += '*'
      continue
    } else if (char === '_') {
      glob += '?'
      continue
    }
    glob += char === '*' || char === '?' || char === '[' ? `[${char}]` : char
  }
  return glob
}

// Up to this many values are bound one per placeholder, which lets the planner treat a single
// value as an equality (and walk an index in order); longer lists (a page of run keys) travel as
// one JSON array, which keeps the statement text stable and stays under SQLite's 32,766 bound
// values per statement.
const INLINE_LIST_LIMIT = 64

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  inList(expression, values, _type, negate = false) {
    const operator = negate ? 'NOT IN' : 'IN'
    if (values.length > INLINE_LIST_LIMIT) {
      return { sql: `${expression} ${operator} (SELECT value FROM json_each(?))`, params: [JSON.stringify(values)] }
    }
    return { sql: `${expression} ${operator} (${values.map(() => '?').join(', ')})`, params: values }
  },
  // SQLite writes ±Infinity as 9.0e+999, which JSON.parse reads back as ±Infinity.
  jsonRows: (columns) => `json_group_array(json_array(${columns.join(', ')}))`,
  jsonColumns: (columns) => `json_array(${columns.map((column) => `json_group_array(${column})`).join(', ')})`,
  like: (expression, pattern) => ({ sql: `${expression} GLOB ?`, params: [likeToGlob(pattern)] }),
  ilike: (expression, pattern) => ({ sql: `${expression} LIKE ? ESCAPE '\\'`, params: [pattern] }),
  // SQLite compares text byte by byte (BINARY collation) already.
  orderText: (expression) => expression,
  insertRows(table: string, columns: readonly Column[], rows: readonly (readonly unknown[])[], suffix = '') {
    // better-sqlite3 runs one cached single-row statement ~1 µs per row inside a transaction, as
    // fast as multi-row VALUES and without a statement per batch size.
    const sql = `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) VALUES (${columns
      .map(() => '?')
      .join(', ')}) ${suffix}`
    return rows.map((params) => ({ sql, params }))
  },
  metricChunks: {
    insert: (chunks: readonly MetricChunk[]) =>
      chunks.map((c) => ({
        sql: INSERT_METRIC_CHUNK,
        params: [c.runKey, c.key, c.timestamps.length, c.numbers, c.minTimestamp, c.maxTimestamp, c.minStep, c.maxStep, c.minValue, c.maxValue, c.sumValue,
          packMetricChunk(c.timestamps, c.steps, c.values)],
      })),
    // The function returns JavaScript numbers, which SQLite takes as REAL: timestamps and steps are
    // cast back to INTEGER so that they compare, divide and DISTINCT as the same column of `metrics`.
    points: {
      from: ` CROSS JOIN ${METRIC_POINTS_FUNCTION}(c.data) p`,
      timestamp: 'CAST(p.timestamp AS INTEGER)',
      step: 'CAST(p.step AS INTEGER)',
      value: 'p.value',
      isNan: 'p.is_nan',
    },
    unpack: unpackMetricChunk,
  },
  listTablesSql: `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
  // BEGIN IMMEDIATE already takes the database's write lock.
  migrationLockSql: undefined,
  migrationConnectionSql: { before: 'PRAGMA foreign_keys = OFF', after: 'PRAGMA foreign_keys = ON' },
  subqueryFence: '',
  searchBudget: { sql: `${SEARCH_BUDGET_FUNCTION}()`, params: [] },
  wireJson: {
    // json_quote escapes exactly the characters JSON.stringify does, with the same short forms.
    string: (expression) => `json_quote(${expression})`,
    integer: (expression) =>
      `CASE WHEN typeof(${expression}) = 'integer' AND ${expression} BETWEEN ${-MAX_EXACT_INTEGER} AND ${MAX_EXACT_INTEGER} THEN CAST(${expression} AS TEXT) ELSE ${JSON_NUMBER_FUNCTION}(${expression}) END`,
    double: (expression) => `${JSON_NUMBER_FUNCTION}(${expression})`,
    joinTexts: (expression) => `group_concat(${expression}, ',')`,
    // One JSON array whatever the page's size: a stable statement text, and no bound-value limit.
    orderedKeys: (keys) => ({ from: 'json_each(?) k', params: [JSON.stringify(keys)], runKey: 'k.value', position: 'k.key' }),
  },
  classifyError(error): DriverErrorKind | undefined {
    const code = errorCode(error)
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique'
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign-key'
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy'
    if (code === SEARCH_BUDGET_EXCEEDED) return 'timeout'
    return undefined
  },
}
