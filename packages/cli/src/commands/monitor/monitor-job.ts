// One run of the jobs in a job file: read the model version's prediction log, split it into windows
// of prediction time, and per window compute drift against the reference, serving stats (traffic,
// latency) and, once labels exist, quality. Everything is logged to one monitoring run tagged with
// the model version (step = window, timestamp = window start); crossed thresholds raise alerts.
import { access } from 'node:fs/promises'
import type { ColumnTable, DriftReport } from '@orchard/models'
import type { OrchardClient } from '@orchard/sdk'
import type { AlertRule, MonitorJobConfig } from './job-config.ts'
import { logMonitoringRun, metricSegment, raiseAlert } from './monitoring-run.ts'
import type { MonitoringMetric } from './monitoring-run.ts'

export interface JobOutcome {
  readonly modelName: string
  readonly modelVersion: string
  readonly rows: number
  readonly windows: number
  readonly runId?: string
  /** The jobs that raised an alert: drift, quality, serving. */
  readonly alerts: readonly string[]
  /** One line for the operator. */
  readonly summary: string
}

/** Request counts read from a scoring server's /metrics, kept between runs for the error rate. */
export interface ServingCounts {
  readonly requests: number
  readonly errors: number
}

/** A window wider than any log (three centuries from 1970, still a valid Date): one window over everything. */
const ONE_WINDOW_MS = 1e13

const timeOf = (value: unknown) => (value instanceof Date ? value.getTime() : Number(value))

function pick(table: ColumnTable, rows: readonly number[]): ColumnTable {
  return { names: table.names, columns: table.columns.map((column) => rows.map((r) => column[r])), rowCount: rows.length }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (at - low)
}

/** Traffic and latency of one window, per request (a request's rows share its latency). */
export function servingStats(table: ColumnTable, rows: readonly number[], windowMs: number | undefined): Record<string, number> {
  const ids = table.columns[table.names.indexOf('request_id')]!
  const latency = table.columns[table.names.indexOf('latency_ms')]!
  const perRequest = new Map<unknown, number>()
  for (const r of rows) if (!perRequest.has(ids[r])) perRequest.set(ids[r], Number(latency[r]))
  const latencies = [...perRequest.values()].filter(Number.isFinite).sort((a, b) => a - b)
  return {
    'serving.requests': perRequest.size,
    'serving.rows': rows.length,
    ...(windowMs !== undefined ? { 'serving.requests_per_second': perRequest.size / (windowMs / 1000) } : {}),
    'serving.latency_p50_ms': quantile(latencies, 0.5),
    'serving.latency_p99_ms': quantile(latencies, 0.99),
  }
}

/** Sums a scoring server's request counter for one model version: all requests, and those not 2xx. */
export function parseServingCounts(metricsText: string, modelName: string, modelVersion: string): ServingCounts {
  let requests = 0
  let errors = 0
  for (const line of metricsText.split('\n')) {
    const match = /^orchard_serving_request_total\{(.*)\}\s+(\S+)$/.exec(line)
    if (!match) continue
    const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]))
    if (labels.model_name !== modelName || labels.model_version !== modelVersion) continue
    const count = Number(match[2])
    requests += count
    if (!/^2/.test(labels.http_response_code ?? '')) errors += count
  }
  return { requests, errors }
}

function crossed(rules: readonly AlertRule[], metrics: Readonly<Record<string, number | null | undefined>>): AlertRule[] {
  return rules.filter((rule) => {
    const value = metrics[rule.metric]
    return typeof value === 'number' && Number.isFinite(value) && rule.test(value)
  })
}

export async function runMonitorJob(
  config: MonitorJobConfig,
  options: { readonly client: OrchardClient; readonly sinceMs?: number; readonly previousCounts?: ServingCounts; readonly onCounts?: (counts: ServingCounts) => void },
): Promise<JobOutcome> {
  const { client } = options
  const { openArtifactRepository } = await import('@orchard/artifacts')
  const { driftReport, qualityReport, readPredictionLog, readPredictionLogTable, readTable } = await import('@orchard/models')
  const version = (await client.resolveModelUri(config.model)).modelVersion
  if (!version) throw new Error(`${config.model} names no registered model version`)
  const query = { modelName: version.name, version: version.version, ...(options.sinceMs !== undefined ? { sinceMs: options.sinceMs } : {}) }
  const source = openArtifactRepository(config.logDestination)
  const metrics: MonitoringMetric[] = []
  const notes: string[] = []
  const alerts: string[] = []
  let table: ColumnTable | undefined
  try {
    table = await readPredictionLogTable(source, query)
  } catch (error) {
    if (!/No logged predictions/.test((error as Error).message)) throw error
  }
  const windowMs = config.windowMs
  // Window index → rows and start; one window over everything when the job file sets no window.
  const windows = new Map<number, { start: number; rows: number[] }>()
  if (table) {
    const times = table.columns[table.names.indexOf('timestamp')]!.map(timeOf)
    const first = Math.min(...times)
    const origin = windowMs === undefined ? first : Math.floor(first / windowMs) * windowMs
    times.forEach((t, r) => {
      const index = windowMs === undefined ? 0 : Math.floor((t - origin) / windowMs)
      let window = windows.get(index)
      if (!window) windows.set(index, (window = { start: windowMs === undefined ? first : origin + index * windowMs, rows: [] }))
      window.rows.push(r)
    })
  }
  const ordered = [...windows].sort((a, b) => a[0] - b[0])
  const latest = ordered.at(-1)
  // Raised after the run is logged, so each alert can name its run.
  const pendingAlerts: Record<string, unknown>[] = []
  const alertsFor = (job: string, details: Record<string, unknown>) => {
    alerts.push(job)
    pendingAlerts.push({ job, ...details })
  }
  const servingLatest: Record<string, number> = {}

  if (config.drift && table) {
    const drift = config.drift
    const wanted = drift.columns ? [...new Set([...drift.columns, ...drift.numeric, ...drift.categorical])] : undefined
    const reference = await readTable(drift.reference, { flag: 'reference', ...(wanted ? { columns: wanted } : {}) })
    let last: DriftReport | undefined
    for (const [index, window] of ordered) {
      const report = driftReport(reference, pick(table, window.rows), {
        method: drift.method,
        driftShare: drift.driftShare,
        numeric: drift.numeric,
        categorical: drift.categorical,
        ...(drift.columns ? { columns: drift.columns } : {}),
      })
      for (const column of report.columns) {
        const prefix = `drift.${metricSegment(column.name)}`
        for (const [statistic, value] of Object.entries(column.statistics)) metrics.push({ key: `${prefix}.${statistic}`, value: value as number, step: index, timestamp: window.start })
        metrics.push({ key: `${prefix}.value`, value: column.value, step: index, timestamp: window.start }, { key: `${prefix}.drift`, value: column.drift ? 1 : 0, step: index, timestamp: window.start })
      }
      metrics.push({ key: 'drift.share_drifted', value: report.share_drifted, step: index, timestamp: window.start })
      last = report
    }
    if (last) {
      notes.push(`drift share ${last.share_drifted.toFixed(2)}${last.dataset_drift ? ' (dataset drift)' : ''}`)
      if (drift.alert && last.dataset_drift) {
        alertsFor('drift', { method: drift.method, share_drifted: last.share_drifted, drifted_columns: last.columns.filter((c) => c.drift).map((c) => c.name), reference: drift.reference, window: latest![0], window_start: new Date(latest![1].start).toISOString() })
      }
    }
  }

  if (config.serving && table) {
    let stats: Record<string, number> = {}
    for (const [index, window] of ordered) {
      stats = servingStats(table, window.rows, windowMs)
      for (const [key, value] of Object.entries(stats)) metrics.push({ key, value, step: index, timestamp: window.start })
    }
    notes.push(`${stats['serving.requests']} requests, p99 ${stats['serving.latency_p99_ms']!.toFixed(1)} ms`)
    Object.assign(servingLatest, Object.fromEntries(Object.entries(stats).map(([key, value]) => [key.replace(/^serving\./, ''), value])))
  }
  if (config.serving?.url) {
    // Failed requests never reach the prediction log, so the error rate comes from the server's
    // counters: the change since the previous run of this process (since the server started at first).
    const response = await fetch(`${config.serving.url}/metrics`)
    if (!response.ok) throw new Error(`${config.serving.url}/metrics answered ${response.status}`)
    const counts = parseServingCounts(await response.text(), version.name, version.version)
    const previous = options.previousCounts && options.previousCounts.requests <= counts.requests ? options.previousCounts : { requests: 0, errors: 0 }
    const requests = counts.requests - previous.requests
    const errors = counts.errors - previous.errors
    options.onCounts?.(counts)
    const now = Date.now()
    const step = latest?.[0] ?? 0
    metrics.push({ key: 'serving.errors', value: errors, step, timestamp: now })
    if (requests > 0) metrics.push({ key: 'serving.error_rate', value: errors / requests, step, timestamp: now })
    servingLatest.errors = errors
    if (requests > 0) servingLatest.error_rate = errors / requests
    notes.push(`${errors} errors of ${requests} requests`)
  }
  if (config.serving) {
    const hit = crossed(config.serving.alerts, servingLatest)
    if (hit.length > 0) alertsFor('serving', { rules: hit.map((rule) => rule.text), metrics: { ...servingLatest } })
  }

  if (config.quality) {
    const quality = config.quality
    const present = await access(quality.labels).then(
      () => true,
      () => false,
    )
    if (!present) notes.push('no labels yet')
    else {
      const labels = await readTable(quality.labels, { flag: 'labels' })
      const logged = await readPredictionLog(source, { ...query, ...(quality.predictionColumn ? { predictionColumn: quality.predictionColumn } : {}) })
      const rowColumn = quality.rowColumn ?? (labels.names.includes('row') ? 'row' : undefined)
      // The same windows as drift when the job file sets one; otherwise one window over everything.
      const report = qualityReport(logged, labels, {
        idColumn: quality.idColumn,
        labelColumn: quality.labelColumn,
        windowMs: windowMs ?? ONE_WINDOW_MS,
        ...(rowColumn ? { rowColumn } : {}),
        ...(quality.task ? { task: quality.task } : {}),
      })
      for (const w of report.windows) {
        const timestamp = windowMs === undefined ? (latest?.[1].start ?? Date.now()) : Date.parse(w.start)
        for (const [key, value] of Object.entries(w.metrics)) if (value !== null) metrics.push({ key: `quality.${key}`, value, step: w.window, timestamp })
        metrics.push({ key: 'quality.count', value: w.count, step: w.window, timestamp })
      }
      const last = report.windows.at(-1)
      if (last) {
        notes.push(`${Object.entries(last.metrics).map(([key, value]) => `${key} ${value === null ? '-' : value.toFixed(3)}`).join(', ')} on ${last.count} labelled rows`)
        const hit = crossed(quality.alerts, last.metrics)
        if (hit.length > 0) alertsFor('quality', { rules: hit.map((rule) => rule.text), window: last.window, window_start: last.start, metrics: last.metrics })
      } else notes.push('no labelled predictions')
    }
  }

  const rows = table?.rowCount ?? 0
  let runId: string | undefined
  if (rows > 0 || metrics.length > 0) {
    runId = await logMonitoringRun(client, {
      experiment: config.experiment,
      runName: `monitor ${version.name} v${version.version}`,
      tags: { 'orchard.monitoring.job': 'scheduled', 'orchard.monitoring.model_name': version.name, 'orchard.monitoring.model_version': version.version, 'orchard.monitoring.model_uri': config.model },
      metrics,
    })
  }
  for (const alert of pendingAlerts) await raiseAlert(client, version.name, version.version, { ...alert, ...(runId ? { run_id: runId } : {}) })
  const head = `${new Date().toISOString()} ${version.name} v${version.version}: ${rows} logged rows in ${windows.size} window${windows.size === 1 ? '' : 's'}`
  const summary = [head, ...notes, ...(runId ? [`run ${runId}`] : []), ...(alerts.length > 0 ? [`ALERT: ${alerts.join(', ')}`] : [])].join('; ')
  return { modelName: version.name, modelVersion: version.version, rows, windows: windows.size, ...(runId ? { runId } : {}), alerts, summary }
}
