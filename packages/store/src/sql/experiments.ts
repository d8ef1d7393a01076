import type { Experiment, LifecycleStage, Tag } from '@orchard/core'
import { alreadyExists, invalidParameter, notFound, OrchardError } from '@orchard/protocol/base'
import type { CreateExperimentInput } from '../tracking-store.ts'
import { appendUriPath, inWorkspace, workspaceOf } from './context.ts'
import { resolveUriIfLocal } from './local-uri.ts'
import type { StoreContext } from './context.ts'
import type { Db } from './db.ts'
import type { Dialect } from './dialect.ts'

export interface ExperimentRow {
  readonly experiment_id: number
  readonly name: string
  readonly artifact_location: string
  readonly lifecycle_stage: LifecycleStage
  readonly creation_time: number
  readonly last_update_time: number
  /** When it was last deleted (`orchard gc --older-than`); null while active. */
  readonly deleted_time: number | null
}

export const EXPERIMENT_COLUMNS =
  'e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time, e.deleted_time'

export const DEFAULT_EXPERIMENT_NAME = 'Default'

// PostgreSQL's integer column; a larger id can name no experiment.
const MAX_EXPERIMENT_ID = 2_147_483_647

/** Experiment ids travel as strings of digits; anything else names no experiment. */
export function parseExperimentId(experimentId: string): number | undefined {
  if (!/^\d{1,10}$/.test(experimentId)) return undefined
  const id = Number(experimentId)
  return id <= MAX_EXPERIMENT_ID ? id : undefined
}

const experimentNotFound = (experimentId: string) => notFound(`No Experiment with id=${experimentId} exists`)

/** An experiment by id; with a workspace, one in another workspace does not exist. */
export async function findExperiment(db: Db, experimentId: string, workspace?: string): Promise<ExperimentRow> {
  const id = parseExperimentId(experimentId)
  const scope = inWorkspace('e.workspace', workspace)
  const [row] =
    id === undefined
      ? []
      : await db.query<ExperimentRow>(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments e WHERE e.experiment_id = ?${scope.sql}`, [
          id,
          ...scope.params,
        ])
  if (!row) throw experimentNotFound(experimentId)
  return row
}

/** The ids among `ids` that name experiments of the context's workspace (all of them without workspaces). */
export async function experimentIdsInWorkspace(ctx: StoreContext, ids: readonly number[]): Promise<number[]> {
  if (ctx.workspace === undefined || ids.length === 0) return [...ids]
  const where = ctx.dialect.inList('experiment_id', ids, 'bigint')
  const rows = await ctx.db.query<{ experiment_id: number }>(`SELECT experiment_id FROM experiments WHERE ${where.sql} AND workspace = ?`, [
    ...where.params,
    ctx.workspace,
  ])
  const inside = new Set(rows.map((row) => Number(row.experiment_id)))
  return ids.filter((id) => inside.has(id))
}

export function checkExperimentActive(row: ExperimentRow): void {
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(
      `The experiment ${row.experiment_id} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    )
  }
}

/** Rows to domain objects, with every experiment's tags read in one query. */
export async function loadExperiments(db: Db, dialect: Dialect, rows: readonly ExperimentRow[]): Promise<Experiment[]> {
  if (rows.length === 0) return []
  const tagsById = new Map<number, Tag[]>()
  const where = dialect.inList('experiment_id', rows.map((r) => r.experiment_id), 'bigint')
  for (const tag of await db.query<{ experiment_id: number; key: string; value: string }>(
    `SELECT experiment_id, key, value FROM experiment_tags WHERE ${where.sql}`,
    where.params,
  )) {
    let list = tagsById.get(tag.experiment_id)
    if (!list) tagsById.set(tag.experiment_id, (list = []))
    list.push({ key: tag.key, value: tag.value })
  }
  return rows.map((row) => ({
    experimentId: String(row.experiment_id),
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage,
    creationTime: row.creation_time,
    lastUpdateTime: row.last_update_time,
    tags: (tagsById.get(row.experiment_id) ?? []).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  }))
}

async function assertNameFree(db: Db, name: string, workspace: string): Promise<void> {
  const [taken] = await db.query<{ lifecycle_stage: string }>('SELECT lifecycle_stage FROM experiments WHERE workspace = ? AND name = ?', [
    workspace,
    name,
  ])
  if (taken) {
    // Names stay taken while an experiment is deleted; `orchard gc` frees them, as in MLflow.
    const hint = taken.lifecycle_stage === 'deleted' ? ' (a deleted experiment has this name; restore it or run `orchard gc`)' : ''
    throw alreadyExists(`Experiment(name=${name}) already exists${hint}.`)
  }
}

async function upsertExperimentTags(tx: Db, dialect: Dialect, experimentId: number, tags: readonly Tag[]): Promise<void> {
  if (tags.length === 0) return
  const lastWins = new Map(tags.map((t) => [t.key, t.value]))
  await tx.runBatch(
    dialect.insertRows(
      'experiment_tags',
      [
        { name: 'experiment_id', type: 'bigint' },
        { name: 'key', type: 'text' },
        { name: 'value', type: 'text' },
      ],
      [...lastWins].map(([key, value]) => [experimentId, key, value]),
      'ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value',
    ),
  )
}

export async function createExperiment(ctx: StoreContext, input: CreateExperimentInput): Promise<string> {
  // MLflow: with workspaces, an experiment's artifacts live under its workspace's root, always.
  if (ctx.workspace !== undefined && input.artifactLocation) {
    throw invalidParameter('Experiments cannot set artifact_location when workspaces are enabled; the workspace decides where artifacts go.')
  }
  const artifactLocation = input.artifactLocation ? resolveUriIfLocal(input.artifactLocation) : undefined
  const workspace = workspaceOf(ctx)
  return ctx.db.transaction(async (tx) => {
    await assertNameFree(tx, input.name, workspace)
    const now = ctx.now()
    const [row] = await tx.query<{ experiment_id: number }>(
      `INSERT INTO experiments (workspace, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
       VALUES (?, ?, ?, 'active', ?, ?) RETURNING experiment_id`,
      [workspace, input.name, artifactLocation ?? '', now, now],
    )
    const id = (row as { experiment_id: number }).experiment_id
    if (!artifactLocation) {
      await tx.run('UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?', [
        appendUriPath(ctx.artifactRoot, String(id)),
        id,
      ])
    }
    await upsertExperimentTags(tx, ctx.dialect, id, input.tags ?? [])
    return String(id)
  })
}

/** MLflow's UI and clients expect experiment 0, "Default"; created when the table is empty. */
export async function ensureDefaultExperiment(ctx: StoreContext): Promise<void> {
  const [any] = await ctx.db.query('SELECT 1 AS found FROM experiments LIMIT 1')
  if (any) return
  await ctx.db.transaction(async (tx) => {
    const now = ctx.now()
    await tx.run(
      `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
       SELECT 0, ?, ?, 'active', ?, ? WHERE NOT EXISTS (SELECT 1 FROM experiments)
       ON CONFLICT DO NOTHING`,
      [DEFAULT_EXPERIMENT_NAME, appendUriPath(ctx.artifactRoot, '0'), now, now],
    )
  })
}

export async function getExperiment(ctx: StoreContext, experimentId: string): Promise<Experiment> {
  const [experiment] = await loadExperiments(ctx.db, ctx.dialect, [await findExperiment(ctx.db, experimentId, ctx.workspace)])
  return experiment as Experiment
}

export async function getExperimentByName(ctx: StoreContext, name: string): Promise<Experiment | undefined> {
  const rows = await ctx.db.query<ExperimentRow>(
    `SELECT ${EXPERIMENT_COLUMNS} FROM experiments e WHERE e.workspace = ? AND e.name = ?
     ORDER BY CASE WHEN e.lifecycle_stage = 'active' THEN 0 ELSE 1 END LIMIT 1`,
    [workspaceOf(ctx), name],
  )
  return (await loadExperiments(ctx.db, ctx.dialect, rows))[0]
}

export async function renameExperiment(ctx: StoreContext, experimentId: string, newName: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await findExperiment(tx, experimentId, ctx.workspace)
    if (row.lifecycle_stage !== 'active') throw new OrchardError('INVALID_STATE', 'Cannot rename a non-active experiment.')
    if (row.name === newName) return
    await assertNameFree(tx, newName, workspaceOf(ctx))
    await tx.run('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?', [
      newName,
      ctx.now(),
      row.experiment_id,
    ])
  })
}

/** Moves the experiment and all its runs to `to`; MLflow looks the experiment up only in `from`. */
async function setExperimentLifecycle(ctx: StoreContext, experimentId: string, from: LifecycleStage, to: LifecycleStage) {
  await ctx.db.transaction(async (tx) => {
    const row = await findExperiment(tx, experimentId, ctx.workspace)
    if (row.lifecycle_stage !== from) throw experimentNotFound(experimentId)
    const now = ctx.now()
    const deletedTime = to === 'deleted' ? now : null
    await tx.run('UPDATE experiments SET lifecycle_stage = ?, last_update_time = ?, deleted_time = ? WHERE experiment_id = ?', [
      to,
      now,
      deletedTime,
      row.experiment_id,
    ])
    await tx.run('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?', [
      to,
      deletedTime,
      row.experiment_id,
    ])
  })
}

export const deleteExperiment = (ctx: StoreContext, experimentId: string) =>
  setExperimentLifecycle(ctx, experimentId, 'active', 'deleted')
export const restoreExperiment = (ctx: StoreContext, experimentId: string) =>
  setExperimentLifecycle(ctx, experimentId, 'deleted', 'active')

export async function setExperimentTag(ctx: StoreContext, experimentId: string, tag: Tag): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await findExperiment(tx, experimentId, ctx.workspace)
    checkExperimentActive(row)
    await upsertExperimentTags(tx, ctx.dialect, row.experiment_id, [tag])
  })
}

export async function deleteExperimentTag(ctx: StoreContext, experimentId: string, key: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await findExperiment(tx, experimentId, ctx.workspace)
    checkExperimentActive(row)
    const deleted = await tx.run('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?', [row.experiment_id, key])
    if (deleted === 0) throw notFound(`No tag with name: ${key} in experiment with id ${experimentId}`)
  })
}
