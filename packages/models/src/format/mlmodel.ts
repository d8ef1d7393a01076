import { randomUUID } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { OrchardError, invalidParameter } from '@orchard/protocol/base'
import { Document, isScalar, parse } from 'yaml'
import type { ModelSignature } from '../signature/schema.ts'
import { signatureFromDict, signatureToDict } from '../signature/schema.ts'

export const MLMODEL_FILE = 'MLmodel'

/** The generic-interface flavor, Orchard's pyfunc: `loader_module` names the flavor that predicts. */
export const JS_FUNCTION = 'js_function'

export type FlavorConfig = Readonly<Record<string, unknown>>

/**
 * The contents of an MLmodel file (mlflow/models/model.py Model), camelCased. Keys Orchard does not
 * know (`databricks_runtime`, `model_id`, `resources`, …) are kept in `extra` and written back.
 */
export interface MlModel {
  readonly artifactPath?: string
  readonly flavors: Readonly<Record<string, FlavorConfig>>
  readonly modelUuid: string
  readonly runId?: string
  /** Python's str(datetime) in UTC, e.g. `2024-05-30 14:28:38.298449`, as MLflow writes it. */
  readonly utcTimeCreated: string
  readonly signature?: ModelSignature
  readonly savedInputExampleInfo?: Readonly<Record<string, unknown>>
  readonly metadata?: Readonly<Record<string, unknown>>
  readonly modelSizeBytes?: number
  readonly mlflowVersion?: string
  readonly extra?: Readonly<Record<string, unknown>>
}

/** MLflow's timestamp text: naive UTC with microseconds. */
export function utcTimeCreated(now: Date = new Date()): string {
  return `${now.toISOString().replace('T', ' ').replace('Z', '')}000`
}

/** A new model's identity: MLflow's uuid4().hex (32 hex digits, no dashes). */
export const newModelUuid = () => randomUUID().replaceAll('-', '')

const KNOWN = new Set([
  'artifact_path',
  'flavors',
  'model_uuid',
  'run_id',
  'utc_time_created',
  'signature',
  'saved_input_example_info',
  'metadata',
  'model_size_bytes',
  'mlflow_version',
])

/** The MLmodel as MLflow's Model.to_dict: snake_case, absent fields left out rather than null. */
export function mlModelToDict(model: MlModel): Record<string, unknown> {
  const dict: Record<string, unknown> = {
    ...model.extra,
    ...(model.artifactPath !== undefined ? { artifact_path: model.artifactPath } : {}),
    flavors: model.flavors,
    model_uuid: model.modelUuid,
    ...(model.runId !== undefined ? { run_id: model.runId } : {}),
    utc_time_created: model.utcTimeCreated,
    ...(model.signature ? { signature: signatureToDict(model.signature) } : {}),
    ...(model.savedInputExampleInfo ? { saved_input_example_info: model.savedInputExampleInfo } : {}),
    ...(model.metadata ? { metadata: model.metadata } : {}),
    ...(model.modelSizeBytes !== undefined ? { model_size_bytes: model.modelSizeBytes } : {}),
    ...(model.mlflowVersion !== undefined ? { mlflow_version: model.mlflowVersion } : {}),
  }
  return dict
}

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Parse an MLmodel mapping (from YAML, or the `model_json` of runs/log-model). */
export function mlModelFromDict(dict: unknown, where = 'MLmodel'): MlModel {
  if (!isMapping(dict)) throw invalidParameter(`${where} must be a YAML mapping of model fields.`)
  const flavors = dict.flavors
  if (!isMapping(flavors) || !Object.values(flavors).every((f) => isMapping(f) || f === null)) {
    throw invalidParameter(`${where} has no 'flavors' mapping: every model names at least one flavor and its settings.`)
  }
  const text = (key: string) => {
    const value = dict[key]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'string' && typeof value !== 'number') throw invalidParameter(`${where} field '${key}' must be text.`)
    return String(value)
  }
  const extra = Object.fromEntries(Object.entries(dict).filter(([key]) => !KNOWN.has(key)))
  const signature = signatureFromDict(dict.signature)
  const artifactPath = text('artifact_path')
  const runId = text('run_id')
  const mlflowVersion = text('mlflow_version')
  return {
    flavors: Object.fromEntries(Object.entries(flavors).map(([name, config]) => [name, (config ?? {}) as FlavorConfig])),
    modelUuid: text('model_uuid') ?? '',
    utcTimeCreated: text('utc_time_created') ?? '',
    ...(artifactPath !== undefined ? { artifactPath } : {}),
    ...(runId !== undefined ? { runId } : {}),
    ...(signature ? { signature } : {}),
    ...(isMapping(dict.saved_input_example_info) ? { savedInputExampleInfo: dict.saved_input_example_info } : {}),
    ...(isMapping(dict.metadata) ? { metadata: dict.metadata } : {}),
    ...(typeof dict.model_size_bytes === 'number' ? { modelSizeBytes: dict.model_size_bytes } : {}),
    ...(mlflowVersion !== undefined ? { mlflowVersion } : {}),
    ...(Object.keys(extra).length ? { extra } : {}),
  }
}

/** YAML as PyYAML's safe_dump writes it for MLflow: block style, keys sorted. */
export function mlModelToYaml(model: MlModel): string {
  const doc = new Document(mlModelToDict(model), { sortMapEntries: true })
  // Quoted, as MLflow writes it: bare, a YAML reader would turn the timestamp into a datetime.
  const created = doc.get('utc_time_created', true)
  if (isScalar(created)) created.type = 'QUOTE_SINGLE'
  return doc.toString({ lineWidth: 0 })
}

export async function writeMlModel(dir: string, model: MlModel): Promise<void> {
  await writeFile(join(dir, MLMODEL_FILE), mlModelToYaml(model))
}

/** The MLmodel of a model folder; RESOURCE_DOES_NOT_EXIST when the folder has none. */
export async function readMlModel(dir: string): Promise<MlModel> {
  let text: string
  try {
    text = await readFile(join(dir, MLMODEL_FILE), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new OrchardError('RESOURCE_DOES_NOT_EXIST', `No MLmodel file in '${dir}': a model folder has an MLmodel file at its root.`)
    }
    throw error
  }
  let dict: unknown
  try {
    dict = parse(text)
  } catch (error) {
    throw invalidParameter(`The MLmodel file in '${dir}' is not valid YAML: ${(error as Error).message}`)
  }
  return mlModelFromDict(dict, `The MLmodel file in '${dir}'`)
}
