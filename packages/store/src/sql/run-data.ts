import type { Metric, Param, Tag } from '@orchard/core'
import { invalidParameter, notFound } from '@orchard/protocol/base'
import type { LogBatchInput } from '../tracking-store.ts'
import type { StoreContext } from './context.ts'
import type { Db } from './db.ts'
import type { Column, Dialect } from './dialect.ts'
import { METRIC_POINT, writeMetricPoints } from './metric-points.ts'
import { encodeMetricValue, metricValueJson } from './metric-value.ts'
import { writeModelMetrics } from './run-model-links.ts'
import { findActiveRun } from './run-rows.ts'
import type { RunRow } from './run-rows.ts'

/** The tag that mirrors a run's name (MLflow keeps both in step). */
export const RUN_NAME_TAG = 'mlflow.runName'
/** The tag that mirrors a run's user_id. */
export const USER_TAG = 'mlflow.user'

const KEY_VALUE: readonly Column[] = [
  { name: 'run_key', type: 'bigint' },
  { name: 'key', type: 'text' },
  { name: 'value', type: 'text' },
]
/** A latest value: the point's columns and its wire JSON (migration 015). */
const LATEST_METRIC: readonly Column[] = [...METRIC_POINT, { name: 'value_json', type: 'text' }]

// Rows are written in key order so concurrent PostgreSQL transactions lock them in the same order
// and cannot deadlock.
const sortedEntries = (map: Map<string, string>) => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

/** Sets tags (last value per key wins) and keeps runs.name / runs.user_id in step with their tags. */
export async function writeTags(tx: Db, dialect: Dialect, run: RunRow, tags: readonly Tag[]): Promise<void> {
  if (tags.length === 0) return
  const lastWins = new Map(tags.map((t) => [t.key, t.value]))
  await tx.runBatch(
    dialect.insertRows(
      'tags',
      KEY_VALUE,
      sortedEntries(lastWins).map(([key, value]) => [run.run_key, key, value]),
      'ON CONFLICT (run_key, key) DO UPDATE SET value = excluded.value',
    ),
  )
  const name = lastWins.get(RUN_NAME_TAG)
  if (name !== undefined) await tx.run('UPDATE runs SET name = ? WHERE run_key = ?', [name, run.run_key])
  const user = lastWins.get(USER_TAG)
  if (user !== undefined) await tx.run('UPDATE runs SET user_id = ? WHERE run_key = ?', [user, run.run_key])
}

/**
 * Params are immutable: the same value again is fine, another value is INVALID_PARAMETER_VALUE.
 * Inserting first and then reading back what is stored also catches a concurrent writer that won
 * the race for a key; throwing rolls the whole transaction back.
 */
async function writeParams(tx: Db, dialect: Dialect, run: RunRow, params: readonly Param[], single: boolean) {
  if (params.length === 0) return
  const wanted = new Map<string, string>()
  const clashes = new Set<string>()
  for (const p of params) {
    const earlier = wanted.get(p.key)
    if (earlier !== undefined && earlier !== p.value) clashes.add(p.key)
    wanted.set(p.key, p.value)
  }
  if (clashes.size > 0) {
    throw invalidParameter(
      `Duplicate parameter keys have been submitted with different values: ${[...clashes].map((k) => `'${k}'`).join(', ')}. Please ensure the request contains each param key once.`,
    )
  }
  await tx.runBatch(
    dialect.insertRows(
      'params',
      KEY_VALUE,
      sortedEntries(wanted).map(([key, value]) => [run.run_key, key, value]),
      'ON CONFLICT (run_key, key) DO NOTHING',
    ),
  )
  const keys = dialect.inList('key', [...wanted.keys()], 'text')
  const stored = await tx.query<{ key: string; value: string }>(
    `SELECT key, value FROM params WHERE run_key = ? AND ${keys.sql}`,
    [run.run_key, ...keys.params],
  )
  const changed = stored
    .filter((s) => wanted.get(s.key) !== s.value)
    .map((s) => ({ key: s.key, oldValue: s.value, newValue: wanted.get(s.key) as string }))
  if (changed.length === 0) return
  const first = changed[0] as (typeof changed)[number]
  if (single) {
    throw invalidParameter(
      `Changing param values is not allowed. Param with key='${first.key}' was already logged with value='${first.oldValue}' for run ID='${run.run_id}'. Attempted logging new value '${first.newValue}'.`,
    )
  }
  const listed = changed.map((c) => `{'key': '${c.key}', 'old_value': '${c.oldValue}', 'new_value': '${c.newValue}'}`)
  throw invalidParameter(
    `Changing param values is not allowed. Params were already logged='[${listed.join(', ')}]' for run ID='${run.run_id}'.`,
  )
}

/** MLflow's ordering for the latest value: greater step, then greater timestamp, then greater value. */
const isLater = (a: Metric, b: Metric) =>
  a.step !== b.step ? a.step > b.step : a.timestamp !== b.timestamp ? a.timestamp > b.timestamp : encodeMetricValue(a.value).value > encodeMetricValue(b.value).value

async function writeMetrics(tx: Db, dialect: Dialect, run: RunRow, metrics: readonly Metric[]): Promise<void> {
  if (metrics.length === 0) return
  const latest = new Map<string, Metric>()
  for (const metric of metrics) {
    const current = latest.get(metric.key)
    if (!current || isLater(metric, current)) latest.set(metric.key, metric)
  }
  const latestRows = [...latest.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((m) => {
      const { value, isNan } = encodeMetricValue(m.value)
      return [run.run_key, m.key, m.timestamp, m.step, value, isNan, metricValueJson(m.value)]
    })
  // First, so that on PostgreSQL the (run, key) rows stay locked while the points are checked and
  // written (writeMetricPoints).
  await tx.runBatch(
    dialect.insertRows(
      'latest_metrics',
      LATEST_METRIC,
      latestRows,
      `ON CONFLICT (run_key, key) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp,
         step = excluded.step, is_nan = excluded.is_nan, value_json = excluded.value_json
       WHERE (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)`,
    ),
  )
  await writeMetricPoints(tx, dialect, run.run_key, metrics)
}

/** All or nothing: one transaction, params first (they are the part that can be refused). */
export async function logBatch(ctx: StoreContext, runId: string, batch: LogBatchInput, single = false): Promise<void> {
  const params = batch.params ?? []
  const metrics = batch.metrics ?? []
  const tags = batch.tags ?? []
  await ctx.db.transaction(async (tx) => {
    const run = await findActiveRun(tx, runId, ctx.workspace)
    await writeParams(tx, ctx.dialect, run, params, single)
    await writeMetrics(tx, ctx.dialect, run, metrics)
    await writeModelMetrics(tx, ctx.dialect, run, metrics)
    await writeTags(tx, ctx.dialect, run, tags)
  })
}

export async function deleteTag(ctx: StoreContext, runId: string, key: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const run = await findActiveRun(tx, runId, ctx.workspace)
    const deleted = await tx.run('DELETE FROM tags WHERE run_key = ? AND key = ?', [run.run_key, key])
    if (deleted === 0) throw notFound(`No tag with name: ${key} in run with id ${runId}`)
  })
}
