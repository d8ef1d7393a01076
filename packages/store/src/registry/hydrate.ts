import type { ModelVersion, ModelVersionStage, RegisteredModel, RegisteredModelAlias, Tag } from '@orchard/core'
import { MODEL_VERSION_STAGES } from '@orchard/core'
import type { Db } from '../sql/db.ts'
import type { Dialect } from '../sql/dialect.ts'

// Registry rows to domain objects, with every child set (tags, aliases, latest versions) of a page
// read in one query per set.

export interface ModelRow {
  readonly registered_model_id: number
  readonly name: string
  readonly description: string | null
  readonly user_id: string | null
  readonly creation_time: number
  readonly last_updated_time: number
}

export const MODEL_COLUMNS = 'm.registered_model_id, m.name, m.description, m.user_id, m.creation_time, m.last_updated_time'

export interface VersionRow {
  readonly registered_model_id: number
  readonly name: string
  readonly version: number
  readonly creation_time: number
  readonly last_updated_time: number
  readonly description: string | null
  readonly user_id: string | null
  readonly current_stage: ModelVersionStage
  readonly source: string
  readonly run_id: string | null
  readonly run_link: string | null
  readonly status_message: string | null
  readonly model_id: string | null
}

/** Columns of `model_versions v JOIN registered_models m`. */
export const VERSION_COLUMNS =
  'v.registered_model_id, m.name, v.version, v.creation_time, v.last_updated_time, v.description, v.user_id, v.current_stage, v.source, v.run_id, v.run_link, v.status_message, v.model_id'
export const VERSION_FROM = 'model_versions v JOIN registered_models m ON m.registered_model_id = v.registered_model_id'

const byKey = (a: Tag, b: Tag) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

function group<Row, Value>(rows: readonly Row[], keyOf: (row: Row) => string, valueOf: (row: Row) => Value): Map<string, Value[]> {
  const groups = new Map<string, Value[]>()
  for (const row of rows) {
    const key = keyOf(row)
    let list = groups.get(key)
    if (!list) groups.set(key, (list = []))
    list.push(valueOf(row))
  }
  return groups
}

const modelIdsOf = (rows: readonly { registered_model_id: number }[]) => [...new Set(rows.map((r) => r.registered_model_id))]

export async function loadVersions(db: Db, dialect: Dialect, rows: readonly VersionRow[]): Promise<ModelVersion[]> {
  if (rows.length === 0) return []
  const ids = dialect.inList('registered_model_id', modelIdsOf(rows), 'bigint')
  const versionKey = (r: { registered_model_id: number; version: number }) => `${r.registered_model_id}/${r.version}`
  const tags = group(
    await db.query<{ registered_model_id: number; version: number; key: string; value: string }>(
      `SELECT registered_model_id, version, key, value FROM model_version_tags WHERE ${ids.sql}`,
      ids.params,
    ),
    versionKey,
    (r) => ({ key: r.key, value: r.value }),
  )
  const aliases = group(
    await db.query<{ registered_model_id: number; version: number; alias: string }>(
      `SELECT registered_model_id, version, alias FROM registered_model_aliases WHERE ${ids.sql} ORDER BY alias`,
      ids.params,
    ),
    versionKey,
    (r) => r.alias,
  )
  return rows.map((row) => ({
    name: row.name,
    version: String(row.version),
    creationTimestamp: row.creation_time,
    lastUpdatedTimestamp: row.last_updated_time,
    currentStage: row.current_stage,
    source: row.source,
    status: 'READY',
    ...(row.user_id !== null ? { userId: row.user_id } : {}),
    ...(row.description !== null ? { description: row.description } : {}),
    ...(row.run_id !== null ? { runId: row.run_id } : {}),
    ...(row.run_link !== null ? { runLink: row.run_link } : {}),
    ...(row.status_message !== null ? { statusMessage: row.status_message } : {}),
    ...(row.model_id !== null ? { modelId: row.model_id } : {}),
    tags: (tags.get(versionKey(row)) ?? []).sort(byKey),
    aliases: aliases.get(versionKey(row)) ?? [],
  }))
}

const STAGE_ORDER = new Map(MODEL_VERSION_STAGES.map((stage, i) => [stage, i]))

/** Each model's highest version per stage, in MLflow's stage order (None, Staging, Production, Archived). */
export async function latestVersionRows(db: Db, dialect: Dialect, modelIds: readonly number[]): Promise<VersionRow[]> {
  if (modelIds.length === 0) return []
  const ids = dialect.inList('v.registered_model_id', modelIds, 'bigint')
  const rows = await db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM ${VERSION_FROM}
     WHERE ${ids.sql} AND v.version = (SELECT max(w.version) FROM model_versions w
       WHERE w.registered_model_id = v.registered_model_id AND w.current_stage = v.current_stage)`,
    ids.params,
  )
  return rows.sort((a, b) => (STAGE_ORDER.get(a.current_stage) ?? 0) - (STAGE_ORDER.get(b.current_stage) ?? 0))
}

export async function loadModels(db: Db, dialect: Dialect, rows: readonly ModelRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return []
  const modelIds = modelIdsOf(rows)
  const ids = dialect.inList('registered_model_id', modelIds, 'bigint')
  const tags = group(
    await db.query<{ registered_model_id: number; key: string; value: string }>(
      `SELECT registered_model_id, key, value FROM registered_model_tags WHERE ${ids.sql}`,
      ids.params,
    ),
    (r) => String(r.registered_model_id),
    (r) => ({ key: r.key, value: r.value }),
  )
  const aliases = group(
    await db.query<{ registered_model_id: number; alias: string; version: number }>(
      `SELECT registered_model_id, alias, version FROM registered_model_aliases WHERE ${ids.sql} ORDER BY alias`,
      ids.params,
    ),
    (r) => String(r.registered_model_id),
    (r): RegisteredModelAlias => ({ alias: r.alias, version: String(r.version) }),
  )
  const latestRows = await latestVersionRows(db, dialect, modelIds)
  const latest = await loadVersions(db, dialect, latestRows)
  const latestByModel = group(
    latest.map((version, i) => ({ version, id: (latestRows[i] as VersionRow).registered_model_id })),
    (r) => String(r.id),
    (r) => r.version,
  )
  return rows.map((row) => ({
    name: row.name,
    creationTimestamp: row.creation_time,
    lastUpdatedTimestamp: row.last_updated_time,
    ...(row.user_id !== null ? { userId: row.user_id } : {}),
    ...(row.description !== null ? { description: row.description } : {}),
    latestVersions: latestByModel.get(String(row.registered_model_id)) ?? [],
    tags: (tags.get(String(row.registered_model_id)) ?? []).sort(byKey),
    aliases: aliases.get(String(row.registered_model_id)) ?? [],
  }))
}
