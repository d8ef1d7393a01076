import { invalidParameter } from '@orchard/protocol/base'
import type { StoreContext } from './context.ts'
import type { Db } from './db.ts'
import type { Dialect } from './dialect.ts'
import { findExperiment } from './experiments.ts'
import { findRun } from './run-rows.ts'

export interface GarbageCollectOptions {
  readonly olderThanMs?: number
  readonly runIds?: readonly string[]
  readonly experimentIds?: readonly string[]
}

export interface GarbageCollected {
  readonly runs: readonly { runId: string; artifactUri: string }[]
  readonly experimentIds: readonly string[]
}

// SQLite binds at most 32,766 values per statement.
const DELETE_CHUNK = 10_000

async function removeRuns(tx: Db, dialect: Dialect, runKeys: readonly number[]): Promise<void> {
  for (let i = 0; i < runKeys.length; i += DELETE_CHUNK) {
    const inRuns = dialect.inList('run_key', runKeys.slice(i, i + DELETE_CHUNK), 'bigint')
    // metrics and metric_chunks have no foreign key (ingest speed); the other child tables cascade.
    await tx.run(`DELETE FROM metrics WHERE ${inRuns.sql}`, inRuns.params)
    await tx.run(`DELETE FROM metric_chunks WHERE ${inRuns.sql}`, inRuns.params)
    await tx.run(`DELETE FROM runs WHERE ${inRuns.sql}`, inRuns.params)
  }
}

/**
 * MLflow's `gc`: the runs named (or every deleted run old enough), and the experiments named (or
 * every deleted experiment old enough) with all their runs. Anything named must be deleted and old
 * enough, or nothing is removed. One transaction.
 */
export async function garbageCollect(ctx: StoreContext, options: GarbageCollectOptions): Promise<GarbageCollected> {
  const { dialect } = ctx
  const threshold = ctx.now() - (options.olderThanMs ?? 0)
  const oldEnough = (deletedTime: number | null) => options.olderThanMs === undefined || (deletedTime ?? 0) <= threshold
  return ctx.db.transaction(async (tx) => {
    let experimentIds: number[]
    if (options.experimentIds) {
      experimentIds = []
      for (const id of options.experimentIds) {
        const row = await findExperiment(tx, id)
        if (row.lifecycle_stage !== 'deleted') {
          throw invalidParameter(
            `Experiments ['${id}'] are not in the deleted lifecycle stage. Only experiments in the deleted lifecycle stage can be hard-deleted.`,
          )
        }
        if (!oldEnough(row.deleted_time)) {
          throw invalidParameter(`Experiments ['${id}'] are not older than the required age. Only experiments older than ${options.olderThanMs} ms can be deleted.`)
        }
        experimentIds.push(row.experiment_id)
      }
    } else {
      experimentIds = (
        await tx.query<{ experiment_id: number; deleted_time: number | null }>(
          `SELECT experiment_id, deleted_time FROM experiments WHERE lifecycle_stage = 'deleted'`,
        )
      )
        .filter((e) => oldEnough(e.deleted_time))
        .map((e) => e.experiment_id)
    }

    const runs = new Map<number, { runId: string; artifactUri: string }>()
    if (options.runIds) {
      for (const runId of options.runIds) {
        const row = await findRun(tx, runId, ctx.workspace)
        if (row.lifecycle_stage !== 'deleted') {
          throw invalidParameter(
            `Run ${runId} is not in \`deleted\` lifecycle stage. Only runs in \`deleted\` lifecycle stage can be deleted.`,
          )
        }
        runs.set(row.run_key, { runId: row.run_id, artifactUri: row.artifact_uri })
      }
    } else {
      for (const row of await tx.query<{ run_key: number; run_id: string; artifact_uri: string; deleted_time: number | null }>(
        `SELECT run_key, run_id, artifact_uri, deleted_time FROM runs WHERE lifecycle_stage = 'deleted'`,
      )) {
        if (oldEnough(row.deleted_time)) runs.set(row.run_key, { runId: row.run_id, artifactUri: row.artifact_uri })
      }
    }
    if (experimentIds.length > 0) {
      const inExperiments = dialect.inList('experiment_id', experimentIds, 'bigint')
      for (const row of await tx.query<{ run_key: number; run_id: string; artifact_uri: string }>(
        `SELECT run_key, run_id, artifact_uri FROM runs WHERE ${inExperiments.sql}`,
        inExperiments.params,
      )) {
        runs.set(row.run_key, { runId: row.run_id, artifactUri: row.artifact_uri })
      }
    }

    await removeRuns(tx, dialect, [...runs.keys()])
    if (experimentIds.length > 0) {
      const inExperiments = dialect.inList('experiment_id', experimentIds, 'bigint')
      await tx.run(`DELETE FROM experiments WHERE ${inExperiments.sql}`, inExperiments.params)
    }
    return { runs: [...runs.values()], experimentIds: experimentIds.map(String) }
  })
}
