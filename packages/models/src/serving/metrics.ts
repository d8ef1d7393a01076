// The scoring server's Prometheus metrics, named in the KServe/BentoML style: `orchard_serving_*`
// with `model_name` and `model_version` labels, so one dashboard covers every served model and a
// version switch (--watch) shows as a new series. Rendered by the shared registry in @orchard/protocol.
import { MetricsRegistry } from '@orchard/protocol/base'
import type { Counter, Gauge, Histogram } from '@orchard/protocol/base'

/** Rows per request: single rows up to large batches. */
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000, 50000, 100000]

/** Which model a series belongs to. */
export interface ServedModel {
  readonly name: string
  readonly version: string
  /** What was asked for, e.g. `models:/taxi@champion`. */
  readonly uri: string
}

const ENDPOINT = '/invocations'

export class ScoringMetrics {
  readonly registry = new MetricsRegistry()
  private model: ServedModel = { name: 'model', version: 'unregistered', uri: '' }
  private readonly requests: Counter
  private readonly duration: Histogram
  private readonly inProgress: Gauge
  private readonly predictSeconds: Histogram
  private readonly batchSize: Histogram
  private readonly predictions: Counter
  private readonly errors: Counter
  private readonly reloads: Counter
  private readonly info: Gauge

  constructor() {
    const r = this.registry
    this.requests = r.counter('orchard_serving_request_total', 'Requests to the scoring server by model, endpoint and HTTP status.', ['model_name', 'model_version', 'endpoint', 'http_response_code'])
    this.duration = r.histogram('orchard_serving_request_duration_seconds', 'Time to answer a scoring request, from its first byte to the response.', ['model_name', 'model_version', 'endpoint'])
    this.inProgress = r.gauge('orchard_serving_request_in_progress', 'Scoring requests being answered now.', ['model_name', 'model_version', 'endpoint'])
    this.predictSeconds = r.histogram('orchard_serving_predict_seconds', "Time in the model's predict call alone (KServe's request_predict_seconds).", ['model_name', 'model_version'])
    this.batchSize = r.histogram('orchard_serving_batch_size', 'Rows per scoring request.', ['model_name', 'model_version'], BATCH_SIZE_BUCKETS)
    this.predictions = r.counter('orchard_serving_predictions_total', 'Rows predicted.', ['model_name', 'model_version'])
    this.errors = r.counter('orchard_serving_errors_total', 'Failed scoring requests by error code.', ['model_name', 'model_version', 'error_code'])
    this.reloads = r.counter('orchard_serving_model_reloads_total', 'Times a new model version replaced the served one.', ['model_name'])
    this.info = r.gauge('orchard_serving_model_info', 'The model being served (1 for the current one).', ['model_name', 'model_version', 'model_uri'])
    // The process, under the names the tracking server (and prom-client) use.
    const rss = r.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.')
    const cpu = r.counter('process_cpu_seconds_total', 'User and system CPU time spent, in seconds.')
    r.onCollect(() => {
      rss.set([], process.memoryUsage.rss())
      const usage = process.cpuUsage()
      cpu.reset()
      cpu.inc([], (usage.user + usage.system) / 1e6)
    })
  }

  /** The model a request is counted against: read at its start, so a swap mid-request is not split. */
  current(): ServedModel {
    return this.model
  }

  /** A request started; returns the model it is counted against. */
  startRequest(): ServedModel {
    const model = this.model
    this.inProgress.inc([model.name, model.version, ENDPOINT])
    return model
  }

  /** One finished /invocations request: its status, duration in seconds and rows predicted. */
  observeRequest(model: ServedModel, status: number, seconds: number, rows: number): void {
    this.inProgress.inc([model.name, model.version, ENDPOINT], -1)
    this.requests.inc([model.name, model.version, ENDPOINT, String(status)])
    this.duration.observe([model.name, model.version, ENDPOINT], seconds)
    if (rows > 0) {
      this.predictions.inc([model.name, model.version], rows)
      this.batchSize.observe([model.name, model.version], rows)
    }
  }

  /** Seconds spent in the model's predict call. */
  observePredict(model: ServedModel, seconds: number): void {
    this.predictSeconds.observe([model.name, model.version], seconds)
  }

  /** One failed request, by MLflow error code (or `UNSUPPORTED_MEDIA_TYPE`, `REQUEST_TOO_LARGE`). */
  observeError(model: ServedModel, code: string): void {
    this.errors.inc([model.name, model.version, code])
  }

  /** The model now served; `reloaded` when it replaced another one. */
  setModel(model: ServedModel, reloaded: boolean): void {
    const previous = this.model
    if (previous.uri !== '') this.info.set([previous.name, previous.version, previous.uri], 0)
    this.model = model
    this.info.set([model.name, model.version, model.uri], 1)
    if (reloaded) this.reloads.inc([model.name])
  }

  /** Total requests with a given status for the current model, for tests and the benchmark. */
  requestCount(status: number): number {
    return this.requests.get([this.model.name, this.model.version, ENDPOINT, String(status)])
  }

  render(): Promise<string> {
    return this.registry.render()
  }
}
