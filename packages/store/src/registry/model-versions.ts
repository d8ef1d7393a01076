import type { AuditNote, ModelVersion, ModelVersionStage, Tag } from '@orchard/core'
import { ACTIVE_STAGES, MONITORING_ALERT_TAG, canonicalStage } from '@orchard/core'
import { invalidParameter } from '@orchard/protocol/base'
import { workspaceOf } from '../sql/context.ts'
import type { StoreContext } from '../sql/context.ts'
import type { Db } from '../sql/db.ts'
import { enqueueWebhookEvent } from '../webhooks/outbox.ts'
import { appendEvent } from './events.ts'
import { VERSION_COLUMNS, VERSION_FROM, loadVersions } from './hydrate.ts'
import type { VersionRow } from './hydrate.ts'
import { findVersion, modelNotFound, touchModel } from './registered-models.ts'
import type { CreateModelVersionInput } from './registry-store.ts'

async function loadVersion(db: Db, ctx: StoreContext, name: string, version: string): Promise<ModelVersion> {
  return (await loadVersions(db, ctx.dialect, [await findVersion(db, name, version, workspaceOf(ctx))]))[0] as ModelVersion
}

const eventOf = (row: VersionRow) => ({ modelId: row.registered_model_id, name: row.name, version: row.version })

/** Orchard's model_version.stage_transitioned: MLflow has no stage event, and stages are what many teams deploy from. */
const enqueueStageTransition = (tx: Db, time: number, row: VersionRow, to: ModelVersionStage) =>
  enqueueWebhookEvent(tx, time, { entity: 'model_version', action: 'stage_transitioned' }, {
    name: row.name,
    version: String(row.version),
    from_stage: row.current_stage,
    to_stage: to,
  })

export async function createModelVersion(ctx: StoreContext, input: CreateModelVersionInput, note?: AuditNote): Promise<ModelVersion> {
  return ctx.db.transaction(async (tx) => {
    const now = ctx.now()
    // Taking the number is an UPDATE of the model's row: PostgreSQL makes a concurrent create wait
    // for this transaction's row lock and then read the incremented counter; SQLite runs one write
    // transaction at a time. The counter never goes down, so deleted numbers are not reused.
    const [taken] = await tx.query<{ registered_model_id: number; version: number }>(
      `UPDATE registered_models SET next_version = next_version + 1, last_updated_time = ?
       WHERE workspace = ? AND name = ? RETURNING registered_model_id, next_version - 1 AS version`,
      [now, workspaceOf(ctx), input.name],
    )
    if (!taken) throw modelNotFound(input.name)
    await tx.run(
      `INSERT INTO model_versions (registered_model_id, version, creation_time, last_updated_time, description, user_id, current_stage, source, run_id, run_link, storage_location, model_id)
       VALUES (?, ?, ?, ?, ?, ?, 'None', ?, ?, ?, ?, ?)`,
      [
        taken.registered_model_id,
        taken.version,
        now,
        now,
        input.description ?? null,
        note?.userId ?? null,
        input.source,
        input.runId ?? null,
        input.runLink ?? null,
        input.storageLocation ?? null,
        input.modelId ?? null,
      ],
    )
    const tags = new Map((input.tags ?? []).map((t) => [t.key, t.value]))
    for (const [key, value] of tags) {
      await tx.run('INSERT INTO model_version_tags (registered_model_id, version, key, value) VALUES (?, ?, ?, ?)', [
        taken.registered_model_id,
        taken.version,
        key,
        value,
      ])
    }
    await appendEvent(tx, now, { modelId: taken.registered_model_id, name: input.name, version: taken.version, action: 'CREATE', to: input.source }, note)
    await enqueueWebhookEvent(tx, now, { entity: 'model_version', action: 'created' }, {
      name: input.name,
      version: String(taken.version),
      source: input.source,
      run_id: input.runId ?? null,
      tags: Object.fromEntries(tags),
      description: input.description ?? null,
    })
    return loadVersion(tx, ctx, input.name, String(taken.version))
  })
}

export async function getModelVersion(ctx: StoreContext, name: string, version: string): Promise<ModelVersion> {
  return loadVersion(ctx.db, ctx, name, version)
}

export async function updateModelVersion(
  ctx: StoreContext,
  name: string,
  version: string,
  description: string | undefined,
  note?: AuditNote,
): Promise<ModelVersion> {
  return ctx.db.transaction(async (tx) => {
    const row = await findVersion(tx, name, version, workspaceOf(ctx))
    const now = ctx.now()
    await tx.run('UPDATE model_versions SET description = ?, last_updated_time = ? WHERE registered_model_id = ? AND version = ?', [
      description ?? null,
      now,
      row.registered_model_id,
      row.version,
    ])
    if ((row.description ?? undefined) !== description) {
      await appendEvent(tx, now, { ...eventOf(row), action: 'UPDATE_DESCRIPTION', from: row.description ?? undefined, to: description }, note)
    }
    return loadVersion(tx, ctx, name, version)
  })
}

export async function deleteModelVersion(ctx: StoreContext, name: string, version: string, note?: AuditNote): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await findVersion(tx, name, version, workspaceOf(ctx))
    const now = ctx.now()
    const aliases = await tx.query<{ alias: string }>('SELECT alias FROM registered_model_aliases WHERE registered_model_id = ? AND version = ? ORDER BY alias', [
      row.registered_model_id,
      row.version,
    ])
    for (const { alias } of aliases) {
      await appendEvent(tx, now, { modelId: row.registered_model_id, name, action: 'DELETE_ALIAS', key: alias, from: String(row.version) }, note)
      await enqueueWebhookEvent(tx, now, { entity: 'model_version_alias', action: 'deleted' }, { name, alias })
    }
    // Tags and aliases go with the row (ON DELETE CASCADE).
    await tx.run('DELETE FROM model_versions WHERE registered_model_id = ? AND version = ?', [row.registered_model_id, row.version])
    await touchModel(tx, row.registered_model_id, now)
    await appendEvent(tx, now, { ...eventOf(row), action: 'DELETE', from: row.source }, note)
  })
}

export async function transitionModelVersionStage(
  ctx: StoreContext,
  name: string,
  version: string,
  stageText: ModelVersionStage,
  archiveExistingVersions: boolean,
  note?: AuditNote,
): Promise<ModelVersion> {
  const stage = canonicalStage(stageText)
  if (archiveExistingVersions && !ACTIVE_STAGES.includes(stage)) {
    throw invalidParameter(
      `Model version transition cannot archive existing model versions because '${stageText}' is not an Active stage. Valid stages are ${ACTIVE_STAGES.join(', ')}`,
    )
  }
  return ctx.db.transaction(async (tx) => {
    const row = await findVersion(tx, name, version, workspaceOf(ctx))
    const now = ctx.now()
    if (archiveExistingVersions) {
      const others = await tx.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM ${VERSION_FROM} WHERE v.registered_model_id = ? AND v.version <> ? AND v.current_stage = ? ORDER BY v.version`,
        [row.registered_model_id, row.version, stage],
      )
      for (const other of others) {
        await tx.run(`UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ? WHERE registered_model_id = ? AND version = ?`, [
          now,
          other.registered_model_id,
          other.version,
        ])
        await appendEvent(tx, now, { ...eventOf(other), action: 'TRANSITION_STAGE', from: other.current_stage, to: 'Archived' }, note)
        await enqueueStageTransition(tx, now, other, 'Archived')
      }
    }
    await tx.run('UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE registered_model_id = ? AND version = ?', [
      stage,
      now,
      row.registered_model_id,
      row.version,
    ])
    await touchModel(tx, row.registered_model_id, now)
    if (row.current_stage !== stage) {
      await appendEvent(tx, now, { ...eventOf(row), action: 'TRANSITION_STAGE', from: row.current_stage, to: stage }, note)
      await enqueueStageTransition(tx, now, row, stage)
    }
    return loadVersion(tx, ctx, name, version)
  })
}

export async function setModelVersionTag(ctx: StoreContext, name: string, version: string, tag: Tag, note?: AuditNote): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await findVersion(tx, name, version, workspaceOf(ctx))
    const [old] = await tx.query<{ value: string }>('SELECT value FROM model_version_tags WHERE registered_model_id = ? AND version = ? AND key = ?', [
      row.registered_model_id,
      row.version,
      tag.key,
    ])
    if (old?.value === tag.value) return
    await tx.run(
      `INSERT INTO model_version_tags (registered_model_id, version, key, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (registered_model_id, version, key) DO UPDATE SET value = excluded.value`,
      [row.registered_model_id, row.version, tag.key, tag.value],
    )
    const now = ctx.now()
    await appendEvent(tx, now, { ...eventOf(row), action: 'SET_TAG', key: tag.key, from: old?.value, to: tag.value }, note)
    await enqueueWebhookEvent(tx, now, { entity: 'model_version_tag', action: 'set' }, { name, version: String(row.version), key: tag.key, value: tag.value })
    if (tag.key === MONITORING_ALERT_TAG) await enqueueWebhookEvent(tx, now, { entity: 'model_version', action: 'monitoring_alert' }, { name, version: String(row.version), alert: alertOf(tag.value) })
  })
}

/** A monitoring alert tag's JSON value as an object; text that is not JSON travels as `{message}`. */
function alertOf(value: string): unknown {
  try {
    const parsed: unknown = JSON.parse(value)
    return typeof parsed === 'object' && parsed !== null ? parsed : { message: value }
  } catch {
    return { message: value }
  }
}

export async function deleteModelVersionTag(ctx: StoreContext, name: string, version: string, key: string, note?: AuditNote): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await findVersion(tx, name, version, workspaceOf(ctx))
    const [old] = await tx.query<{ value: string }>('SELECT value FROM model_version_tags WHERE registered_model_id = ? AND version = ? AND key = ?', [
      row.registered_model_id,
      row.version,
      key,
    ])
    if (!old) return
    await tx.run('DELETE FROM model_version_tags WHERE registered_model_id = ? AND version = ? AND key = ?', [row.registered_model_id, row.version, key])
    const now = ctx.now()
    await appendEvent(tx, now, { ...eventOf(row), action: 'DELETE_TAG', key, from: old.value }, note)
    await enqueueWebhookEvent(tx, now, { entity: 'model_version_tag', action: 'deleted' }, { name, version: String(row.version), key })
  })
}

export async function getModelVersionDownloadUri(ctx: StoreContext, name: string, version: string): Promise<string> {
  const row = await findVersion(ctx.db, name, version, workspaceOf(ctx))
  const [stored] = await ctx.db.query<{ storage_location: string | null }>(
    'SELECT storage_location FROM model_versions WHERE registered_model_id = ? AND version = ?',
    [row.registered_model_id, row.version],
  )
  return stored?.storage_location ?? row.source
}
