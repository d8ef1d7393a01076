import type { ArtifactFileInfo } from '@orchard/artifacts'
import { WORKSPACE_HEADER } from '@orchard/protocol/base'
import { HttpArtifactRepository } from './artifacts/http-artifact-repository.ts'
import { RunArtifacts } from './artifacts/run-artifacts.ts'
import type { ImageInput, TableData } from './artifacts/run-artifacts.ts'
import type { TransferOptions, TransferSummary } from '@orchard/artifacts'
import { RegistryClient } from './client/registry-client.ts'
import type { TrackingClientOptions } from './client/client-options.ts'
import { currentUser } from './fluent/system-tags.ts'
import { nodeFetch } from './node-fetch.ts'
import { onBeforeExit, onTerminationSignal } from './process-hooks.ts'
import { RestTransport } from './rest/rest-transport.ts'
import type { RestTransportOptions } from './rest/rest-transport.ts'
import type { Transport } from './rest/transport.ts'
import type { FlavorModels, FlavorName, LoadedModel, LogModelOptions, ModelInfo, PredictOptions } from '@orchard/models'
import type { ModelVersion } from '@orchard/core'
import { modelDownloader, modelLogTarget } from './models/model-client.ts'

/** Options of OrchardClient.logModel: where the model goes, its signature and example, and registration. */
export interface LogModelToRunOptions extends LogModelOptions {
  /** Also register the logged model under this name (MLflow's registered_model_name). */
  readonly registeredModelName?: string
}

/** A logged model, and its registered version when `registeredModelName` was given. */
export interface LoggedModelInfo extends ModelInfo {
  readonly registeredModelVersion?: ModelVersion
}

/** Options of OrchardClient: metric batching, and for HTTP servers timeouts, retries and headers. */
export interface OrchardClientOptions extends TrackingClientOptions, RestTransportOptions {}

/** MLflow's default when neither an argument nor MLFLOW_TRACKING_URI names one: the local ./mlruns. */
const DEFAULT_TRACKING_URI = './mlruns'

/**
 * The tracking URI a client uses: the argument, else MLFLOW_TRACKING_URI, else `./mlruns`.
 *
 * @example
 * resolveTrackingUri() // 'http://mlflow.internal:5000' when MLFLOW_TRACKING_URI says so
 */
export function resolveTrackingUri(trackingUri?: string): string {
  return trackingUri || process.env.MLFLOW_TRACKING_URI || DEFAULT_TRACKING_URI
}

const isHttp = (uri: string) => /^https?:\/\//i.test(uri)

const nonNegativeNumber = (text: string | undefined) => {
  const value = Number(text)
  return text && Number.isFinite(value) && value >= 0 ? value : undefined
}

/** MLflow's client variables: auth, timeout (seconds) and retries, each overridden by an explicit option. */
function restOptions(options: OrchardClientOptions, env: NodeJS.ProcessEnv = process.env): RestTransportOptions {
  // Who makes registry changes, for the server's audit trail (it records `unknown` without it).
  const headers: Record<string, string> = { 'x-orchard-user': currentUser(env) }
  if (env.MLFLOW_TRACKING_TOKEN) headers.authorization = `Bearer ${env.MLFLOW_TRACKING_TOKEN}`
  else if (env.MLFLOW_TRACKING_USERNAME) {
    const credentials = `${env.MLFLOW_TRACKING_USERNAME}:${env.MLFLOW_TRACKING_PASSWORD ?? ''}`
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`
  }
  // MLflow's client variable for the workspace; the artifact proxy needs it too, so it goes in headers.
  const workspace = options.workspace ?? env.MLFLOW_WORKSPACE
  if (workspace) headers[WORKSPACE_HEADER] = workspace
  const timeoutSeconds = nonNegativeNumber(env.MLFLOW_HTTP_REQUEST_TIMEOUT)
  const maxRetries = nonNegativeNumber(env.MLFLOW_HTTP_REQUEST_MAX_RETRIES)
  return {
    ...options,
    // node:http rather than Node's fetch, which costs a short process ~0.2 s to load (node-fetch.ts).
    fetch: options.fetch ?? nodeFetch,
    headers: { ...headers, ...options.headers },
    ...(options.timeoutMs === undefined && timeoutSeconds !== undefined ? { timeoutMs: timeoutSeconds * 1000 } : {}),
    ...(maxRetries !== undefined ? { retry: { maxRetries, ...options.retry } } : {}),
  }
}

async function openEmbedded(trackingUri: string): Promise<Transport> {
  // Loaded on demand so that HTTP users never load the database drivers.
  const { openEmbeddedTransport } = await import('./embedded/open-embedded.ts')
  return openEmbeddedTransport(trackingUri)
}

/**
 * MLflow's MlflowClient for Node, camelCased: tracking and the model registry. `http(s)://` URIs
 * talk to a server; `sqlite:///file.db`, `postgresql://…` and folder paths open the stores directly,
 * with no server. Metric points are batched in the background and flushed on flush(), close(), reads
 * of a run and process exit.
 *
 * @example
 * const client = new OrchardClient('http://localhost:5000')
 * const experimentId = await client.createExperiment('taxi')
 * const run = await client.createRun(experimentId, { runName: 'baseline' })
 * await client.logMetric(run.info.runId, 'rmse', 0.82)
 * await client.setTerminated(run.info.runId)
 */
export class OrchardClient extends RegistryClient {
  /** The URI this client talks to, after the MLFLOW_TRACKING_URI and `./mlruns` defaults. */
  readonly trackingUri: string
  private readonly cancelExitFlush: () => void
  private readonly cancelSignalFlush: () => void
  private readonly artifacts: RunArtifacts

  /** Open a client on `trackingUri` (default: MLFLOW_TRACKING_URI, else `./mlruns`). */
  constructor(trackingUri?: string, options: OrchardClientOptions = {}) {
    const uri = resolveTrackingUri(trackingUri)
    const rest = isHttp(uri) ? restOptions(options) : undefined
    super(rest ? new RestTransport(uri, rest) : () => openEmbedded(uri), options)
    this.trackingUri = uri
    // `mlflow-artifacts:` run roots go through the server's proxy; other roots are opened directly.
    const proxy = rest ? new HttpArtifactRepository(uri, rest.headers, '', rest.fetch) : undefined
    this.artifacts = new RunArtifacts({ getRun: (runId) => this.getRun(runId), setTag: (runId, key, value) => this.setTag(runId, key, value) }, proxy)
    this.cancelExitFlush = onBeforeExit({ pending: () => !this.metricsIdle, run: () => this.flush() })
    // Ctrl-C or a scheduler's SIGTERM ends the process without beforeExit: send what is queued first,
    // then the signal takes its course.
    this.cancelSignalFlush = onTerminationSignal(async () => {
      if (!this.metricsIdle) await this.flush()
    })
  }

  // Artifacts

  /** Upload a local file to `<artifactPath>/<its name>` under the run's artifact root (MLflow's log_artifact). */
  logArtifact(runId: string, localFile: string, artifactPath?: string, options?: TransferOptions): Promise<TransferSummary> {
    return this.artifacts.logArtifact(runId, localFile, artifactPath, options)
  }

  /** Upload a local folder's contents, recursively, under `artifactPath` (MLflow's log_artifacts). */
  logArtifacts(runId: string, localDir: string, artifactPath?: string, options?: TransferOptions): Promise<TransferSummary> {
    return this.artifacts.logArtifacts(runId, localDir, artifactPath, options)
  }

  /** Write `text` to the artifact file `artifactFile`, e.g. `notes/summary.md`. */
  logText(runId: string, text: string, artifactFile: string): Promise<void> {
    return this.artifacts.logText(runId, text, artifactFile)
  }

  /** Write a dictionary as YAML (`.yaml`/`.yml`) or JSON (any other name). */
  logDict(runId: string, dictionary: unknown, artifactFile: string): Promise<void> {
    return this.artifacts.logDict(runId, dictionary, artifactFile)
  }

  /** Log PNG/JPEG/GIF/WebP bytes, or raw pixels `{ width, height, data }` as a PNG. */
  logImage(runId: string, image: ImageInput, artifactFile: string): Promise<void> {
    return this.artifacts.logImage(runId, image, artifactFile)
  }

  /** Log (or append to) a JSON table MLflow's UI shows; `data` as columns or as rows. */
  logTable(runId: string, data: TableData, artifactFile: string): Promise<void> {
    return this.artifacts.logTable(runId, data, artifactFile)
  }

  /** One level of a run's artifacts, with sizes for files. */
  listArtifacts(runId: string, path?: string): Promise<ArtifactFileInfo[]> {
    return this.artifacts.listArtifacts(runId, path)
  }

  /**
   * Download a run's artifact file or folder (all of them when `path` is empty) into `dstPath`, a new
   * temporary folder by default, and return the local path of what `path` named.
   */
  downloadArtifacts(runId: string, path?: string, dstPath?: string, options?: TransferOptions): Promise<string> {
    return this.artifacts.downloadArtifacts(runId, path, dstPath, options)
  }

  /**
   * Save a model of `flavor`, upload it under the run's artifacts at `artifactPath` (default
   * `model`) and record it in the run (MLflow's log_model). With an input example and no signature,
   * the signature is inferred. With `registeredModelName`, the model is also registered (the
   * registered model is created if missing) and the call waits for the version to be READY.
   *
   * @example
   * const info = await client.logModel(runId, 'orchard.linear', modelJson, { inputExample: rows.slice(0, 5) })
   * const model = await client.loadModel(info.modelUri)
   */
  async logModel<F extends FlavorName>(runId: string, flavor: F, model: FlavorModels[F], options: LogModelToRunOptions = {}): Promise<LoggedModelInfo> {
    const transport = await this.transport()
    const { logModel } = await import('@orchard/models')
    const { registeredModelName, ...saveOptions } = options
    const info = await logModel(modelLogTarget(transport, this.artifacts), runId, flavor, model, saveOptions)
    if (registeredModelName === undefined) return info
    return { ...info, registeredModelVersion: await this.registerModel(info.modelUri, registeredModelName) }
  }

  /**
   * Load a model from `runs:/<run>/<path>`, `models:/<name>/<version|stage|latest>`,
   * `models:/<name>@<alias>`, an artifact URI or a local folder, ready to predict.
   * Close it to remove the downloaded copy.
   *
   * @example
   * const model = await client.loadModel('runs:/0a1b…/model')
   * const predictions = await model.predict([{ trip_distance: 2.5, PULocationID: '43', DOLocationID: '151' }])
   */
  async loadModel(modelUri: string, options: PredictOptions = {}): Promise<LoadedModel> {
    const { loadModel, localModelPath } = await import('@orchard/models')
    if (localModelPath(modelUri) !== undefined) return loadModel(modelUri, undefined, options)
    return loadModel(modelUri, modelDownloader(await this.transport(), this.artifacts), options)
  }

  /** Flush queued metrics, then release the connection or database. */
  override async close(): Promise<void> {
    this.cancelExitFlush()
    this.cancelSignalFlush()
    await super.close()
  }
}

/** MLflow's name for OrchardClient, so code ported from Python reads the same. */
export const MlflowClient = OrchardClient
/** MLflow's name for OrchardClient. */
export type MlflowClient = OrchardClient
