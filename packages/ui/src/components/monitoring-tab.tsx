// The model version page's Monitoring tab: what the monitoring jobs (`orchard monitor run`, `drift`,
// `label`) logged about this version, over time. The runs are found by their
// orchard.monitoring.model_name/model_version tags in any experiment; each chart plots one family of
// their metrics against wall time (a metric's timestamp is its window's start), so windows from
// many runs line up on one axis.
import { listExperiments, metricHistoryBuckets, readAll, transport } from '../api.ts'
import type { MetricPoint, Run } from '../api.ts'
import { formatTime } from '../lib/format.ts'
import type { Navigate } from '../router.ts'
import { useAsync } from '../use-async.ts'
import { MetricChart } from './metric-chart.tsx'
import { RunLink } from './run-link.tsx'
import { Empty, ErrorBox, Loading } from './status.tsx'

export type VersionTab = 'overview' | 'monitoring'

/** The model version page's tab bar. */
export function VersionTabs({ tab, onChange }: { readonly tab: VersionTab; readonly onChange: (tab: VersionTab) => void }) {
  const tabs: [VersionTab, string][] = [
    ['overview', 'Overview'],
    ['monitoring', 'Monitoring'],
  ]
  return (
    <nav className="tabs" role="tablist" aria-label="Version sections">
      {tabs.map(([id, label]) => (
        <a
          key={id}
          href={`#${id}`}
          role="tab"
          aria-selected={id === tab}
          className={id === tab ? 'active' : ''}
          onClick={(event) => {
            event.preventDefault()
            onChange(id)
          }}
        >
          {label}
        </a>
      ))}
    </nav>
  )
}

/** get-history-buckets takes at most 100 runs; the newest monitoring runs are the ones that matter. */
const MAX_RUNS = 100
const BUCKETS = 500

interface Series {
  readonly label: string
  readonly key: string
}

interface Chart {
  readonly title: string
  readonly metric: string
  readonly series: readonly Series[]
}

interface MonitoringData {
  readonly runs: readonly Run[]
  readonly charts: readonly (Chart & { readonly points: readonly MetricPoint[] })[]
}

/** Which charts the logged metric keys make: drift per column, quality, traffic, latency, error rate. */
function monitoringCharts(keys: ReadonlySet<string>): Chart[] {
  const sorted = [...keys].sort()
  const pick = (pattern: RegExp) => sorted.flatMap((key) => (pattern.exec(key) ? [{ key, label: pattern.exec(key)![1]! }] : []))
  const charts: Chart[] = [
    { title: 'Drift per feature', metric: 'effect size', series: pick(/^drift\.(.+)\.value$/) },
    { title: 'Share of drifted columns', metric: 'share drifted', series: pick(/^drift\.(share_drifted)$/) },
    { title: 'Quality', metric: 'quality', series: pick(/^quality\.(?!count$)(.+)$/) },
    { title: 'Traffic', metric: 'requests', series: pick(/^serving\.(requests)$/) },
    { title: 'Latency', metric: 'latency (ms)', series: pick(/^serving\.latency_(p\d+)_ms$/) },
    { title: 'Error rate', metric: 'error rate', series: pick(/^serving\.(error_rate)$/) },
  ]
  return charts
}

async function loadMonitoring(name: string, version: string): Promise<MonitoringData> {
  const experimentIds = (await listExperiments(false)).map((e) => e.experimentId)
  const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  const filter = `tags.\`orchard.monitoring.model_name\` = ${quote(name)} AND tags.\`orchard.monitoring.model_version\` = ${quote(version)}`
  const runs = experimentIds.length === 0 ? [] : await readAll((pageToken) => transport.searchRuns({ experimentIds, filter, runViewType: 'ACTIVE_ONLY', orderBy: ['attributes.start_time DESC'], maxResults: MAX_RUNS, ...(pageToken ? { pageToken } : {}) }), MAX_RUNS)
  const runIds = runs.slice(0, MAX_RUNS).map((r) => r.info.runId)
  const keys = new Set(runs.flatMap((r) => r.data.metrics.map((m) => m.key)))
  const charts = await Promise.all(
    monitoringCharts(keys).map(async (chart) => {
      const points = (
        await Promise.all(
          chart.series.map(async (series) => {
            const { points } = await metricHistoryBuckets(runIds, series.key, { xAxis: 'timestamp', buckets: BUCKETS })
            // One line per series (a column, a percentile), across every run.
            return points.map((p) => ({ ...p, runId: series.label }))
          }),
        )
      )
        .flat()
        .sort((a, b) => a.timestamp - b.timestamp)
      return { ...chart, points }
    }),
  )
  return { runs, charts }
}

interface Props {
  readonly name: string
  readonly version: string
  /** The version's orchard.monitoring.alert tag (the latest alert), if set. */
  readonly alert: string | undefined
  readonly navigate: Navigate
}

export function MonitoringTab({ name, version, alert, navigate }: Props) {
  const data = useAsync(() => loadMonitoring(name, version), [name, version])
  // The charts read their colours from the page's CSS when drawn; the theme only keys a redraw.
  const theme = document.documentElement.dataset.theme ?? 'light'
  return (
    <section className="monitoring-tab" aria-label="Monitoring">
      <AlertBanner alert={alert} />
      {data.status === 'loading' ? <Loading what="the monitoring runs" /> : null}
      {data.status === 'error' ? <ErrorBox title="Could not load the monitoring runs" message={data.message} /> : null}
      {data.status === 'ready' && data.value.runs.length === 0 ? (
        <Empty>
          No monitoring runs for {name} version {version} yet. <code>orchard monitor run --config job.json --schedule 1h</code> logs them (see docs/monitoring.md).
        </Empty>
      ) : null}
      {data.status === 'ready' && data.value.runs.length > 0 ? (
        <>
          <p className="muted">
            {data.value.runs.length} monitoring run{data.value.runs.length === 1 ? '' : 's'}, the latest <RunLink runId={data.value.runs[0]!.info.runId} navigate={navigate} /> at{' '}
            {formatTime(data.value.runs[0]!.info.startTime)}.
          </p>
          <div className="chart-grid">
            {data.value.charts.map((chart) => (
              <figure key={chart.title} className="chart-cell" data-chart={chart.title}>
                <figcaption>
                  <span>{chart.title}</span>
                </figcaption>
                {chart.points.length === 0 ? (
                  <Empty>Not logged yet.</Empty>
                ) : (
                  <MetricChart runs={chart.series.map((s) => ({ runId: s.label, label: s.label }))} points={chart.points} metric={chart.metric} x="wall" smoothing={0} log={false} theme={theme} height={240} />
                )}
              </figure>
            ))}
          </div>
        </>
      ) : null}
    </section>
  )
}

function AlertBanner({ alert }: { readonly alert: string | undefined }) {
  if (!alert) return null
  let parsed: Record<string, unknown> = {}
  try {
    parsed = JSON.parse(alert) as Record<string, unknown>
  } catch {
    // Shown raw below.
  }
  const rules = Array.isArray(parsed.rules) ? parsed.rules.join(', ') : Array.isArray(parsed.drifted_columns) ? `drift in ${parsed.drifted_columns.join(', ')}` : alert
  return (
    <div className="status error" role="alert" aria-label="Monitoring alert">
      <strong>Latest alert{typeof parsed.job === 'string' ? ` (${parsed.job})` : ''}: </strong>
      {rules}
      {typeof parsed.raised_at === 'string' ? <span className="muted"> · raised {formatTime(Date.parse(parsed.raised_at))}</span> : null}
    </div>
  )
}
