import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { invalidParameter } from '@orchard/protocol/base'
import type { JsModelSpec } from './flavors/js/js-flavor.ts'
import type { LinearModelData } from './flavors/linear/linear-data.ts'
import type { LinearModel } from './flavors/linear/linear-model.ts'
import type { MlModel } from './format/mlmodel.ts'
import { mlModelToDict } from './format/mlmodel.ts'
import type { SaveModelOptions } from './format/save-model.ts'
import type { LoadedModel, PredictOptions } from './load-model.ts'
import { loadModelFromDir } from './load-model.ts'

/** What each flavor saves, by flavor name. */
export interface FlavorModels {
  'orchard.linear': LinearModelData | LinearModel
  'orchard.js': JsModelSpec
  /** The model's bytes, or the path of a .onnx file. */
  onnx: Uint8Array | string
}

export type FlavorName = keyof FlavorModels

const SAVERS: { [F in FlavorName]: () => Promise<(dir: string, model: FlavorModels[F], options: SaveModelOptions) => Promise<MlModel>> } = {
  'orchard.linear': async () => (await import('./flavors/linear/linear-flavor.ts')).saveLinearModel,
  'orchard.js': async () => (await import('./flavors/js/js-flavor.ts')).saveJsModel,
  onnx: async () => (await import('./flavors/onnx/onnx-flavor.ts')).saveOnnxModel,
}

/**
 * Save `model` as a model folder of the given flavor.
 *
 * @example
 * await saveModel('orchard.linear', 'out/model', { intercept: 0, coefficients: [1], feature_names: ['x'] })
 */
export async function saveModel<F extends FlavorName>(flavor: F, dir: string, model: FlavorModels[F], options: SaveModelOptions = {}): Promise<MlModel> {
  if (!Object.hasOwn(SAVERS, flavor)) throw invalidParameter(`Unknown flavor '${flavor}'; Orchard saves ${Object.keys(SAVERS).join(', ')}.`)
  const save = await SAVERS[flavor]()
  return save(dir, model, options)
}

/** What logging a model needs from a tracking client. */
export interface ModelLogTarget {
  /** Copy a local folder's files under `<artifactPath>/` of the run's artifacts. */
  uploadModelFolder(runId: string, localDir: string, artifactPath: string): Promise<void>
  /** runs/log-model: record the MLmodel (as JSON) in the run's model history. */
  recordLoggedModel(runId: string, modelJson: string): Promise<void>
}

/** Options of logModel: the save options (signature, input example, metadata) and where the model goes. */
export interface LogModelOptions extends Omit<SaveModelOptions, 'artifactPath' | 'runId'> {
  /** Where under the run's artifacts the model goes; default `model`. */
  readonly artifactPath?: string
}

/** A logged model: where it is and its MLmodel. */
export interface ModelInfo {
  readonly runId: string
  readonly artifactPath: string
  /** `runs:/<run_id>/<artifact_path>`, what loadModel and registration take. */
  readonly modelUri: string
  readonly mlModel: MlModel
}

function checkArtifactPath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '')
  if (trimmed === '' || trimmed.split('/').some((part) => part === '' || part === '.' || part === '..') || trimmed.includes('\\')) {
    throw invalidParameter(`Invalid artifact path '${path}': use a relative path such as 'model' without '..' or empty parts.`)
  }
  return trimmed
}

/**
 * Save a model to a temporary folder, upload it under the run's artifacts and record it in the run
 * (MLflow's log_model).
 */
export async function logModel<F extends FlavorName>(
  target: ModelLogTarget,
  runId: string,
  flavor: F,
  model: FlavorModels[F],
  options: LogModelOptions = {},
): Promise<ModelInfo> {
  const artifactPath = checkArtifactPath(options.artifactPath ?? 'model')
  const temp = await mkdtemp(join(tmpdir(), 'orchard-log-model-'))
  try {
    const dir = join(temp, 'model')
    const mlModel = await saveModel(flavor, dir, model, { ...options, artifactPath, runId })
    await target.uploadModelFolder(runId, dir, artifactPath)
    await target.recordLoggedModel(runId, JSON.stringify(mlModelToDict(mlModel)))
    return { runId, artifactPath, modelUri: `runs:/${runId}/${artifactPath}`, mlModel }
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
}

/** What loading a model by a remote URI needs from a tracking client. */
export interface ModelDownloader {
  /** Copy the model a URI names (`runs:/`, `models:/`, an artifact URI) into `localDir`; resolves to the model folder. */
  downloadModel(uri: string, localDir: string): Promise<string>
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):/

/** The local folder a URI names, or undefined for remote URIs (`runs:/`, `models:/`, `s3://`, …). */
export function localModelPath(uri: string): string | undefined {
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase()
  if (scheme === undefined) return resolve(uri)
  if (scheme === 'file') return fileURLToPath(uri.startsWith('file://') ? uri : `file://${uri.slice('file:'.length)}`)
  return undefined
}

/**
 * Load a model from a local folder, or through `downloader` from any model URI. A downloaded copy
 * lives in a temporary folder until the model is closed.
 */
export async function loadModel(uri: string, downloader?: ModelDownloader, options: PredictOptions = {}): Promise<LoadedModel> {
  const local = localModelPath(uri)
  if (local !== undefined) return loadModelFromDir(local, options)
  if (!downloader) throw invalidParameter(`Loading '${uri}' needs a tracking client; pass a local folder, or load through OrchardClient.loadModel.`)
  const temp = await mkdtemp(join(tmpdir(), 'orchard-model-'))
  try {
    const dir = await downloader.downloadModel(uri, temp)
    const model = await loadModelFromDir(dir, options)
    model.onClose(() => rm(temp, { recursive: true, force: true }))
    return model
  } catch (error) {
    await rm(temp, { recursive: true, force: true })
    throw error
  }
}
