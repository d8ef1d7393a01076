import { useMemo } from 'react'
import { metricHistoryBulkInterval, transport } from '../api.ts'
import type { Experiment } from '../api.ts'
import type { ChartView, Route } from '../lib/routes.ts'
import { formatMetric } from '../lib/format.ts'
import { summarize } from '../lib/series-summary.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { useAsync } from '../use-async.ts'
import { MetricChart } from './metric-chart.tsx'
import { Empty, ErrorBox, Loading } from './status.tsx'

// Points per run asked of get-history-bulk-interval: enough for a smooth line at 1280 px, well under
// the server's cap of 2,500.
const POINTS_PER_RUN = 1000

interface Props {
  readonly experimentIds: readonly string[]
  readonly view: ChartView
  readonly experiments: readonly Experiment[]
  readonly theme: string
  readonly navigate: Navigate
}

export function ChartsPage({ experimentIds, view, experiments, theme, navigate }: Props) {
  const runs = useAsync(() => Promise.all(view.runIds.map((id) => transport.getRun(id))), [view.runIds.join(',')])
  const metricKeys =
    runs.status === 'ready' ? [...new Set(runs.value.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort() : []
  const metric = view.metric || metricKeys[0] || ''
  const points = useAsync(
    () => (metric && view.runIds.length ? metricHistoryBulkInterval(view.runIds, metric, POINTS_PER_RUN) : Promise.resolve([])),
    [view.runIds.join(','), metric],
  )
  const chartRuns = useMemo(
    () => (runs.status === 'ready' ? runs.value.map((r) => ({ runId: r.info.runId, experimentId: r.info.experimentId, label: r.info.runName || r.info.runId.slice(0, 8) })) : []),
    [runs],
  )
  const summary = useMemo(() => (points.status === 'ready' ? summarize(points.value) : new Map()), [points])
  const change = (next: Partial<ChartView>) => navigate({ page: 'charts', experimentIds, ...view, metric, ...next }, { replace: true })
  const back: Route = { page: 'runs', experimentIds, filter: '', order: '', columns: undefined, showDeleted: false }
  const names = experimentIds.map((id) => experiments.find((e) => e.experimentId === id)?.name ?? `#${id}`)

  return (
    <section className="charts-page" aria-label="Charts">
      <nav className="crumbs">
        <a {...linkProps(back, navigate)}>{names.join(', ')}</a> ›
      </nav>
      <header className="page-head">
        <h1>{metric || 'Metric charts'}</h1>
        <span className="muted">{view.runIds.length} runs</span>
      </header>
      {view.runIds.length === 0 ? <Empty>No runs chosen. Select runs in the runs table and press “Chart selected”.</Empty> : null}
      <div className="toolbar">
        <label>
          Metric{' '}
          <select aria-label="Metric" value={metric} onChange={(e) => change({ metric: e.target.value })}>
            {metricKeys.includes(metric) || !metric ? null : <option value={metric}>{metric}</option>}
            {metricKeys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          X axis{' '}
          <select aria-label="X axis" value={view.x} onChange={(e) => change({ x: e.target.value as ChartView['x'] })}>
            <option value="step">Step</option>
            <option value="wall">Wall time</option>
            <option value="relative">Relative time</option>
          </select>
        </label>
        <label>
          Smoothing{' '}
          <input aria-label="Smoothing" type="range" min={0} max={0.99} step={0.01} value={view.smoothing} onChange={(e) => change({ smoothing: Number(e.target.value) })} />{' '}
          <span className="muted">{view.smoothing.toFixed(2)}</span>
        </label>
        <label className="toggle">
          <input type="checkbox" checked={view.log} onChange={(e) => change({ log: e.target.checked })} /> Log scale
        </label>
      </div>
      {runs.status === 'loading' || points.status === 'loading' ? <Loading what="metric history" /> : null}
      {runs.status === 'error' ? <ErrorBox title="Could not load the runs" message={runs.message} /> : null}
      {points.status === 'error' ? <ErrorBox title="Could not load the metric history" message={points.message} /> : null}
      {runs.status === 'ready' && points.status === 'ready' ? (
        points.value.length === 0 ? (
          <Empty>{metric ? `No points of ${metric} in these runs.` : 'These runs have no metrics.'}</Empty>
        ) : (
          <MetricChart
            runs={chartRuns}
            points={points.value}
            metric={metric}
            x={view.x}
            smoothing={view.smoothing}
            log={view.log}
            theme={theme}
          />
        )
      ) : null}
      {chartRuns.length > 0 && summary.size > 0 ? (
        <table className="data summary" aria-label="Run summary">
          <thead>
            <tr>
              <th>Run</th>
              <th className="num">Last</th>
              <th className="num">Min</th>
              <th className="num">Max</th>
              <th className="num">Points drawn</th>
            </tr>
          </thead>
          <tbody>
            {chartRuns.map((run) => {
              const s = summary.get(run.runId)
              return (
                <tr key={run.runId}>
                  <td>
                    <a {...linkProps({ page: 'run', experimentId: run.experimentId, runId: run.runId, tab: 'metrics' }, navigate)}>{run.label}</a>
                  </td>
                  <td className="num">{formatMetric(s?.last)}</td>
                  <td className="num">{formatMetric(s?.min)}</td>
                  <td className="num">{formatMetric(s?.max)}</td>
                  <td className="num">{s?.count ?? 0}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
