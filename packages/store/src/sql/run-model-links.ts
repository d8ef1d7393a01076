import type { LoggedMetric, ModelInput, ModelOutput } from '@orchard/core'
import type { StoreContext } from './context.ts'
import type { Db } from './db.ts'
import type { Column, Dialect } from './dialect.ts'
import { encodeMetricValue } from './metric-value.ts'
import { findActiveRun } from './run-rows.ts'
import type { RunRow } from './run-rows.ts'

// MLflow 3's links between runs and logged models (its `inputs` table with RUN_INPUT → MODEL_INPUT
// and RUN_OUTPUT → MODEL_OUTPUT rows), and the run metrics it also records on a logged model.

const LINK: readonly Column[] = [
  { name: 'run_key', type: 'bigint' },
  { name: 'direction', type: 'text' },
  { name: 'model_id', type: 'text' },
  { name: 'step', type: 'bigint' },
]

/** runs/outputs: the models a run produced. As MLflow, the run must be active; the model is not looked up. */
export async function logOutputs(ctx: StoreContext, runId: string, models: readonly ModelOutput[]): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const run = await findActiveRun(tx, runId, ctx.workspace)
    if (models.length === 0) return
    await tx.runBatch(ctx.dialect.insertRows('run_model_links', LINK, models.map((m) => [run.run_key, 'output', m.modelId, m.step])))
  })
}

/** The `models` of runs/log-inputs, inside its transaction; a model already linked as input is not repeated. */
export async function writeModelInputs(tx: Db, dialect: Dialect, run: RunRow, models: readonly ModelInput[]): Promise<void> {
  if (models.length === 0) return
  const ids = [...new Set(models.map((m) => m.modelId))]
  const present = dialect.inList('model_id', ids, 'text')
  const known = new Set(
    (
      await tx.query<{ model_id: string }>(
        `SELECT model_id FROM run_model_links WHERE run_key = ? AND direction = 'input' AND ${present.sql}`,
        [run.run_key, ...present.params],
      )
    ).map((row) => row.model_id),
  )
  const fresh = ids.filter((id) => !known.has(id))
  if (fresh.length === 0) return
  await tx.runBatch(dialect.insertRows('run_model_links', LINK, fresh.map((id) => [run.run_key, 'input', id, 0])))
}

const MODEL_METRIC: readonly Column[] = [
  { name: 'model_key', type: 'bigint' },
  { name: 'key', type: 'text' },
  { name: 'timestamp', type: 'bigint' },
  { name: 'step', type: 'bigint' },
  { name: 'value', type: 'double' },
  { name: 'is_nan', type: 'smallint' },
  { name: 'run_id', type: 'text' },
  { name: 'dataset_name', type: 'text' },
  { name: 'dataset_digest', type: 'text' },
]

/**
 * Metrics logged with a `model_id` are also the model's metrics (MLflow's _log_model_metrics), with
 * the run and dataset they came from. A model this server does not hold is skipped: MLflow's own
 * SQLite store accepts such points without checking either.
 */
export async function writeModelMetrics(tx: Db, dialect: Dialect, run: RunRow, metrics: readonly LoggedMetric[]): Promise<void> {
  const forModels = metrics.filter((m) => m.modelId)
  if (forModels.length === 0) return
  const ids = dialect.inList('model_id', [...new Set(forModels.map((m) => m.modelId as string))], 'text')
  const keys = new Map(
    (await tx.query<{ model_id: string; model_key: number }>(`SELECT model_id, model_key FROM logged_models WHERE ${ids.sql}`, ids.params)).map(
      (row) => [row.model_id, row.model_key],
    ),
  )
  const rows: unknown[][] = []
  for (const metric of forModels) {
    const modelKey = keys.get(metric.modelId as string)
    if (modelKey === undefined) continue
    const { value, isNan } = encodeMetricValue(metric.value)
    rows.push([modelKey, metric.key, metric.timestamp, metric.step, value, isNan, run.run_id, metric.datasetName ?? '', metric.datasetDigest ?? ''])
  }
  if (rows.length > 0) await tx.runBatch(dialect.insertRows('logged_model_metrics', MODEL_METRIC, rows, 'ON CONFLICT DO NOTHING'))
}
