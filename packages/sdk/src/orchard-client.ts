import { RegistryClient } from './client/registry-client.ts'
import type { TrackingClientOptions } from './client/client-options.ts'
import { onBeforeExit, onTerminationSignal } from './process-hooks.ts'
import { RestTransport } from './rest/rest-transport.ts'
import type { RestTransportOptions } from './rest/rest-transport.ts'
import type { Transport } from './rest/transport.ts'
import type { FlavorModels, FlavorName, LoadedModel, LogModelOptions, ModelInfo, PredictOptions } from '@orchard/models'
import { downloadTree, uploadFolder } from './models/artifact-transfer.ts'
import { modelDownloader, modelLogTarget } from './models/model-client.ts'

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
  const headers: Record<string, string> = {}
  if (env.MLFLOW_TRACKING_TOKEN) headers.authorization = `Bearer ${env.MLFLOW_TRACKING_TOKEN}`
  else if (env.MLFLOW_TRACKING_USERNAME) {
    const credentials = `${env.MLFLOW_TRACKING_USERNAME}:${env.MLFLOW_TRACKING_PASSWORD ?? ''}`
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`
  }
  const timeoutSeconds = nonNegativeNumber(env.MLFLOW_HTTP_REQUEST_TIMEOUT)
  const maxRetries = nonNegativeNumber(env.MLFLOW_HTTP_REQUEST_MAX_RETRIES)
  return {
    ...options,
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

  /** Open a client on `trackingUri` (default: MLFLOW_TRACKING_URI, else `./mlruns`). */
  constructor(trackingUri?: string, options: OrchardClientOptions = {}) {
    const uri = resolveTrackingUri(trackingUri)
    super(isHttp(uri) ? new RestTransport(uri, restOptions(options)) : () => openEmbedded(uri), options)
    this.trackingUri = uri
    this.cancelExitFlush = onBeforeExit({ pending: () => !this.metricsIdle, run: () => this.flush() })
    // Ctrl-C or a scheduler's SIGTERM ends the process without beforeExit: send what is queued first,
    // then the signal takes its course.
    this.cancelSignalFlush = onTerminationSignal(async () => {
      if (!this.metricsIdle) await this.flush()
    })
  }

  /**
   * Copy a local folder's files under the run's artifacts, at `artifactPath` (MLflow's log_artifacts).
   *
   * @example
   * await client.logArtifacts(runId, './plots', 'plots')
   */
  async logArtifacts(runId: string, localDir: string, artifactPath = ''): Promise<void> {
    const transport = await this.transport()
    const run = await transport.getRun(runId)
    await uploadFolder(transport, run.info.artifactUri, localDir, artifactPath)
  }

  /**
   * Copy a run's artifact (a file or a folder) into `localDir`; resolves to its local path.
   *
   * @example
   * const dir = await client.downloadArtifacts(runId, 'model', '/tmp/download')
   */
  async downloadArtifacts(runId: string, path: string, localDir: string): Promise<string> {
    const transport = await this.transport()
    const run = await transport.getRun(runId)
    return downloadTree(transport, run.info.artifactUri, path, localDir)
  }

  /**
   * Save a model of `flavor`, upload it under the run's artifacts at `artifactPath` (default
   * `model`) and record it in the run (MLflow's log_model). With an input example and no signature,
   * the signature is inferred.
   *
   * @example
   * const info = await client.logModel(runId, 'orchard.linear', modelJson, { inputExample: rows.slice(0, 5) })
   * const model = await client.loadModel(info.modelUri)
   */
  async logModel<F extends FlavorName>(runId: string, flavor: F, model: FlavorModels[F], options: LogModelOptions = {}): Promise<ModelInfo> {
    const transport = await this.transport()
    const { logModel } = await import('@orchard/models')
    return logModel(modelLogTarget(transport), runId, flavor, model, options)
  }

  /**
   * Load a model from `runs:/<run>/<path>`, an artifact URI or a local folder, ready to predict.
   * Close it to remove the downloaded copy.
   *
   * @example
   * const model = await client.loadModel('runs:/0a1b…/model')
   * const predictions = await model.predict([{ trip_distance: 2.5, PULocationID: '43', DOLocationID: '151' }])
   */
  async loadModel(modelUri: string, options: PredictOptions = {}): Promise<LoadedModel> {
    const { loadModel, localModelPath } = await import('@orchard/models')
    if (localModelPath(modelUri) !== undefined) return loadModel(modelUri, undefined, options)
    return loadModel(modelUri, modelDownloader(await this.transport()), options)
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
