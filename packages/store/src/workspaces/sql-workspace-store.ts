import { alreadyExists, invalidParameter, notFound } from '@orchard/protocol/base'
import { DEFAULT_WORKSPACE } from '../sql/context.ts'
import type { StoreContext } from '../sql/context.ts'
import type { Db } from '../sql/db.ts'
import { accessChangeLog } from '../auth/access-changes.ts'
import type { Workspace, WorkspaceDeletionMode, WorkspaceStore } from './workspace-store.ts'

interface WorkspaceRow {
  readonly name: string
  readonly description: string | null
  readonly default_artifact_root: string | null
}

const toWorkspace = (row: WorkspaceRow): Workspace => ({
  name: row.name,
  ...(row.description ? { description: row.description } : {}),
  ...(row.default_artifact_root ? { defaultArtifactRoot: row.default_artifact_root } : {}),
})

const workspaceNotFound = (name: string) => notFound(`Workspace '${name}' not found`)

async function findWorkspace(db: Db, name: string): Promise<WorkspaceRow> {
  const [row] = await db.query<WorkspaceRow>('SELECT name, description, default_artifact_root FROM workspaces WHERE name = ?', [name])
  if (!row) throw workspaceNotFound(name)
  return row
}

/** Workspaces in the tracking database, beside the experiments and models they scope. */
export class SqlWorkspaceStore implements WorkspaceStore {
  constructor(private readonly ctx: StoreContext) {}

  async listWorkspaces(): Promise<Workspace[]> {
    const rows = await this.ctx.db.query<WorkspaceRow>('SELECT name, description, default_artifact_root FROM workspaces')
    return rows.map(toWorkspace).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  async getWorkspace(name: string): Promise<Workspace> {
    return toWorkspace(await findWorkspace(this.ctx.db, name))
  }

  createWorkspace(workspace: Workspace): Promise<Workspace> {
    return this.ctx.db.transaction(async (tx) => {
      const [taken] = await tx.query('SELECT 1 AS found FROM workspaces WHERE name = ?', [workspace.name])
      if (taken) throw alreadyExists(`Workspace '${workspace.name}' already exists.`)
      await tx.run('INSERT INTO workspaces (name, description, default_artifact_root) VALUES (?, ?, ?)', [
        workspace.name,
        workspace.description || null,
        workspace.defaultArtifactRoot || null,
      ])
      return toWorkspace(await findWorkspace(tx, workspace.name))
    })
  }

  updateWorkspace(name: string, update: { description?: string; defaultArtifactRoot?: string }): Promise<Workspace> {
    return this.ctx.db.transaction(async (tx) => {
      await findWorkspace(tx, name)
      if (update.description !== undefined) {
        await tx.run('UPDATE workspaces SET description = ? WHERE name = ?', [update.description || null, name])
      }
      if (update.defaultArtifactRoot !== undefined) {
        await tx.run('UPDATE workspaces SET default_artifact_root = ? WHERE name = ?', [update.defaultArtifactRoot || null, name])
      }
      return toWorkspace(await findWorkspace(tx, name))
    })
  }

  async deleteWorkspace(name: string, mode: WorkspaceDeletionMode): Promise<void> {
    if (name === DEFAULT_WORKSPACE) throw invalidParameter(`Cannot delete the reserved '${DEFAULT_WORKSPACE}' workspace.`)
    await this.ctx.db.transaction(async (tx) => {
      await findWorkspace(tx, name)
      const [held] = await tx.query<{ experiments: number; models: number }>(
        `SELECT (SELECT count(*) FROM experiments WHERE workspace = ?) AS experiments,
                (SELECT count(*) FROM registered_models WHERE workspace = ?) AS models`,
        [name, name],
      )
      const experiments = Number(held?.experiments ?? 0)
      const models = Number(held?.models ?? 0)
      if (mode === 'RESTRICT' && experiments + models > 0) {
        // A request the caller can fix, so a 4xx (INVALID_STATE would be MLflow's 500).
        throw invalidParameter(
          `Workspace '${name}' still contains ${experiments} experiment(s) and ${models} registered model(s); delete or move them first, or delete with mode=CASCADE or mode=SET_DEFAULT.`,
        )
      }
      if (mode === 'SET_DEFAULT') {
        await assertNoClash(tx, 'experiments', name)
        await assertNoClash(tx, 'registered_models', name)
        await tx.run('UPDATE experiments SET workspace = ? WHERE workspace = ?', [DEFAULT_WORKSPACE, name])
        await tx.run('UPDATE registered_models SET workspace = ? WHERE workspace = ?', [DEFAULT_WORKSPACE, name])
        await tx.run('UPDATE registry_events SET workspace = ? WHERE workspace = ?', [DEFAULT_WORKSPACE, name])
      } else if (mode === 'CASCADE') {
        // Runs, logged models, versions, tags and aliases go with their parents (ON DELETE CASCADE).
        // Metric points have no foreign key (see 001-initial.sql, 017-metric-chunks.sql), so their
        // rows are removed here.
        for (const table of ['metrics', 'metric_chunks']) {
          await tx.run(
            `DELETE FROM ${table} WHERE run_key IN (SELECT r.run_key FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id WHERE e.workspace = ?)`,
            [name],
          )
        }
        await tx.run('DELETE FROM experiments WHERE workspace = ?', [name])
        await tx.run('DELETE FROM registered_models WHERE workspace = ?', [name])
      }
      await tx.run('DELETE FROM workspaces WHERE name = ?', [name])
    })
    // Experiments and models left the workspace whose roles applied to them.
    await accessChangeLog(this.ctx.db).changed()
  }
}

async function assertNoClash(tx: Db, table: 'experiments' | 'registered_models', name: string): Promise<void> {
  const [clash] = await tx.query<{ name: string }>(
    `SELECT a.name FROM ${table} a JOIN ${table} b ON b.name = a.name AND b.workspace = ? WHERE a.workspace = ? LIMIT 1`,
    [DEFAULT_WORKSPACE, name],
  )
  if (clash) {
    throw invalidParameter(`Cannot move workspace '${name}' into '${DEFAULT_WORKSPACE}': '${clash.name}' exists in both (${table}).`)
  }
}
