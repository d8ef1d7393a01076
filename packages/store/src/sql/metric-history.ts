import type { Metric, Page, RunMetric } from '@orchard/core'
import { METRIC_HISTORY_BULK_MAX_RESULTS } from '@orchard/protocol/base'
import type { MetricHistoryIntervalQuery, MetricHistoryQuery } from '../tracking-store.ts'
import type { StoreContext } from './context.ts'
import { fragment } from './dialect.ts'
import { readJsonRows } from './json-rows.ts'
import { decodeMetricValue } from './metric-value.ts'
import { decodeOffsetToken, encodeOffsetToken } from './page-token.ts'
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
 * A run's history of one metric in MLflow's order (timestamp, step, value) — the primary key's
 * order, so even a 100,000-point history is one index range scan with no sort.
 */
export async function getMetricHistory(
  ctx: StoreContext,
  runId: string,
  key: string,
  query: MetricHistoryQuery = {},
): Promise<Page<Metric>> {
  const run = await findRun(ctx.db, runId, ctx.workspace)
  const offset = query.pageToken ? decodeOffsetToken(query.pageToken) : 0
  // Only the columns that vary: each one costs ~15% of reading a 100,000-point history.
  const sql = `SELECT value, timestamp, step, is_nan FROM metrics WHERE run_key = ? AND key = ?
               ORDER BY timestamp, step, value, is_nan`
  if (query.maxResults === undefined) {
    const rows = offset
      ? await ctx.db.query<HistoryRow>(`${sql} LIMIT ? OFFSET ?`, [run.run_key, key, Number.MAX_SAFE_INTEGER, offset])
      : await ctx.db.query<HistoryRow>(sql, [run.run_key, key])
    return { items: rows.map((row) => toMetric(key, row)) }
  }
  const rows = await ctx.db.query<HistoryRow>(`${sql} LIMIT ? OFFSET ?`, [run.run_key, key, query.maxResults + 1, offset])
  const items = rows.slice(0, query.maxResults).map((row) => toMetric(key, row))
  return rows.length > query.maxResults ? { items, nextPageToken: encodeOffsetToken(offset + query.maxResults) } : { items }
}

/** Several runs' histories, by run id then (timestamp, step, value), at most maxResults points in all. */
export async function getMetricHistoryBulk(
  ctx: StoreContext,
  runIds: readonly string[],
  key: string,
  maxResults: number,
): Promise<RunMetric[]> {
  if (runIds.length === 0) return []
  const inRuns = ctx.dialect.inList('r.run_id', runIds, 'text')
  const rows = await ctx.db.query<HistoryRow & { run_id: string }>(
    `SELECT r.run_id, m.value, m.timestamp, m.step, m.is_nan
     FROM metrics m JOIN runs r ON r.run_key = m.run_key
     WHERE ${inRuns.sql} AND m.key = ?
     ORDER BY r.run_id, m.timestamp, m.step, m.value LIMIT ?`,
    [...inRuns.params, key, maxResults],
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
  const inRuns = dialect.inList('run_key', runs.map((r) => r.run_key), 'bigint')
  const bounds = await db.query<{ low: number; high: number }>(
    `SELECT min(step) AS low, max(step) AS high FROM metrics WHERE ${inRuns.sql} AND key = ? GROUP BY run_key`,
    [...inRuns.params, key],
  )
  if (bounds.length === 0) return []
  const boundaries = new Set(bounds.flatMap((b) => [b.low, b.high]))
  // MLflow's defaults: from step 0 to the greatest step of any run.
  const startStep = query.startStep ?? 0
  const endStep = query.endStep ?? Math.max(...bounds.map((b) => b.high))
  // A long history has ~100,000 distinct steps: one JSON array instead of a driver row per step.
  const [stepRows] = await readJsonRows<[[number][]]>(db, dialect, [
    {
      columns: ['step'],
      from: fragment(
        `FROM (SELECT DISTINCT step FROM metrics WHERE ${inRuns.sql} AND key = ? AND step >= ? AND step <= ?) steps`,
        [...inRuns.params, key, startStep, endStep],
      ),
    },
  ])
  const steps = stepRows.map(([step]) => step).sort((a, b) => a - b)
  const sampled = sampleSteps(steps, boundaries, startStep, endStep, query.maxResults)
  if (sampled.length === 0) return []
  const inSteps = dialect.inList('step', sampled, 'bigint')
  const rows = await db.query<PointRow>(
    `SELECT run_key, value, timestamp, step, is_nan FROM metrics
     WHERE ${inRuns.sql} AND key = ? AND ${inSteps.sql} ORDER BY run_key, step, timestamp, value`,
    [...inRuns.params, key, ...inSteps.params],
  )
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
