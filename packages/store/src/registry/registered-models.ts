import type { AuditNote, ModelVersion, RegisteredModel, Tag } from '@orchard/core'
import { LATEST_ALIAS, canonicalStage, parseModelVersion } from '@orchard/core'
import { alreadyExists, invalidParameter, isOrchardError, notFound } from '@orchard/protocol/base'
import { workspaceOf } from '../sql/context.ts'
import type { StoreContext } from '../sql/context.ts'
import type { Db } from '../sql/db.ts'
import { enqueueWebhookEvent } from '../webhooks/outbox.ts'
import { appendEvent } from './events.ts'
import { MODEL_COLUMNS, VERSION_COLUMNS, VERSION_FROM, latestVersionRows, loadModels, loadVersions } from './hydrate.ts'
import type { ModelRow, VersionRow } from './hydrate.ts'
import type { CreateRegisteredModelInput } from './registry-store.ts'

export const modelNotFound = (name: string) => notFound(`Registered Model with name=${name} not found`)
export const versionNotFound = (name: string, version: string | number) =>
  notFound(`Model Version (name=${name}, version=${version}) not found`)

export async function findModel(db: Db, name: string, workspace: string): Promise<ModelRow> {
  const [row] = await db.query<ModelRow>(`SELECT ${MODEL_COLUMNS} FROM registered_models m WHERE m.workspace = ? AND m.name = ?`, [workspace, name])
  if (!row) throw modelNotFound(name)
  return row
}

/** The version row; a version that is not an integer is INVALID_PARAMETER_VALUE, as in MLflow. */
export async function findVersion(db: Db, name: string, version: string, workspace: string): Promise<VersionRow> {
  const number = parseModelVersion(version)
  const [row] = await db.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM ${VERSION_FROM} WHERE m.workspace = ? AND m.name = ? AND v.version = ?`, [
    workspace,
    name,
    number,
  ])
  if (!row) throw versionNotFound(name, version)
  return row
}

export async function loadModel(db: Db, ctx: StoreContext, row: ModelRow): Promise<RegisteredModel> {
  return (await loadModels(db, ctx.dialect, [row]))[0] as RegisteredModel
}

export async function touchModel(tx: Db, modelId: number, time: number): Promise<void> {
  await tx.run('UPDATE registered_models SET last_updated_time = ? WHERE registered_model_id = ?', [time, modelId])
}

/** A concurrent create or rename can still win the race to the unique name; say so in MLflow's words. */
function nameTaken(name: string) {
  return (error: unknown): never => {
    if (isOrchardError(error) && error.code === 'RESOURCE_ALREADY_EXISTS') {
      throw alreadyExists(`Registered Model (name=${name}) already exists.`)
    }
    throw error
  }
}

export async function createRegisteredModel(ctx: StoreContext, input: CreateRegisteredModelInput, note?: AuditNote): Promise<RegisteredModel> {
  return createModelRow(ctx, input, note).catch(nameTaken(input.name))
}

function createModelRow(ctx: StoreContext, input: CreateRegisteredModelInput, note?: AuditNote): Promise<RegisteredModel> {
  return ctx.db.transaction(async (tx) => {
    const [taken] = await tx.query('SELECT 1 AS found FROM registered_models WHERE workspace = ? AND name = ?', [workspaceOf(ctx), input.name])
    if (taken) throw alreadyExists(`Registered Model (name=${input.name}) already exists.`)
    const now = ctx.now()
    const [row] = await tx.query<ModelRow>(
      `INSERT INTO registered_models (workspace, name, description, user_id, creation_time, last_updated_time)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING registered_model_id, name, description, user_id, creation_time, last_updated_time`,
      [workspaceOf(ctx), input.name, input.description ?? null, note?.userId ?? null, now, now],
    )
    const model = row as ModelRow
    const tags = new Map((input.tags ?? []).map((t) => [t.key, t.value]))
    for (const [key, value] of tags) {
      await tx.run('INSERT INTO registered_model_tags (registered_model_id, key, value) VALUES (?, ?, ?)', [model.registered_model_id, key, value])
    }
    await appendEvent(tx, now, { modelId: model.registered_model_id, name: input.name, action: 'CREATE', to: input.description }, note)
    await enqueueWebhookEvent(tx, now, { entity: 'registered_model', action: 'created' }, {
      name: input.name,
      tags: Object.fromEntries(tags),
      description: input.description ?? null,
    })
    return loadModel(tx, ctx, model)
  })
}

export async function getRegisteredModel(ctx: StoreContext, name: string): Promise<RegisteredModel> {
  return loadModel(ctx.db, ctx, await findModel(ctx.db, name, workspaceOf(ctx)))
}

export async function renameRegisteredModel(ctx: StoreContext, name: string, newName: string, note?: AuditNote): Promise<RegisteredModel> {
  return renameModelRow(ctx, name, newName, note).catch(nameTaken(newName))
}

function renameModelRow(ctx: StoreContext, name: string, newName: string, note?: AuditNote): Promise<RegisteredModel> {
  return ctx.db.transaction(async (tx) => {
    const row = await findModel(tx, name, workspaceOf(ctx))
    if (newName === name) return loadModel(tx, ctx, row)
    const [taken] = await tx.query('SELECT 1 AS found FROM registered_models WHERE workspace = ? AND name = ?', [workspaceOf(ctx), newName])
    if (taken) throw alreadyExists(`Registered Model (name=${newName}) already exists.`)
    const now = ctx.now()
    // Versions reference the model by id, so they follow; MLflow also bumps their update time.
    await tx.run('UPDATE registered_models SET name = ?, last_updated_time = ? WHERE registered_model_id = ?', [newName, now, row.registered_model_id])
    await tx.run('UPDATE model_versions SET last_updated_time = ? WHERE registered_model_id = ?', [now, row.registered_model_id])
    await appendEvent(tx, now, { modelId: row.registered_model_id, name, action: 'RENAME', from: name, to: newName }, note)
    return loadModel(tx, ctx, await findModel(tx, newName, workspaceOf(ctx)))
  })
}

export async function updateRegisteredModel(ctx: StoreContext, name: string, description: string | undefined, note?: AuditNote): Promise<RegisteredModel> {
  return ctx.db.transaction(async (tx) => {
    const row = await findModel(tx, name, workspaceOf(ctx))
    const now = ctx.now()
    // MLflow stores what the request carried; an absent description clears it.
    const next = description ?? ''
    await tx.run('UPDATE registered_models SET description = ?, last_updated_time = ? WHERE registered_model_id = ?', [next, now, row.registered_model_id])
    if ((row.description ?? '') !== next) {
      await appendEvent(tx, now, { modelId: row.registered_model_id, name, action: 'UPDATE_DESCRIPTION', from: row.description ?? undefined, to: next }, note)
    }
    return loadModel(tx, ctx, await findModel(tx, name, workspaceOf(ctx)))
  })
}

export async function deleteRegisteredModel(ctx: StoreContext, name: string, note?: AuditNote): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await findModel(tx, name, workspaceOf(ctx))
    await tx.run('DELETE FROM registered_models WHERE registered_model_id = ?', [row.registered_model_id])
    await appendEvent(tx, ctx.now(), { modelId: row.registered_model_id, name, action: 'DELETE' }, note)
  })
}

export async function getLatestVersions(ctx: StoreContext, name: string, stages?: readonly string[]): Promise<ModelVersion[]> {
  const wanted = stages?.length ? new Set(stages.map(canonicalStage)) : undefined
  const row = await findModel(ctx.db, name, workspaceOf(ctx))
  const rows = (await latestVersionRows(ctx.db, ctx.dialect, [row.registered_model_id])).filter((r) => !wanted || wanted.has(r.current_stage))
  return loadVersions(ctx.db, ctx.dialect, rows)
}

export async function setRegisteredModelTag(ctx: StoreContext, name: string, tag: Tag, note?: AuditNote): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await findModel(tx, name, workspaceOf(ctx))
    const [old] = await tx.query<{ value: string }>('SELECT value FROM registered_model_tags WHERE registered_model_id = ? AND key = ?', [
      row.registered_model_id,
      tag.key,
    ])
    if (old?.value === tag.value) return
    await tx.run(
      `INSERT INTO registered_model_tags (registered_model_id, key, value) VALUES (?, ?, ?)
       ON CONFLICT (registered_model_id, key) DO UPDATE SET value = excluded.value`,
      [row.registered_model_id, tag.key, tag.value],
    )
    await appendEvent(tx, ctx.now(), { modelId: row.registered_model_id, name, action: 'SET_TAG', key: tag.key, from: old?.value, to: tag.value }, note)
  })
}

export async function deleteRegisteredModelTag(ctx: StoreContext, name: string, key: string, note?: AuditNote): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await findModel(tx, name, workspaceOf(ctx))
    const [old] = await tx.query<{ value: string }>('SELECT value FROM registered_model_tags WHERE registered_model_id = ? AND key = ?', [
      row.registered_model_id,
      key,
    ])
    if (!old) return
    await tx.run('DELETE FROM registered_model_tags WHERE registered_model_id = ? AND key = ?', [row.registered_model_id, key])
    await appendEvent(tx, ctx.now(), { modelId: row.registered_model_id, name, action: 'DELETE_TAG', key, from: old.value }, note)
  })
}

export async function setRegisteredModelAlias(ctx: StoreContext, name: string, alias: string, version: string, note?: AuditNote): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const target = await findVersion(tx, name, version, workspaceOf(ctx))
    const [old] = await tx.query<{ version: number }>('SELECT version FROM registered_model_aliases WHERE registered_model_id = ? AND alias = ?', [
      target.registered_model_id,
      alias,
    ])
    if (old?.version === target.version) return
    await tx.run(
      `INSERT INTO registered_model_aliases (registered_model_id, alias, version) VALUES (?, ?, ?)
       ON CONFLICT (registered_model_id, alias) DO UPDATE SET version = excluded.version`,
      [target.registered_model_id, alias, target.version],
    )
    const now = ctx.now()
    await appendEvent(
      tx,
      now,
      {
        modelId: target.registered_model_id,
        name,
        action: old ? 'MOVE_ALIAS' : 'SET_ALIAS',
        key: alias,
        from: old ? String(old.version) : undefined,
        to: String(target.version),
      },
      note,
    )
    // MLflow sends model_version_alias.created whether the alias is new or moved.
    await enqueueWebhookEvent(tx, now, { entity: 'model_version_alias', action: 'created' }, { name, alias, version: String(target.version) })
  })
}

export async function deleteRegisteredModelAlias(ctx: StoreContext, name: string, alias: string, note?: AuditNote): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await findModel(tx, name, workspaceOf(ctx))
    const [old] = await tx.query<{ version: number }>('SELECT version FROM registered_model_aliases WHERE registered_model_id = ? AND alias = ?', [
      row.registered_model_id,
      alias,
    ])
    if (!old) return
    await tx.run('DELETE FROM registered_model_aliases WHERE registered_model_id = ? AND alias = ?', [row.registered_model_id, alias])
    const now = ctx.now()
    await appendEvent(tx, now, { modelId: row.registered_model_id, name, action: 'DELETE_ALIAS', key: alias, from: String(old.version) }, note)
    await enqueueWebhookEvent(tx, now, { entity: 'model_version_alias', action: 'deleted' }, { name, alias })
  })
}

export async function getModelVersionByAlias(ctx: StoreContext, name: string, alias: string): Promise<ModelVersion> {
  const model = await findModel(ctx.db, name, workspaceOf(ctx))
  // MLflow answers `latest` with a latest version; Orchard picks the highest version number.
  const [row] =
    alias.toLowerCase() === LATEST_ALIAS
      ? await ctx.db.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM ${VERSION_FROM} WHERE v.registered_model_id = ? ORDER BY v.version DESC LIMIT 1`, [
          model.registered_model_id,
        ])
      : await ctx.db.query<VersionRow>(
          `SELECT ${VERSION_COLUMNS} FROM ${VERSION_FROM} JOIN registered_model_aliases a
             ON a.registered_model_id = v.registered_model_id AND a.version = v.version
           WHERE v.registered_model_id = ? AND a.alias = ?`,
          [model.registered_model_id, alias],
        )
  if (!row) {
    if (alias.toLowerCase() === LATEST_ALIAS) throw notFound(`Latest version not found for model ${name}.`)
    // MLflow reports an unknown alias as a bad parameter, not a missing resource.
    throw invalidParameter(`Registered model alias ${alias} not found.`)
  }
  return (await loadVersions(ctx.db, ctx.dialect, [row]))[0] as ModelVersion
}
