import type { MetricBucket, MetricBuckets, MetricHistoryBucketsQuery } from '@orchard/core'
import type { StoreContext } from './context.ts'
import { decodeMetricValue } from './metric-value.ts'
import { findRun } from './run-rows.ts'

// Full-fidelity chart data (the approach W&B uses): rather than sampling N points, which drops a spike
// between two samples, the x range is cut into buckets and each bucket reports its last point and its
// min and max. The database does the work in portable SQL (SQLite and PostgreSQL alike); bucket
// numbers are integer division of x by a whole-number width, so no float rounding decides which bucket
// a point falls in.

interface BucketRow {
  readonly run_key: number
  readonly step: number
  readonly timestamp: number
  readonly value: number
  readonly is_nan: number
  readonly low: number | null
  readonly high: number | null
  readonly n: number
}

/** Whole x units per bucket: the range split in at most `buckets` pieces, never narrower than 1. */
export const bucketWidth = (xMin: number, xMax: number, buckets: number): number => Math.max(1, Math.ceil((xMax - xMin + 1) / buckets))

export async function getMetricHistoryBuckets(
  ctx: StoreContext,
  runIds: readonly string[],
  key: string,
  query: MetricHistoryBucketsQuery,
): Promise<MetricBuckets> {
  const { db, dialect } = ctx
  const runs = []
  for (const runId of runIds) runs.push(await findRun(db, runId))
  const x = query.xAxis === 'step' ? 'step' : 'timestamp'
  const y = query.xAxis === 'step' ? 'timestamp' : 'step'
  const inRuns = dialect.inList('run_key', [...new Set(runs.map((r) => r.run_key))], 'bigint')
  let { xMin, xMax } = query
  if (xMin === undefined || xMax === undefined) {
    const [extent] = await db.query<{ low: number | null; high: number | null }>(
      `SELECT min(${x}) AS low, max(${x}) AS high FROM metrics WHERE ${inRuns.sql} AND key = ?`,
      [...inRuns.params, key],
    )
    if (!extent || extent.low === null || extent.high === null) return { xMin: 0, xMax: 0, bucketWidth: 1, buckets: [] }
    xMin = Number(extent.low)
    xMax = Number(extent.high)
  }
  const width = bucketWidth(xMin, xMax, query.buckets)
  // One GROUP BY finds each bucket's min, max, count and last x; the rows at that x are then ranked to
  // break ties (several points at one step). On SQLite this is 3x faster than ranking every point with
  // a window (100,000 points: ~250 ms against ~850 ms), and PostgreSQL hashes it just as well.
  const rows = await db.query<BucketRow>(
    `WITH points AS (
       SELECT run_key, step, timestamp, value, is_nan, (${x} - CAST(? AS BIGINT)) / CAST(? AS BIGINT) AS bucket
       FROM metrics WHERE ${inRuns.sql} AND key = ? AND ${x} >= ? AND ${x} <= ?
     ), summary AS (
       SELECT run_key, bucket, MAX(${x}) AS last_x, COUNT(*) AS n,
         MIN(CASE WHEN is_nan = 0 THEN value END) AS low, MAX(CASE WHEN is_nan = 0 THEN value END) AS high
       FROM points GROUP BY run_key, bucket
     ), lasts AS (
       SELECT p.run_key, p.bucket, p.step, p.timestamp, p.value, p.is_nan, s.low, s.high, s.n,
         ROW_NUMBER() OVER (PARTITION BY p.run_key, p.bucket ORDER BY p.${y} DESC, p.is_nan, p.value DESC) AS rn
       FROM points p JOIN summary s ON s.run_key = p.run_key AND s.bucket = p.bucket AND s.last_x = p.${x}
     )
     SELECT run_key, step, timestamp, value, is_nan, low, high, n FROM lasts WHERE rn = 1 ORDER BY run_key, bucket`,
    [xMin, width, ...inRuns.params, key, xMin, xMax],
  )
  const byRun = new Map<number, MetricBucket[]>()
  const runIdByKey = new Map(runs.map((r) => [r.run_key, r.run_id]))
  for (const row of rows) {
    let list = byRun.get(row.run_key)
    if (!list) byRun.set(row.run_key, (list = []))
    list.push({
      runId: runIdByKey.get(row.run_key) as string,
      step: Number(row.step),
      timestamp: Number(row.timestamp),
      value: decodeMetricValue(row.value, row.is_nan),
      min: row.low === null ? undefined : Number(row.low),
      max: row.high === null ? undefined : Number(row.high),
      count: Number(row.n),
    })
  }
  const seen = new Set<number>()
  const buckets = runs.flatMap((run) => {
    if (seen.has(run.run_key)) return []
    seen.add(run.run_key)
    return byRun.get(run.run_key) ?? []
  })
  return { xMin, xMax, bucketWidth: width, buckets }
}
