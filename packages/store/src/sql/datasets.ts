import type { DatasetInput, DatasetSummary, ModelInput } from '@orchard/core'
import type { StoreContext } from './context.ts'
import { DATASET_CONTEXT_TAG } from './compile-filter.ts'
import { experimentIdsInWorkspace, parseExperimentId } from './experiments.ts'
import { writeModelInputs } from './run-model-links.ts'
import { findActiveRun } from './run-rows.ts'

// MLflow's MAX_DATASET_SUMMARIES_RESULTS.
const MAX_DATASET_SUMMARIES = 1000

/**
 * Links datasets to a run. A dataset is stored once per (experiment, name, digest); a run uses it
 * once, and the input's tags are those of the first logging (MLflow keeps the first as well).
 * `models` are MLflow 3's logged models the run used.
 */
export async function logInputs(
  ctx: StoreContext,
  runId: string,
  datasets: readonly DatasetInput[],
  models: readonly ModelInput[] = [],
): Promise<void> {
  const firstByIdentity = new Map<string, DatasetInput>()
  for (const input of datasets) {
    const identity = JSON.stringify([input.dataset.name, input.dataset.digest])
    if (!firstByIdentity.has(identity)) firstByIdentity.set(identity, input)
  }
  await ctx.db.transaction(async (tx) => {
    const run = await findActiveRun(tx, runId, ctx.workspace)
    await writeModelInputs(tx, ctx.dialect, run, models)
    for (const { dataset, tags } of firstByIdentity.values()) {
      await tx.run(
        `INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (experiment_id, name, digest) DO NOTHING`,
        [run.experiment_id, dataset.name, dataset.digest, dataset.sourceType, dataset.source, dataset.schema ?? null, dataset.profile ?? null],
      )
      const [stored] = await tx.query<{ dataset_key: number }>(
        'SELECT dataset_key FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?',
        [run.experiment_id, dataset.name, dataset.digest],
      )
      const [input] = await tx.query<{ input_key: number }>(
        'INSERT INTO run_inputs (run_key, dataset_key) VALUES (?, ?) ON CONFLICT (run_key, dataset_key) DO NOTHING RETURNING input_key',
        [run.run_key, stored?.dataset_key],
      )
      if (!input || tags.length === 0) continue
      const lastWins = new Map(tags.map((t) => [t.key, t.value]))
      await tx.runBatch(
        ctx.dialect.insertRows(
          'run_input_tags',
          [
            { name: 'input_key', type: 'bigint' },
            { name: 'key', type: 'text' },
            { name: 'value', type: 'text' },
          ],
          [...lastWins].map(([key, value]) => [input.input_key, key, value]),
        ),
      )
    }
  })
}

/** Distinct (experiment, name, digest, context) of the datasets runs used in these experiments. */
export async function searchDatasets(ctx: StoreContext, experimentIds: readonly string[]): Promise<DatasetSummary[]> {
  const ids = await experimentIdsInWorkspace(ctx, experimentIds.map(parseExperimentId).filter((id) => id !== undefined))
  if (ids.length === 0) return []
  const inExperiments = ctx.dialect.inList('d.experiment_id', ids, 'bigint')
  const rows = await ctx.db.query<{ experiment_id: number; name: string; digest: string; context: string | null }>(
    `SELECT DISTINCT d.experiment_id, d.name, d.digest, t.value AS context
     FROM datasets d
     JOIN run_inputs ri ON ri.dataset_key = d.dataset_key
     LEFT JOIN run_input_tags t ON t.input_key = ri.input_key AND t.key = ?
     WHERE ${inExperiments.sql}
     ORDER BY d.experiment_id, d.name, d.digest, t.value
     LIMIT ?`,
    [DATASET_CONTEXT_TAG, ...inExperiments.params, MAX_DATASET_SUMMARIES],
  )
  return rows.map((row) => ({
    experimentId: String(row.experiment_id),
    name: row.name,
    digest: row.digest,
    ...(row.context !== null ? { context: row.context } : {}),
  }))
}
