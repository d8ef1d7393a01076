import { randomUUID } from 'node:crypto'
import type { LifecycleStage, Run, RunInfo, Tag } from '@orchard/core'
import { invalidParameter } from '@orchard/protocol/base'
import type { CreateRunInput, UpdateRunInput } from '../tracking-store.ts'
import { accessChangeLog } from '../auth/access-changes.ts'
import { appendUriPath } from './context.ts'
import type { StoreContext } from './context.ts'
import { checkExperimentActive, findExperiment } from './experiments.ts'
import { loadRun } from './hydrate-runs.ts'
import { RUN_NAME_TAG, USER_TAG, writeTags } from './run-data.ts'
import { generateRunName } from './run-name.ts'
import { findActiveRun, findRun, toRunInfo } from './run-rows.ts'
import type { RunRow } from './run-rows.ts'

export async function createRun(ctx: StoreContext, input: CreateRunInput): Promise<Run> {
  const runId = await ctx.db.transaction(async (tx) => {
    const experiment = await findExperiment(tx, input.experimentId, ctx.workspace)
    checkExperimentActive(experiment)
    const tags: Tag[] = [...(input.tags ?? [])]
    const nameTag = tags.findLast((t) => t.key === RUN_NAME_TAG)?.value
    if (input.runName && nameTag && input.runName !== nameTag) {
      throw invalidParameter(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${input.runName}', mlflow.runName='${nameTag}').`,
      )
    }
    const runName = input.runName || nameTag || generateRunName()
    if (!nameTag) tags.push({ key: RUN_NAME_TAG, value: runName })
    // user_id and the mlflow.user tag describe the same thing; whichever is given fills the other.
    const userTag = tags.findLast((t) => t.key === USER_TAG)?.value
    const userId = input.userId ?? userTag ?? ''
    if (userTag === undefined && userId) tags.push({ key: USER_TAG, value: userId })

    const id = randomUUID().replaceAll('-', '')
    const [row] = await tx.query<RunRow>(
      `INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
       VALUES (?, ?, ?, ?, 'RUNNING', ?, NULL, ?, 'active')
       RETURNING run_key, run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage`,
      [
        id,
        experiment.experiment_id,
        runName,
        userId,
        input.startTime ?? ctx.now(),
        appendUriPath(experiment.artifact_location, id, 'artifacts'),
      ],
    )
    await writeTags(tx, ctx.dialect, row as RunRow, tags)
    return id
  })
  return getRun(ctx, runId)
}

export async function getRun(ctx: StoreContext, runId: string): Promise<Run> {
  return loadRun(ctx.db, ctx.dialect, runId, ctx.workspace)
}

export async function updateRun(ctx: StoreContext, runId: string, input: UpdateRunInput): Promise<RunInfo> {
  return ctx.db.transaction(async (tx) => {
    const row = await findActiveRun(tx, runId, ctx.workspace)
    const updated: RunRow = {
      ...row,
      ...(input.status ? { status: input.status } : {}),
      ...(input.endTime !== undefined ? { end_time: input.endTime } : {}),
    }
    await tx.run('UPDATE runs SET status = ?, end_time = ? WHERE run_key = ?', [updated.status, updated.end_time, row.run_key])
    if (input.runName) {
      await writeTags(tx, ctx.dialect, row, [{ key: RUN_NAME_TAG, value: input.runName }])
      return toRunInfo({ ...updated, name: input.runName })
    }
    return toRunInfo(updated)
  })
}

async function setRunLifecycle(ctx: StoreContext, runId: string, stage: LifecycleStage): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await findRun(tx, runId, ctx.workspace)
    await tx.run('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_key = ?', [
      stage,
      stage === 'deleted' ? ctx.now() : null,
      row.run_key,
    ])
  })
}

export const deleteRun = (ctx: StoreContext, runId: string) => setRunLifecycle(ctx, runId, 'deleted')
export const restoreRun = (ctx: StoreContext, runId: string) => setRunLifecycle(ctx, runId, 'active')

/**
 * Orchard's move of runs to another experiment (MLflow has none): all or nothing, into an active
 * experiment. The runs keep their artifact_uri, so their artifacts stay where they were written.
 */
export async function moveRuns(ctx: StoreContext, runIds: readonly string[], experimentId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const experiment = await findExperiment(tx, experimentId)
    checkExperimentActive(experiment)
    const rows: RunRow[] = []
    for (const runId of new Set(runIds)) rows.push(await findRun(tx, runId))
    for (const row of rows) await tx.run('UPDATE runs SET experiment_id = ? WHERE run_key = ?', [experiment.experiment_id, row.run_key])
  })
  // A run's access follows its experiment: servers drop what they cached of these runs' grants.
  await accessChangeLog(ctx.db).changed()
}
