// The scoring server's Prometheus metrics, in the text exposition format (version 0.0.4). Kept by
// hand: four series do not earn a client library.

/** Latency buckets in seconds: sub-millisecond single rows up to multi-second batches. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')

export class ScoringMetrics {
  private readonly requests = new Map<string, number>()
  private readonly errors = new Map<string, number>()
  private readonly bucketCounts = new Array<number>(BUCKETS.length).fill(0)
  private latencySum = 0
  private latencyCount = 0
  private predictions = 0
  private reloads = 0
  private modelLabel = ''

  /** One finished /invocations request: its status, duration in seconds and rows predicted. */
  observeRequest(status: number, seconds: number, rows: number): void {
    const key = String(status)
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1)
    this.latencySum += seconds
    this.latencyCount++
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) this.bucketCounts[i]!++
    this.predictions += rows
  }

  /** One failed request, by MLflow error code (or `UNSUPPORTED_MEDIA_TYPE`, `REQUEST_TOO_LARGE`). */
  observeError(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1)
  }

  /** The model now served (e.g. `models:/taxi@champion -> version 3`). */
  setModel(label: string, reloaded: boolean): void {
    this.modelLabel = label
    if (reloaded) this.reloads++
  }

  /** Total requests with a given status, for tests and the benchmark. */
  requestCount(status: number): number {
    return this.requests.get(String(status)) ?? 0
  }

  render(): string {
    const lines: string[] = []
    lines.push('# HELP orchard_scoring_requests_total Requests to /invocations by HTTP status.')
    lines.push('# TYPE orchard_scoring_requests_total counter')
    for (const [status, count] of this.requests) lines.push(`orchard_scoring_requests_total{status="${status}"} ${count}`)
    lines.push('# HELP orchard_scoring_request_duration_seconds Time to answer /invocations.')
    lines.push('# TYPE orchard_scoring_request_duration_seconds histogram')
    BUCKETS.forEach((le, i) => lines.push(`orchard_scoring_request_duration_seconds_bucket{le="${le}"} ${this.bucketCounts[i]}`))
    lines.push(`orchard_scoring_request_duration_seconds_bucket{le="+Inf"} ${this.latencyCount}`)
    lines.push(`orchard_scoring_request_duration_seconds_sum ${this.latencySum}`)
    lines.push(`orchard_scoring_request_duration_seconds_count ${this.latencyCount}`)
    lines.push('# HELP orchard_scoring_predictions_total Rows predicted.')
    lines.push('# TYPE orchard_scoring_predictions_total counter')
    lines.push(`orchard_scoring_predictions_total ${this.predictions}`)
    lines.push('# HELP orchard_scoring_errors_total Failed requests by error code.')
    lines.push('# TYPE orchard_scoring_errors_total counter')
    for (const [code, count] of this.errors) lines.push(`orchard_scoring_errors_total{error_code="${escapeLabel(code)}"} ${count}`)
    lines.push('# HELP orchard_scoring_model_reloads_total Times a new model version replaced the served one.')
    lines.push('# TYPE orchard_scoring_model_reloads_total counter')
    lines.push(`orchard_scoring_model_reloads_total ${this.reloads}`)
    lines.push('# HELP orchard_scoring_model_info The model being served.')
    lines.push('# TYPE orchard_scoring_model_info gauge')
    lines.push(`orchard_scoring_model_info{model="${escapeLabel(this.modelLabel)}"} 1`)
    return `${lines.join('\n')}\n`
  }
}
