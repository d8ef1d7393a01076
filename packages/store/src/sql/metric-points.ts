import type { Metric, MetricAggregate } from '@orchard/core'
import type { Db } from './db.ts'
import type { Column, Dialect, Fragment, MetricChunk } from './dialect.ts'
import { encodeMetricValue } from './metric-value.ts'

// A run's history of a metric lives in two tables (migration 017): `metrics`, a row per point, and
// `metric_chunks`, many points of one key to a row. A log-batch's points of one key go into one
// chunk when there are at least CHUNK_MIN_POINTS of them (a training loop's steps, flushed together),
// otherwise into rows, so that single points (log-metric) stay rows that read without unpacking.
// Each point is stored once, whichever table holds it, as MLflow's primary key on (key, timestamp,
// step, value) makes it: writers drop the points already stored before they insert. Readers take the
// union of the two tables (selectPoints); aggregates over a history use the chunks' summary columns.

/** The fewest points of one key in one write that are stored as a chunk rather than as rows. */
export const CHUNK_MIN_POINTS = 16

/** A row of `metrics`. */
export const METRIC_POINT: readonly Column[] = [
  { name: 'run_key', type: 'bigint' },
  { name: 'key', type: 'text' },
  { name: 'timestamp', type: 'bigint' },
  { name: 'step', type: 'bigint' },
  { name: 'value', type: 'double' },
  { name: 'is_nan', type: 'smallint' },
]

export interface PointsQuery {
  readonly runKeys: readonly number[]
  readonly key: string
  /** Only the points whose step (or timestamp) lies in [low, high]. */
  readonly range?: { readonly column: 'step' | 'timestamp'; readonly low: number; readonly high: number }
  /** Only the points at these steps (at least one). */
  readonly steps?: readonly number[]
  /** Leave out the run_key column (a read of one run). */
  readonly withoutRunKey?: boolean
}

/**
 * The points of `key` in the runs, from both tables, as a compound SELECT with columns (run_key,)
 * timestamp, step, value, is_nan, named as in `metrics`, NaN as value 0 with is_nan = 1. It may be
 * followed by ORDER BY and LIMIT, or used as a subquery. A chunk is unpacked only when its summary
 * says it may hold a point in the range.
 */
export function selectPoints(dialect: Dialect, query: PointsQuery): Fragment {
  const p = dialect.metricChunks.points
  const rowRuns = dialect.inList('run_key', query.runKeys, 'bigint')
  const chunkRuns = dialect.inList('c.run_key', query.runKeys, 'bigint')
  const rowWhere = [rowRuns.sql, 'key = ?']
  const rowParams: unknown[] = [...rowRuns.params, query.key]
  const chunkWhere = [chunkRuns.sql, 'c.key = ?']
  const chunkParams: unknown[] = [...chunkRuns.params, query.key]
  if (query.range) {
    const { column, low, high } = query.range
    const expression = column === 'step' ? p.step : p.timestamp
    rowWhere.push(`${column} >= ?`, `${column} <= ?`)
    rowParams.push(low, high)
    chunkWhere.push(`c.max_${column} >= ?`, `c.min_${column} <= ?`, `${expression} >= ?`, `${expression} <= ?`)
    chunkParams.push(low, high, low, high)
  }
  if (query.steps) {
    const rowSteps = dialect.inList('step', query.steps, 'bigint')
    const chunkSteps = dialect.inList(p.step, query.steps, 'bigint')
    rowWhere.push(rowSteps.sql)
    rowParams.push(...rowSteps.params)
    chunkWhere.push('c.max_step >= ?', 'c.min_step <= ?', chunkSteps.sql)
    chunkParams.push(Math.min(...query.steps), Math.max(...query.steps), ...chunkSteps.params)
  }
  const runKey = query.withoutRunKey ? '' : 'run_key, '
  const chunkRunKey = query.withoutRunKey ? '' : 'c.run_key, '
  return {
    sql: `SELECT ${runKey}timestamp, step, value, is_nan FROM metrics WHERE ${rowWhere.join(' AND ')}
     UNION ALL
     SELECT ${chunkRunKey}${p.timestamp} AS timestamp, ${p.step} AS step, ${p.value} AS value, ${p.isNan} AS is_nan
     FROM metric_chunks c${p.from} WHERE ${chunkWhere.join(' AND ')}`,
    params: [...rowParams, ...chunkParams],
  }
}

/**
 * Each run's lowest and highest step (or timestamp) of `key`, over both tables: rows `(run_key, low,
 * high)`, one per run that has a point. Chunks answer from their summary columns, unpacked.
 */
export function selectExtents(dialect: Dialect, runKeys: readonly number[], key: string, column: 'step' | 'timestamp'): Fragment {
  const rowRuns = dialect.inList('run_key', runKeys, 'bigint')
  const chunkRuns = dialect.inList('c.run_key', runKeys, 'bigint')
  return {
    sql: `SELECT run_key, min(low) AS low, max(high) AS high FROM (
       SELECT run_key, min(${column}) AS low, max(${column}) AS high FROM metrics WHERE ${rowRuns.sql} AND key = ? GROUP BY run_key
       UNION ALL
       SELECT c.run_key, min(c.min_${column}), max(c.max_${column}) FROM metric_chunks c WHERE ${chunkRuns.sql} AND c.key = ? GROUP BY c.run_key
     ) e GROUP BY run_key`,
    params: [...rowRuns.params, key, ...chunkRuns.params, key],
  }
}

/**
 * An aggregate of run `r`'s whole history of a metric (Orchard's `min(metrics.k)`) as a scalar
 * subquery, over the points that are not NaN; NULL when there are none. Chunks answer from their
 * summary columns, without being unpacked.
 */
export function historyAggregate(aggregate: MetricAggregate, key: string): Fragment {
  const rows = `FROM metrics h WHERE h.run_key = r.run_key AND h.key = ? AND h.is_nan = 0`
  const chunks = `FROM metric_chunks c WHERE c.run_key = r.run_key AND c.key = ? AND c.numbers > 0`
  if (aggregate === 'mean') {
    // A chunk whose values sum to NaN (+Infinity and -Infinity in one chunk) holds a NULL sum on
    // SQLite, which has no NaN: the mean is then NULL, as SQLite's avg() over the same rows gives.
    return {
      sql: `(SELECT CASE WHEN max(unsummed) = 1 THEN NULL ELSE sum(s) / CAST(sum(n) AS DOUBLE PRECISION) END
             FROM (SELECT sum(h.value) AS s, count(*) AS n, 0 AS unsummed ${rows}
                   UNION ALL SELECT sum(c.sum_value), sum(c.numbers), max(CASE WHEN c.sum_value IS NULL THEN 1 ELSE 0 END) ${chunks}) a)`,
      params: [key, key],
    }
  }
  return {
    sql: `(SELECT ${aggregate}(v) FROM (SELECT ${aggregate}(h.value) AS v ${rows} UNION ALL SELECT ${aggregate}(c.${aggregate}_value) ${chunks}) a)`,
    params: [key, key],
  }
}

/** Whether run `r` has a point of `key` that is not NaN, in either table. */
export const hasNumber = (key: string): Fragment => ({
  sql: `(EXISTS (SELECT 1 FROM metrics h WHERE h.run_key = r.run_key AND h.key = ? AND h.is_nan = 0)
         OR EXISTS (SELECT 1 FROM metric_chunks c WHERE c.run_key = r.run_key AND c.key = ? AND c.numbers > 0))`,
  params: [key, key],
})

interface StoredPoint {
  readonly timestamp: number
  readonly step: number
  readonly value: number
  readonly is_nan: number
}

/** A point's identity as MLflow's primary key has it: (timestamp, step, value), NaN being one value. */
const identity = (timestamp: number, step: number, value: number, isNan: number) => `${timestamp} ${step} ${isNan ? 'NaN' : value}`

/** The keys, among those written, that already hold a point in the time range being written. */
async function keysWithStoredPoints(tx: Db, runKey: number, ranges: readonly { key: string; low: number; high: number }[]): Promise<Set<string>> {
  const values = ranges.map(() => '(CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT))').join(', ')
  const rows = await tx.query<{ key: string }>(
    `WITH k (key, low, high) AS (VALUES ${values})
     SELECT k.key FROM k
     WHERE EXISTS (SELECT 1 FROM metrics m WHERE m.run_key = ? AND m.key = k.key AND m.timestamp >= k.low AND m.timestamp <= k.high)
        OR EXISTS (SELECT 1 FROM metric_chunks c WHERE c.run_key = ? AND c.key = k.key AND c.max_timestamp >= k.low AND c.min_timestamp <= k.high)`,
    [...ranges.flatMap((r) => [r.key, r.low, r.high]), runKey, runKey],
  )
  return new Set(rows.map((row) => row.key))
}

/** The points of a group that are neither stored already nor repeated earlier in the group. */
function newPoints(group: readonly Metric[], stored: Iterable<StoredPoint>): Metric[] {
  const seen = new Set<string>()
  for (const point of stored) seen.add(identity(Number(point.timestamp), Number(point.step), Number(point.value), Number(point.is_nan)))
  const kept: Metric[] = []
  for (const metric of group) {
    const { value, isNan } = encodeMetricValue(metric.value)
    const id = identity(metric.timestamp, metric.step, value, isNan)
    if (seen.has(id)) continue
    seen.add(id)
    kept.push(metric)
  }
  return kept
}

/** Points cannot repeat when the steps only grow (a training loop's batch): no need to look. */
function stepsIncrease(group: readonly Metric[]): boolean {
  for (let i = 1; i < group.length; i++) if ((group[i] as Metric).step <= (group[i - 1] as Metric).step) return false
  return true
}

function toChunk(runKey: number, key: string, points: readonly Metric[]): MetricChunk {
  const n = points.length
  const timestamps = new Float64Array(n)
  const steps = new Float64Array(n)
  const values = new Float64Array(n)
  let numbers = 0
  let minValue = Number.POSITIVE_INFINITY
  let maxValue = Number.NEGATIVE_INFINITY
  let sumValue = 0
  let minTimestamp = Number.POSITIVE_INFINITY
  let maxTimestamp = Number.NEGATIVE_INFINITY
  let minStep = Number.POSITIVE_INFINITY
  let maxStep = Number.NEGATIVE_INFINITY
  for (let i = 0; i < n; i++) {
    const { timestamp, step, value } = points[i] as Metric
    timestamps[i] = timestamp
    steps[i] = step
    values[i] = value
    if (timestamp < minTimestamp) minTimestamp = timestamp
    if (timestamp > maxTimestamp) maxTimestamp = timestamp
    if (step < minStep) minStep = step
    if (step > maxStep) maxStep = step
    if (Number.isNaN(value)) continue
    numbers++
    if (value < minValue) minValue = value
    if (value > maxValue) maxValue = value
    sumValue += value
  }
  const some = numbers > 0
  return {
    runKey,
    key,
    timestamps,
    steps,
    values,
    numbers,
    minValue: some ? minValue : null,
    maxValue: some ? maxValue : null,
    sumValue: some ? sumValue : null,
    minTimestamp,
    maxTimestamp,
    minStep,
    maxStep,
  }
}

/**
 * Writes a run's metric points: per key, the points not stored yet, as one chunk or as rows. Inside
 * the caller's transaction. On PostgreSQL the caller has already upserted the keys' latest_metrics
 * rows, which holds each (run, key) row lock to the end of the transaction: a concurrent writer of
 * the same key waits there, and so sees these points when it checks for stored ones.
 */
export async function writeMetricPoints(tx: Db, dialect: Dialect, runKey: number, metrics: readonly Metric[]): Promise<void> {
  const groups = new Map<string, Metric[]>()
  for (const metric of metrics) {
    const group = groups.get(metric.key)
    if (group) group.push(metric)
    else groups.set(metric.key, [metric])
  }
  const ranges = [...groups].map(([key, group]) => {
    let low = Number.POSITIVE_INFINITY
    let high = Number.NEGATIVE_INFINITY
    for (const { timestamp } of group) {
      if (timestamp < low) low = timestamp
      if (timestamp > high) high = timestamp
    }
    return { key, low, high }
  })
  const overlapping = await keysWithStoredPoints(tx, runKey, ranges)
  const rows: unknown[][] = []
  const chunks: MetricChunk[] = []
  for (const { key, low, high } of ranges) {
    let points = groups.get(key) as Metric[]
    if (overlapping.has(key)) {
      const stored = selectPoints(dialect, { runKeys: [runKey], key, range: { column: 'timestamp', low, high }, withoutRunKey: true })
      points = newPoints(points, await tx.query<StoredPoint>(stored.sql, stored.params))
    } else if (points.length >= CHUNK_MIN_POINTS && !stepsIncrease(points)) {
      points = newPoints(points, [])
    }
    if (points.length >= CHUNK_MIN_POINTS) {
      chunks.push(toChunk(runKey, key, points))
    } else {
      for (const metric of points) {
        const { value, isNan } = encodeMetricValue(metric.value)
        rows.push([runKey, key, metric.timestamp, metric.step, value, isNan])
      }
    }
  }
  // Rows repeated within the write are dropped by the primary key, as before chunks existed.
  await tx.runBatch(dialect.insertRows('metrics', METRIC_POINT, rows, 'ON CONFLICT DO NOTHING'))
  await tx.runBatch(dialect.metricChunks.insert(chunks))
}
