import type { Experiment, ModelVersion, RunStatus } from '@orchard/core'
import type { ImageInput, TableData } from '../artifacts/run-artifacts.ts'
import type { TransferOptions, TransferSummary } from '@orchard/artifacts'
import type { ParamValue, TagRecord } from '../client/client-options.ts'
import type { RegisterModelOptions } from '../client/registry-options.ts'
import type { OrchardClient } from '../orchard-client.ts'
import { FluentSession } from './fluent.ts'
import type { ActiveRun, FluentMetricOptions, StartRunOptions } from './fluent.ts'

// The process-wide session, as MLflow keeps one active run stack per process.
const session = new FluentSession()

/**
 * Point the fluent functions at a tracking URI (`http(s)://…`, `sqlite:///…`, `postgresql://…` or a
 * folder). Refused while a run is active.
 *
 * @example
 * setTrackingUri('http://localhost:5000')
 */
export function setTrackingUri(uri: string): void {
  session.setTrackingUri(uri)
}

/** The tracking URI the fluent functions use: setTrackingUri's, else MLFLOW_TRACKING_URI, else `./mlruns`. */
export function getTrackingUri(): string {
  return session.getTrackingUri()
}

/**
 * Make an experiment the active one, creating it if no experiment has that name.
 *
 * @example
 * await setExperiment('taxi-fares')
 */
export function setExperiment(nameOrId: string | { readonly experimentId: string }): Promise<Experiment> {
  return session.setExperiment(nameOrId)
}

/**
 * Start a run and make it the active one, with MLflow's system tags (user, source, git commit, run
 * name). A run inside another needs `nested: true` and is tagged mlflow.parentRunId.
 *
 * @example
 * const run = await startRun({ runName: 'baseline', tags: { model: 'tree' } })
 * await logMetric('rmse', 0.82)
 * await endRun()
 */
export function startRun(options?: StartRunOptions): Promise<ActiveRun> {
  return session.startRun(options)
}

/** The active run (the innermost of nested runs), or undefined. */
export function activeRun(): ActiveRun | undefined {
  return session.activeRun()
}

/**
 * End the active run, FINISHED unless told otherwise, after sending its queued metrics. No-op
 * without an active run.
 */
export function endRun(status?: RunStatus): Promise<void> {
  return session.endRun(status)
}

/**
 * Run `fn` inside a new run: FINISHED when it returns, FAILED when it throws (the error is
 * rethrown), KILLED if the process gets SIGINT or SIGTERM meanwhile.
 *
 * @example
 * const model = await withRun(async () => {
 *   await logParams({ depth: 6 })
 *   return train()
 * }, { runName: 'tree' })
 */
export function withRun<T>(fn: (run: ActiveRun) => Promise<T> | T, options?: StartRunOptions): Promise<T> {
  return session.withRun(fn, options)
}

/** Log a param on the active run (starting one if none is active). */
export function logParam(key: string, value: ParamValue): Promise<void> {
  return session.logParam(key, value)
}

/**
 * Log several params on the active run in one request.
 *
 * @example
 * await logParams({ learning_rate: 0.01, depth: 6 })
 */
export function logParams(params: Readonly<Record<string, ParamValue>>): Promise<void> {
  return session.logParams(params)
}

/**
 * Log a metric point on the active run. Points are batched in the background; endRun and flush
 * send them, and a failure is thrown by a later call.
 *
 * @example
 * for (let step = 0; step < epochs; step++) await logMetric('loss', loss, { step })
 */
export function logMetric(key: string, value: number, options?: FluentMetricOptions): Promise<void> {
  return session.logMetric(key, value, options)
}

/**
 * Log several metrics at one step and timestamp.
 *
 * @example
 * await logMetrics({ loss: 0.4, accuracy: 0.91 }, { step: 10 })
 */
export function logMetrics(metrics: Readonly<Record<string, number>>, options?: FluentMetricOptions): Promise<void> {
  return session.logMetrics(metrics, options)
}

/** Set a tag on the active run. */
export function setTag(key: string, value: string): Promise<void> {
  return session.setTag(key, value)
}

/** Set several tags on the active run in one request. */
export function setTags(tags: TagRecord): Promise<void> {
  return session.setTags(tags)
}

/**
 * Upload a local file to the active run's artifacts, under `artifactPath` if given.
 *
 * @example
 * await logArtifact('confusion.png', 'plots')
 */
export function logArtifact(localFile: string, artifactPath?: string, options?: TransferOptions): Promise<TransferSummary> {
  return session.onActiveRun((client, runId) => client.logArtifact(runId, localFile, artifactPath, options))
}

/** Upload a local folder's contents to the active run's artifacts, under `artifactPath` if given. */
export function logArtifacts(localDir: string, artifactPath?: string, options?: TransferOptions): Promise<TransferSummary> {
  return session.onActiveRun((client, runId) => client.logArtifacts(runId, localDir, artifactPath, options))
}

/** Write text to an artifact file of the active run. */
export function logText(text: string, artifactFile: string): Promise<void> {
  return session.onActiveRun((client, runId) => client.logText(runId, text, artifactFile))
}

/** Write a dictionary to an artifact file of the active run: YAML for `.yaml`/`.yml`, else JSON. */
export function logDict(dictionary: unknown, artifactFile: string): Promise<void> {
  return session.onActiveRun((client, runId) => client.logDict(runId, dictionary, artifactFile))
}

/** Log an image (encoded bytes, or raw pixels written as PNG) to the active run. */
export function logImage(image: ImageInput, artifactFile: string): Promise<void> {
  return session.onActiveRun((client, runId) => client.logImage(runId, image, artifactFile))
}

/** Log (or append to) a JSON table of the active run. */
export function logTable(data: TableData, artifactFile: string): Promise<void> {
  return session.onActiveRun((client, runId) => client.logTable(runId, data, artifactFile))
}

/** Send every queued metric point of the fluent client now; rejects if any could not be stored. */
export function flush(): Promise<void> {
  return session.flush()
}

/** The OrchardClient behind the fluent functions, for calls they do not cover. */
export function getFluentClient(): Promise<OrchardClient> {
  return session.getClient()
}

/**
 * MLflow's mlflow.register_model: register the files a `runs:/<run_id>/<path>` (or any artifact or
 * `models:/`) URI names as a new version of `name`, creating the model if it does not exist, and wait
 * until the version is READY.
 *
 * @example
 * const run = await startRun()
 * // … train, save the model under the run's artifacts at model/ …
 * await endRun()
 * const version = await registerModel(`runs:/${run.runId}/model`, 'taxi-fares', { tags: { data: '2024-05' } })
 */
export async function registerModel(modelUri: string, name: string, options?: RegisterModelOptions): Promise<ModelVersion> {
  return (await session.getClient()).registerModel(modelUri, name, options)
}
