import type { LifecycleStage, RunInfo, RunStatus } from '@orchard/core'
import { invalidParameter, notFound } from '@orchard/protocol/base'
import type { Db } from './db.ts'

export interface RunRow {
  readonly run_key: number
  readonly run_id: string
  readonly experiment_id: number
  readonly name: string
  readonly user_id: string
  readonly status: RunStatus
  readonly start_time: number | null
  readonly end_time: number | null
  readonly artifact_uri: string
  readonly lifecycle_stage: LifecycleStage
}

/** The runs table's columns a RunRow holds, in its order. */
export const RUN_FIELDS = ['run_key', 'run_id', 'experiment_id', 'name', 'user_id', 'status', 'start_time', 'end_time', 'artifact_uri', 'lifecycle_stage'] as const

export const RUN_COLUMNS = RUN_FIELDS.map((field) => `r.${field}`).join(', ')

export const runNotFound = (runId: string) => notFound(`Run with id=${runId} not found`)

export function toRunInfo(row: RunRow): RunInfo {
  return {
    runId: row.run_id,
    runName: row.name,
    experimentId: String(row.experiment_id),
    userId: row.user_id,
    status: row.status,
    startTime: row.start_time,
    endTime: row.end_time,
    artifactUri: row.artifact_uri,
    lifecycleStage: row.lifecycle_stage,
  }
}

/** A run by id; with a workspace, a run of another workspace's experiment does not exist. */
export async function findRun(db: Db, runId: string, workspace?: string): Promise<RunRow> {
  const [row] =
    workspace === undefined
      ? await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.run_id = ?`, [runId])
      : await db.query<RunRow>(
          `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id WHERE r.run_id = ? AND e.workspace = ?`,
          [runId, workspace],
        )
  if (!row) throw runNotFound(runId)
  return row
}

/** MLflow's _check_run_is_active: writes to a deleted run are INVALID_PARAMETER_VALUE. */
export function checkRunActive(row: RunRow): void {
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(`The run ${row.run_id} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`)
  }
}

export async function findActiveRun(db: Db, runId: string, workspace?: string): Promise<RunRow> {
  const row = await findRun(db, runId, workspace)
  checkRunActive(row)
  return row
}
