import type { Metric, Page, RunMetric } from '@orchard/core'
import { METRIC_HISTORY_BULK_MAX_RESULTS } from '@orchard/protocol/base'
import type { MetricHistoryIntervalQuery, MetricHistoryQuery } from '../tracking-store.ts'
import type { StoreContext } from './context.ts'
import { fragment } from './dialect.ts'
import { readJsonRows } from './json-rows.ts'
import { decodeMetricValue } from './metric-value.ts'
import { decodeOffsetToken, encodeOffsetToken } from './page-token.ts'
import type { MetricChunkSql } from './dialect.ts'
import { forEachChunkPoint } from './metric-chunk-codec.ts'
import { selectExtents, selectPoints } from './metric-points.ts'
import { findRun } from './run-rows.ts'

interface HistoryRow {
  readonly value: number
  readonly timestamp: number
  readonly step: number
  readonly is_nan: number
}

interface PointRow extends HistoryRow {
  readonly run_key: number
}

const toMetric = (key: string, row: HistoryRow): Metric => ({
  key,
  value: decodeMetricValue(row.value, row.is_nan),
  timestamp: row.timestamp,
  step: row.step,
})

/**
 * A run's history of one metric in MLflow's order (timestamp, step, value). The rows come in the
 * primary key's order and the chunks' points are sorted, and the database merges the two.
 */
export async function getMetricHistory(
  ctx: StoreContext,
  runId: string,
  key: string,
  query: MetricHistoryQuery = {},
): Promise<Page<Metric>> {
  const run = await findRun(ctx.db, runId, ctx.workspace)
  const offset = query.pageToken ? decodeOffsetToken(query.pageToken) : 0
  const unpack = ctx.dialect.metricChunks.unpack
  if (unpack) {
    const chunks = await ctx.db.query<{ data: Uint8Array }>('SELECT data FROM metric_chunks WHERE run_key = ? AND key = ? ORDER BY max_timestamp', [
      run.run_key,
      key,
    ])
    if (chunks.length > 0) return historyInProcess(ctx, run.run_key, key, chunks, unpack, offset, query.maxResults)
  }
  // Only the columns that vary: each one costs ~15% of reading a 100,000-point history.
  const points = selectPoints(ctx.dialect, { runKeys: [run.run_key], key, withoutRunKey: true })
  const sql = `${points.sql} ORDER BY timestamp, step, value, is_nan`
  if (query.maxResults === undefined) {
    const rows = offset
      ? await ctx.db.query<HistoryRow>(`${sql} LIMIT ? OFFSET ?`, [...points.params, Number.MAX_SAFE_INTEGER, offset])
      : await ctx.db.query<HistoryRow>(sql, points.params)
    return { items: rows.map((row) => toMetric(key, row)) }
  }
  const rows = await ctx.db.query<HistoryRow>(`${sql} LIMIT ? OFFSET ?`, [...points.params, query.maxResults + 1, offset])
  const items = rows.slice(0, query.maxResults).map((row) => toMetric(key, row))
  return rows.length > query.maxResults ? { items, nextPageToken: encodeOffsetToken(offset + query.maxResults) } : { items }
}

/** MLflow's history order: timestamp, step, value, NaN after a number. */
const inHistoryOrder = (a: HistoryRow, b: HistoryRow) =>
  a.timestamp - b.timestamp || a.step - b.step || a.value - b.value || a.is_nan - b.is_nan

/**
 * SQLite, where the key has chunks: the rows in key order and the chunks unpacked here, rather than a
 * row per point through the connection's table-valued function and a sort in SQL (a 100,000-point
 * history of 100 chunks took 155 ms that way, 107 ms as rows). Chunks written in time order, each
 * in step order, need no sort: the merged list is checked first.
 */
async function historyInProcess(
  ctx: StoreContext,
  runKey: number,
  key: string,
  chunks: readonly { data: Uint8Array }[],
  unpack: NonNullable<MetricChunkSql['unpack']>,
  offset: number,
  maxResults: number | undefined,
): Promise<Page<Metric>> {
  const points = await ctx.db.query<HistoryRow>(
    'SELECT value, timestamp, step, is_nan FROM metrics WHERE run_key = ? AND key = ? ORDER BY timestamp, step, value, is_nan',
    [runKey, key],
  )
  for (const chunk of chunks) {
    forEachChunkPoint(unpack(chunk.data), (timestamp, step, value, isNan) => points.push({ value, timestamp, step, is_nan: isNan }))
  }
  let sorted = true
  for (let i = 1; i < points.length && sorted; i++) sorted = inHistoryOrder(points[i - 1] as HistoryRow, points[i] as HistoryRow) <= 0
  if (!sorted) points.sort(inHistoryOrder)
  const end = maxResults === undefined ? points.length : Math.min(points.length, offset + maxResults)
  const items = points.slice(offset, end).map((point) => toMetric(key, point))
  return end < points.length ? { items, nextPageToken: encodeOffsetToken(end) } : { items }
}

/** Several runs' histories, by run id then (timestamp, step, value), at most maxResults points in all. */
export async function getMetricHistoryBulk(
  ctx: StoreContext,
  runIds: readonly string[],
  key: string,
  maxResults: number,
): Promise<RunMetric[]> {
  if (runIds.length === 0) return []
  const inRuns = ctx.dialect.inList('run_id', runIds, 'text')
  const runs = await ctx.db.query<{ run_key: number; run_id: string }>(`SELECT run_key, run_id FROM runs WHERE ${inRuns.sql}`, inRuns.params)
  if (runs.length === 0) return []
  const points = selectPoints(ctx.dialect, { runKeys: runs.map((r) => r.run_key), key })
  const rows = await ctx.db.query<HistoryRow & { run_id: string }>(
    `SELECT r.run_id, m.value, m.timestamp, m.step, m.is_nan
     FROM (${points.sql}) m JOIN runs r ON r.run_key = m.run_key
     ORDER BY r.run_id, m.timestamp, m.step, m.value LIMIT ?`,
    [...points.params, maxResults],
  )
  return rows.map((row) => ({ runId: row.run_id, ...toMetric(key, row) }))
}

/**
 * MLflow's sampling for chart ranges (abstract_store.get_metric_history_bulk_interval): take the
 * union of the runs' steps inside [start, end], keep maxResults of them evenly spaced plus the
 * last, and always add every run's own first and last step that falls in the range.
 */
export function sampleSteps(
  allSteps: readonly number[],
  boundaries: ReadonlySet<number>,
  startStep: number,
  endStep: number,
  maxResults: number,
): number[] {
  const inRange = allSteps.filter((s) => s >= startStep && s <= endStep)
  const sampled = new Set<number>()
  if (inRange.length <= maxResults) {
    for (const step of inRange) sampled.add(step)
  } else {
    const interval = inRange.length / maxResults
    for (let i = 0; i < maxResults; i++) sampled.add(inRange[Math.floor(i * interval)] as number)
    sampled.add(inRange[inRange.length - 1] as number)
  }
  for (const step of boundaries) if (step >= startStep && step <= endStep) sampled.add(step)
  return [...sampled].sort((a, b) => a - b)
}

export async function getMetricHistoryBulkInterval(
  ctx: StoreContext,
  runIds: readonly string[],
  key: string,
  query: MetricHistoryIntervalQuery,
): Promise<RunMetric[]> {
  const { db, dialect } = ctx
  const runs = []
  for (const runId of runIds) runs.push(await findRun(db, runId, ctx.workspace))
  if (runs.length === 0) return []
  const runKeys = runs.map((r) => r.run_key)
  const extents = selectExtents(dialect, runKeys, key, 'step')
  const bounds = await db.query<{ low: number; high: number }>(extents.sql, extents.params)
  if (bounds.length === 0) return []
  const boundaries = new Set(bounds.flatMap((b) => [Number(b.low), Number(b.high)]))
  // MLflow's defaults: from step 0 to the greatest step of any run.
  const startStep = query.startStep ?? 0
  const endStep = query.endStep ?? Math.max(...bounds.map((b) => Number(b.high)))
  // A long history has ~100,000 distinct steps: one JSON array instead of a driver row per step.
  const inRange = selectPoints(dialect, { runKeys, key, range: { column: 'step', low: startStep, high: endStep } })
  const [stepRows] = await readJsonRows<[[number][]]>(db, dialect, [
    { columns: ['step'], from: fragment(`FROM (SELECT DISTINCT step FROM (${inRange.sql}) points) steps`, inRange.params) },
  ])
  const steps = stepRows.map(([step]) => Number(step)).sort((a, b) => a - b)
  const sampled = sampleSteps(steps, boundaries, startStep, endStep, query.maxResults)
  if (sampled.length === 0) return []
  const atSteps = selectPoints(dialect, { runKeys, key, steps: sampled })
  const rows = await db.query<PointRow>(`${atSteps.sql} ORDER BY run_key, step, timestamp, value`, atSteps.params)
  const runIdByKey = new Map(runs.map((r) => [r.run_key, r.run_id]))
  const byRun = new Map<number, RunMetric[]>()
  for (const row of rows) {
    const runId = runIdByKey.get(row.run_key) as string
    let list = byRun.get(row.run_key)
    if (!list) byRun.set(row.run_key, (list = []))
    // MLflow caps each run at its metric history limit.
    if (list.length < METRIC_HISTORY_BULK_MAX_RESULTS) list.push({ runId, ...toMetric(key, row) })
  }
  const seen = new Set<number>()
  return runs.flatMap((run) => {
    if (seen.has(run.run_key)) return []
    seen.add(run.run_key)
    return byRun.get(run.run_key) ?? []
  })
}
