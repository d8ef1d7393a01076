// Prometheus metrics in the text exposition format (version 0.0.4), shared by the tracking server
// and the scoring server. Kept by hand and small: counters, gauges and histograms with fixed label
// names, which is all either server needs. Recording is a Map lookup by the joined label values,
// cheap enough for the request path. No `node:` imports: it is part of the wire contract.

/** The content type a Prometheus scrape expects. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** Latency buckets in seconds: sub-millisecond reads up to multi-second searches and batches. */
export const LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
const escapeHelp = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
const formatNumber = (value: number) => (Number.isNaN(value) ? 'NaN' : value === Infinity ? '+Inf' : value === -Infinity ? '-Inf' : String(value))
// A separator no label value contains in practice; values are escaped again when rendered.
const KEY_SEPARATOR = '\u0001'

interface Metric {
  render(lines: string[]): void
}

abstract class Labelled<Series> implements Metric {
  protected readonly series = new Map<string, { readonly values: readonly string[]; state: Series }>()

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly type: string,
  ) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name ${name}`)
  }

  protected abstract initial(): Series

  protected entry(values: readonly string[]): { state: Series } {
    if (values.length !== this.labelNames.length) throw new Error(`${this.name} takes labels ${this.labelNames.join(', ')}`)
    const key = values.length === 0 ? '' : values.length === 1 ? values[0]! : values.join(KEY_SEPARATOR)
    let found = this.series.get(key)
    if (!found) {
      found = { values: [...values], state: this.initial() }
      this.series.set(key, found)
    }
    return found
  }

  protected labelText(values: readonly string[], extra?: string): string {
    const parts = this.labelNames.map((label, i) => `${label}="${escapeLabel(values[i]!)}"`)
    if (extra) parts.push(extra)
    return parts.length === 0 ? '' : `{${parts.join(',')}}`
  }

  /** Forget every series (a gauge recomputed from scratch at each scrape). */
  reset(): void {
    this.series.clear()
  }

  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`)
    for (const { values, state } of this.series.values()) this.renderSeries(lines, values, state)
  }

  protected abstract renderSeries(lines: string[], values: readonly string[], state: Series): void
}

export class Counter extends Labelled<{ value: number }> {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, labelNames, 'counter')
    if (labelNames.length === 0) this.entry([])
  }
  protected initial() {
    return { value: 0 }
  }
  inc(labels: readonly string[] = [], by = 1): void {
    this.entry(labels).state.value += by
  }
  get(labels: readonly string[] = []): number {
    return this.entry(labels).state.value
  }
  protected renderSeries(lines: string[], values: readonly string[], state: { value: number }): void {
    lines.push(`${this.name}${this.labelText(values)} ${formatNumber(state.value)}`)
  }
}

export class Gauge extends Labelled<{ value: number }> {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, labelNames, 'gauge')
  }
  protected initial() {
    return { value: 0 }
  }
  set(labels: readonly string[], value: number): void {
    this.entry(labels).state.value = value
  }
  inc(labels: readonly string[] = [], by = 1): void {
    this.entry(labels).state.value += by
  }
  get(labels: readonly string[] = []): number {
    return this.entry(labels).state.value
  }
  protected renderSeries(lines: string[], values: readonly string[], state: { value: number }): void {
    lines.push(`${this.name}${this.labelText(values)} ${formatNumber(state.value)}`)
  }
}

interface HistogramState {
  readonly counts: number[]
  sum: number
  count: number
}

export class Histogram extends Labelled<HistogramState> {
  private readonly buckets: readonly number[]
  constructor(name: string, help: string, labelNames: readonly string[] = [], buckets: readonly number[] = LATENCY_BUCKETS) {
    super(name, help, labelNames, 'histogram')
    this.buckets = [...buckets].sort((a, b) => a - b)
    if (labelNames.length === 0) this.entry([])
  }
  protected initial(): HistogramState {
    return { counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 }
  }
  observe(labels: readonly string[], value: number): void {
    const state = this.entry(labels).state
    state.sum += value
    state.count++
    // Counts are kept per bucket and made cumulative when rendered: one increment per observation.
    const buckets = this.buckets
    for (let i = 0; i < buckets.length; i++) {
      if (value <= buckets[i]!) {
        state.counts[i]!++
        return
      }
    }
  }
  /** Observations so far in one series (tests, benchmarks). */
  count(labels: readonly string[] = []): number {
    return this.entry(labels).state.count
  }
  protected renderSeries(lines: string[], values: readonly string[], state: HistogramState): void {
    let cumulative = 0
    this.buckets.forEach((le, i) => {
      cumulative += state.counts[i]!
      lines.push(`${this.name}_bucket${this.labelText(values, `le="${formatNumber(le)}"`)} ${cumulative}`)
    })
    lines.push(`${this.name}_bucket${this.labelText(values, 'le="+Inf"')} ${state.count}`)
    lines.push(`${this.name}_sum${this.labelText(values)} ${formatNumber(state.sum)}`)
    lines.push(`${this.name}_count${this.labelText(values)} ${state.count}`)
  }
}

/**
 * A set of metrics rendered together. `collect` callbacks run before each render, to refresh
 * gauges read from elsewhere (pool sizes, memory); they may be async (a database query).
 *
 * @example
 * const registry = new MetricsRegistry()
 * const requests = registry.counter('app_requests_total', 'Requests.', ['status'])
 * requests.inc(['200'])
 * const text = await registry.render()
 */
export class MetricsRegistry {
  private readonly metrics: Metric[] = []
  private readonly collectors: (() => void | Promise<void>)[] = []
  private readonly names = new Set<string>()

  private add<M extends Metric & { name: string }>(metric: M): M {
    if (this.names.has(metric.name)) throw new Error(`metric ${metric.name} is registered twice`)
    this.names.add(metric.name)
    this.metrics.push(metric)
    return metric
  }
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames))
  }
  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames))
  }
  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets?: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets))
  }
  /** Text rendered by another component (e.g. the prediction log's counters), appended as it is. */
  addText(render: () => string): void {
    this.metrics.push({ render: (lines) => void lines.push(render().replace(/\n$/, '')) })
  }
  onCollect(collect: () => void | Promise<void>): void {
    this.collectors.push(collect)
  }
  /** Runs the collectors; one that fails leaves its metrics as they were, never the scrape. */
  async render(): Promise<string> {
    await Promise.all(this.collectors.map(async (collect) => {
      try {
        await collect()
      } catch {
        // A scrape must answer even when, say, the database is away.
      }
    }))
    return this.renderNow()
  }
  /** Renders without running the collectors. */
  renderNow(): string {
    const lines: string[] = []
    for (const metric of this.metrics) metric.render(lines)
    return `${lines.filter((line) => line !== '').join('\n')}\n`
  }
}
