import { RegistryClient } from './client/registry-client.ts'
import type { TrackingClientOptions } from './client/client-options.ts'
import { onBeforeExit, onTerminationSignal } from './process-hooks.ts'
import { RestTransport } from './rest/rest-transport.ts'
import type { RestTransportOptions } from './rest/rest-transport.ts'
import type { Transport } from './rest/transport.ts'

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
