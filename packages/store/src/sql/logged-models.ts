import { randomUUID } from 'node:crypto'
import type { LifecycleStage, LoggedModel, LoggedModelMetric, LoggedModelStatus, Param, Tag } from '@orchard/core'
import { invalidParameter, notFound } from '@orchard/protocol/base'
import type { CreateLoggedModelInput } from '../tracking-store.ts'
import { appendUriPath } from './context.ts'
import type { StoreContext } from './context.ts'
import type { Db } from './db.ts'
import { fragment } from './dialect.ts'
import type { Column, Dialect } from './dialect.ts'
import { readJsonRows } from './json-rows.ts'
import { checkExperimentActive, findExperiment } from './experiments.ts'
import { decodeMetricValue } from './metric-value.ts'
import { generateRunName } from './run-name.ts'

export interface LoggedModelRow {
  readonly model_key: number
  readonly model_id: string
  readonly experiment_id: number
  readonly name: string
  readonly artifact_uri: string
  readonly creation_time: number
  readonly last_update_time: number
  readonly status: LoggedModelStatus
  readonly status_message: string | null
  readonly creator_id: string | null
  readonly model_type: string | null
  readonly source_run_id: string | null
  readonly lifecycle_stage: LifecycleStage
}

export const LOGGED_MODEL_COLUMNS =
  'lm.model_key, lm.model_id, lm.experiment_id, lm.name, lm.artifact_uri, lm.creation_time, lm.last_update_time, lm.status, lm.status_message, lm.creator_id, lm.model_type, lm.source_run_id, lm.lifecycle_stage'

const KEY_VALUE: readonly Column[] = [
  { name: 'model_key', type: 'bigint' },
  { name: 'key', type: 'text' },
  { name: 'value', type: 'text' },
]

const modelNotFound = (modelId: string) => notFound(`Logged model with ID '${modelId}' not found.`)

/** Any model, deleted ones included (MLflow's _get_logged_model_record). */
async function findModel(db: Db, modelId: string, workspace: string | undefined): Promise<LoggedModelRow> {
  const [row] =
    workspace === undefined
      ? await db.query<LoggedModelRow>(`SELECT ${LOGGED_MODEL_COLUMNS} FROM logged_models lm WHERE lm.model_id = ?`, [modelId])
      : await db.query<LoggedModelRow>(
          `SELECT ${LOGGED_MODEL_COLUMNS} FROM logged_models lm JOIN experiments e ON e.experiment_id = lm.experiment_id
           WHERE lm.model_id = ? AND e.workspace = ?`,
          [modelId, workspace],
        )
  if (!row) throw modelNotFound(modelId)
  return row
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

/** Rows to domain objects; tags, params and metrics of the whole list in one query each. */
export async function loadLoggedModels(db: Db, dialect: Dialect, rows: readonly LoggedModelRow[]): Promise<LoggedModel[]> {
  if (rows.length === 0) return []
  const inModels = dialect.inList('model_key', rows.map((r) => r.model_key), 'bigint')
  type KeyValue = [modelKey: number, key: string, value: string]
  type Point = [number, string, number | string, number, number, number, string, string, string]
  const from = (table: string) => fragment(`FROM ${table} WHERE ${inModels.sql}`, inModels.params)
  const [tags, params, metrics] = await readJsonRows<[KeyValue[], KeyValue[], Point[]]>(db, dialect, [
    { columns: ['model_key', 'key', 'value'], from: from('logged_model_tags') },
    { columns: ['model_key', 'key', 'value'], from: from('logged_model_params') },
    {
      columns: ['model_key', 'key', 'value', 'timestamp', 'step', 'is_nan', 'run_id', 'dataset_name', 'dataset_digest'],
      from: from('logged_model_metrics'),
    },
  ])
  const group = <Item>(list: readonly (readonly unknown[])[], map: (row: never) => Item) => {
    const groups = new Map<number, Item[]>()
    for (const row of list) {
      const key = row[0] as number
      let items = groups.get(key)
      if (!items) groups.set(key, (items = []))
      items.push(map(row as never))
    }
    return groups
  }
  const tagsByModel = group(tags, ([, key, value]: KeyValue): Tag => ({ key, value }))
  const paramsByModel = group(params, ([, key, value]: KeyValue): Param => ({ key, value }))
  const idByKey = new Map(rows.map((r) => [r.model_key, r.model_id]))
  const metricsByModel = group(
    metrics,
    ([modelKey, key, value, timestamp, step, isNan, runId, datasetName, datasetDigest]: Point): LoggedModelMetric => ({
      modelId: idByKey.get(modelKey) as string,
      key,
      value: decodeMetricValue(Number(value), isNan),
      timestamp,
      step,
      ...(runId ? { runId } : {}),
      ...(datasetName ? { datasetName } : {}),
      ...(datasetDigest ? { datasetDigest } : {}),
    }),
  )
  return rows.map((row) => ({
    modelId: row.model_id,
    experimentId: String(row.experiment_id),
    name: row.name,
    artifactUri: row.artifact_uri,
    creationTimestampMs: row.creation_time,
    lastUpdatedTimestampMs: row.last_update_time,
    status: row.status,
    ...(row.status_message !== null ? { statusMessage: row.status_message } : {}),
    ...(row.creator_id !== null ? { creatorId: row.creator_id } : {}),
    ...(row.model_type !== null ? { modelType: row.model_type } : {}),
    ...(row.source_run_id !== null ? { sourceRunId: row.source_run_id } : {}),
    lifecycleStage: row.lifecycle_stage,
    tags: (tagsByModel.get(row.model_key) ?? []).sort(byKey),
    params: (paramsByModel.get(row.model_key) ?? []).sort(byKey),
    metrics: (metricsByModel.get(row.model_key) ?? []).sort(
      (a, b) => byKey(a, b) || a.timestamp - b.timestamp || a.step - b.step,
    ),
  }))
}

async function upsertTags(tx: Db, dialect: Dialect, modelKey: number, tags: readonly Tag[]): Promise<void> {
  if (tags.length === 0) return
  const lastWins = [...new Map(tags.map((t) => [t.key, t.value]))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  await tx.runBatch(
    dialect.insertRows(
      'logged_model_tags',
      KEY_VALUE,
      lastWins.map(([key, value]) => [modelKey, key, value]),
      'ON CONFLICT (model_key, key) DO UPDATE SET value = excluded.value',
    ),
  )
}

/** Model params are immutable like run params: the same value again is fine, another is refused. */
async function insertParams(tx: Db, dialect: Dialect, model: LoggedModelRow, params: readonly Param[]): Promise<void> {
  if (params.length === 0) return
  const wanted = new Map<string, string>()
  for (const p of params) {
    const earlier = wanted.get(p.key)
    if (earlier !== undefined && earlier !== p.value) {
      throw invalidParameter(`Duplicate parameter key '${p.key}' with different values for logged model '${model.model_id}'.`)
    }
    wanted.set(p.key, p.value)
  }
  await tx.runBatch(
    dialect.insertRows(
      'logged_model_params',
      KEY_VALUE,
      [...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => [model.model_key, key, value]),
      'ON CONFLICT (model_key, key) DO NOTHING',
    ),
  )
  const keys = dialect.inList('key', [...wanted.keys()], 'text')
  for (const stored of await tx.query<{ key: string; value: string }>(
    `SELECT key, value FROM logged_model_params WHERE model_key = ? AND ${keys.sql}`,
    [model.model_key, ...keys.params],
  )) {
    if (wanted.get(stored.key) !== stored.value) {
      throw invalidParameter(
        `Changing param values is not allowed. Param with key='${stored.key}' was already logged with value='${stored.value}' for logged model ID='${model.model_id}'. Attempted logging new value '${wanted.get(stored.key)}'.`,
      )
    }
  }
}

export async function createLoggedModel(ctx: StoreContext, input: CreateLoggedModelInput): Promise<LoggedModel> {
  const modelId = await ctx.db.transaction(async (tx) => {
    const experiment = await findExperiment(tx, input.experimentId, ctx.workspace)
    checkExperimentActive(experiment)
    const id = `m-${randomUUID().replaceAll('-', '')}`
    const now = ctx.now()
    const [row] = await tx.query<LoggedModelRow>(
      `INSERT INTO logged_models (model_id, experiment_id, name, artifact_uri, creation_time, last_update_time, status,
         model_type, source_run_id, lifecycle_stage)
       VALUES (?, ?, ?, ?, ?, ?, 'LOGGED_MODEL_PENDING', ?, ?, 'active')
       RETURNING model_key, model_id, experiment_id, name, artifact_uri, creation_time, last_update_time, status,
         status_message, creator_id, model_type, source_run_id, lifecycle_stage`,
      [
        id,
        experiment.experiment_id,
        input.name || generateRunName(),
        appendUriPath(experiment.artifact_location, 'models', id, 'artifacts'),
        now,
        now,
        input.modelType ?? null,
        input.sourceRunId ?? null,
      ],
    )
    const model = row as LoggedModelRow
    await insertParams(tx, ctx.dialect, model, input.params ?? [])
    await upsertTags(tx, ctx.dialect, model.model_key, input.tags ?? [])
    return id
  })
  return getLoggedModel(ctx, modelId)
}

/** Deleted models are not found, as in MLflow. */
export async function getLoggedModel(ctx: StoreContext, modelId: string): Promise<LoggedModel> {
  const row = await findModel(ctx.db, modelId, ctx.workspace)
  if (row.lifecycle_stage === 'deleted') throw modelNotFound(modelId)
  return (await loadLoggedModels(ctx.db, ctx.dialect, [row]))[0] as LoggedModel
}

export async function finalizeLoggedModel(ctx: StoreContext, modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
  await ctx.db.transaction(async (tx) => {
    const row = await findModel(tx, modelId, ctx.workspace)
    await tx.run('UPDATE logged_models SET status = ?, last_update_time = ? WHERE model_key = ?', [status, ctx.now(), row.model_key])
  })
  return (await loadLoggedModels(ctx.db, ctx.dialect, [await findModel(ctx.db, modelId, ctx.workspace)]))[0] as LoggedModel
}

export async function deleteLoggedModel(ctx: StoreContext, modelId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await findModel(tx, modelId, ctx.workspace)
    const now = ctx.now()
    await tx.run(`UPDATE logged_models SET lifecycle_stage = 'deleted', last_update_time = ?, deleted_time = ? WHERE model_key = ?`, [
      now,
      now,
      row.model_key,
    ])
  })
}

export async function setLoggedModelTags(ctx: StoreContext, modelId: string, tags: readonly Tag[]): Promise<void> {
  await ctx.db.transaction(async (tx) => upsertTags(tx, ctx.dialect, (await findModel(tx, modelId, ctx.workspace)).model_key, tags))
}

export async function deleteLoggedModelTag(ctx: StoreContext, modelId: string, key: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await findModel(tx, modelId, ctx.workspace)
    const deleted = await tx.run('DELETE FROM logged_model_tags WHERE model_key = ? AND key = ?', [row.model_key, key])
    if (deleted === 0) throw notFound(`No tag with key '${key}' found for model with ID '${modelId}'.`)
  })
}

export async function logLoggedModelParams(ctx: StoreContext, modelId: string, params: readonly Param[]): Promise<void> {
  await ctx.db.transaction(async (tx) => insertParams(tx, ctx.dialect, await findModel(tx, modelId, ctx.workspace), params))
}
