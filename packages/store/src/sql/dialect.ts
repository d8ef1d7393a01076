import type { Statement } from './db.ts'

/** A piece of SQL with `?` placeholders and the values they bind, composed into larger queries. */
export interface Fragment {
  readonly sql: string
  readonly params: readonly unknown[]
}

export type ColumnType = 'text' | 'bigint' | 'double' | 'smallint'

export interface Column {
  readonly name: string
  readonly type: ColumnType
}

/**
 * How a driver error is reported to the transaction helper. `unavailable`: the connection to the
 * database failed or was ended by the server (restart, failover, pg_terminate_backend), so the
 * statement did not run; `timeout`: the statement ran past the database's statement timeout.
 */
export type DriverErrorKind = 'unique' | 'foreign-key' | 'busy' | 'retry' | 'unavailable' | 'timeout' | 'invalid-value'

/**
 * Everything that differs between SQLite and PostgreSQL. Queries are written once in portable SQL
 * and call these where the two disagree; nothing else may test which database it runs on.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres'
  /** `expression IN (values)` (or NOT IN) with every value bound. */
  inList(expression: string, values: readonly (string | number)[], type: 'text' | 'bigint', negate?: boolean): Fragment
  /** SQL LIKE with `%`, `_` and `\` escapes, case-sensitive on both databases. */
  like(expression: string, pattern: string): Fragment
  /** Case-insensitive LIKE. */
  ilike(expression: string, pattern: string): Fragment
  /**
   * An aggregate turning the selected rows into one JSON text, an array of `[col, col, …]`
   * arrays ('[]' when no rows). Reading a page's 10,000 params or metrics as one JSON value is
   * 1.5-3x faster than as 10,000 driver rows on both databases. PostgreSQL writes ±Infinity as
   * the strings "Infinity"/"-Infinity", so numeric columns that may hold them go through Number().
   */
  jsonRows(columns: readonly string[]): string
  /**
   * As jsonRows, column by column: one JSON text, an array holding one array per column, the
   * selected rows' values in the same order in each (all aggregated in one pass over the rows).
   * Zero rows give empty arrays or nulls (readJsonColumns reads both as none). On PostgreSQL a
   * page's 10,000 params cost ~20 % less backend CPU this way than as jsonRows' 10,000 small
   * arrays, and JSON.parse of them a third less, with 10,000 fewer arrays to collect.
   */
  jsonColumns(columns: readonly string[]): string
  /** Byte-order text for ORDER BY, so both databases sort strings the same way. */
  orderText(expression: string): string
  /**
   * INSERT of many rows of the same shape; `suffix` is an ON CONFLICT clause. SQLite gets one
   * cached single-row statement per row (run synchronously), PostgreSQL one `unnest` statement.
   */
  insertRows(table: string, columns: readonly Column[], rows: readonly (readonly unknown[])[], suffix?: string): Statement[]
  /** Returns rows `{ name }` for the tables of the current database/schema. */
  readonly listTablesSql: string
  /** Run first inside each migration transaction so that concurrent openers queue (PG advisory lock). */
  readonly migrationLockSql: string | undefined
  /**
   * Run on the connection outside the transaction before and after migrations. SQLite can drop a
   * UNIQUE constraint only by rebuilding the table, and its documented rebuild procedure needs
   * foreign keys off: with them on, dropping the old table cascades into every child row.
   */
  readonly migrationConnectionSql: { readonly before: string; readonly after: string } | undefined
  classifyError(error: unknown): DriverErrorKind | undefined
  /**
   * Appended inside an EXISTS subquery to keep it a per-row probe rather than a join the planner
   * may reorder. PostgreSQL pulls every EXISTS up into a semi-join and then searches join orders:
   * 10 of them took 150 ms to plan, 100 over 20 s. `OFFSET 0` keeps each one a correlated
   * subplan (under 1 ms to plan). SQLite runs EXISTS per row already.
   */
  readonly subqueryFence: string
  /**
   * A condition true for every row that makes a search's statement count against its time budget:
   * put before a search's filter, it is evaluated for each candidate row. SQLite has no statement
   * timeout, so a function of the connection checks the clock (sqlite-db.ts); PostgreSQL has
   * statement_timeout and needs none.
   */
  readonly searchBudget: Fragment | undefined
  /**
   * How the database writes a page of runs as wire JSON (run-wire-json.ts), or undefined where
   * that costs more than reading the runs and writing them in JS. On PostgreSQL it did: the same
   * page built with to_json, string_agg and float8 text rewritten to JS's form took 231 ms of CPU
   * (server and backend) against 197 ms for json_agg + JSON.parse + JSON.stringify (A/B in
   * BENCHMARKS.md).
   */
  readonly wireJson: WireJsonSql | undefined
  /** How metric chunks (migration 017) are written and read back as points (metric-points.ts). */
  readonly metricChunks: MetricChunkSql
}

/** A run's points of one key, packed: the three arrays are n long, NaN stored as itself. */
export interface MetricChunk {
  readonly runKey: number
  readonly key: string
  readonly timestamps: Float64Array
  readonly steps: Float64Array
  readonly values: Float64Array
  /** The points that are not NaN, and their min, max and sum (null when there are none). */
  readonly numbers: number
  readonly minValue: number | null
  readonly maxValue: number | null
  readonly sumValue: number | null
  readonly minTimestamp: number
  readonly maxTimestamp: number
  readonly minStep: number
  readonly maxStep: number
}

export interface MetricChunkSql {
  /** Statements inserting the chunks into metric_chunks. */
  insert(chunks: readonly MetricChunk[]): Statement[]
  /**
   * FROM-clause text put right after `metric_chunks c` that gives each of the chunk's points as a
   * row, and the expressions for its columns (typed as `metrics`' columns are).
   */
  readonly points: { readonly from: string; readonly timestamp: string; readonly step: string; readonly value: string; readonly isNan: string }
  /**
   * Where the database returns a chunk's packed points as one value (SQLite's blob), how to read them
   * in JavaScript: readers that go over every point (chart buckets) then take the chunks whole rather
   * than a row per point.
   */
  readonly unpack?: (data: Uint8Array) => { readonly timestamps: Float64Array; readonly steps: Float64Array; readonly values: Float64Array }
}

/** SQL that writes values byte for byte as JSON.stringify writes what the store would return. */
export interface WireJsonSql {
  /** A text column as a JSON string. */
  string(expression: string): string
  /** A bigint column as the JS number it reads as (its digits, or rounded past 2^53). */
  integer(expression: string): string
  /** A double column, finite or ±Infinity, as MLflow's wire double (`"Infinity"`, shortest digits). */
  double(expression: string): string
  /**
   * An aggregate joining texts with commas in the order its rows arrive (NULL when there are none),
   * used over a subquery with ORDER BY: SQLite keeps a subquery's order for an aggregate over it
   * (the query flattener's rule 16, there for group_concat; and it drops a subquery's ORDER BY
   * only under an outer ORDER BY or a join, never under an aggregate other than count, min or
   * max). The subquery must be the outer query's only FROM item. Where that order is an index's, this
   * needs no sort, where the aggregate's own ORDER BY builds a temporary b-tree per call: 3,000 for
   * a 1000-run page, 3-6 ms of its ~25 ms.
   */
  joinTexts(expression: string): string
  /** A page's run keys as a table to put first in FROM: each key (`runKey`) and its place in the list (`position`). */
  orderedKeys(keys: readonly number[]): OrderedKeys
}

export interface OrderedKeys {
  /** The FROM item, binding `params`. */
  readonly from: string
  readonly params: readonly unknown[]
  readonly runKey: string
  readonly position: string
}

export const fragment = (sql: string, params: readonly unknown[] = []): Fragment => ({ sql, params })

/** Joins fragments with `separator`, concatenating their parameters in order. */
export function joinFragments(parts: readonly Fragment[], separator: string): Fragment {
  return { sql: parts.map((p) => p.sql).join(separator), params: parts.flatMap((p) => p.params) }
}
