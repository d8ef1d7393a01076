import { useCallback, useEffect, useMemo, useState } from 'react'
import { metricHistoryBuckets } from '../api.ts'
import type { Experiment, MetricPoint, Run } from '../api.ts'
import type { ChartView, Route } from '../lib/routes.ts'
import { formatMetric } from '../lib/format.ts'
import { summarize } from '../lib/series-summary.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { useAsync } from '../use-async.ts'
import type { AsyncState } from '../use-async.ts'
import { isChartLayout, isDefaultLayout } from '../lib/chart-layout.ts'
import { chartsKey, readStored } from '../lib/stored.ts'
import { ChartGrid, ChartViewControls, gridRuns } from './chart-grid.tsx'
import { MetricChart } from './metric-chart.tsx'
import { Empty, ErrorBox, Loading } from './status.tsx'

// Buckets asked of get-history-buckets: about one per pixel of a chart at 1280 px. A zoom asks again
// for the dragged range, so buckets narrow until each holds one point (full resolution).
const CHART_BUCKETS = 1000
// A chart view opened without runs in its URL shows the experiment's latest runs.
const DEFAULT_RUNS = 10

interface Props {
  readonly experimentIds: readonly string[]
  readonly view: ChartView
  readonly experiments: readonly Experiment[]
  readonly theme: string
  readonly navigate: Navigate
}

export function ChartsPage(props: Props) {
  const { experimentIds, experiments, theme, navigate } = props
  // A grid opened with no layout in its URL (the runs table's Charts button) gets this browser's
  // last layout for these experiments, or the one a saved view brought; the URL then says so.
  const [stored, setStored] = useState(() => {
    const layout = readStored(chartsKey(experimentIds), isChartLayout)
    const plain = !props.view.metric && isDefaultLayout({ charts: props.view.metrics, x: props.view.x, smoothing: props.view.smoothing, log: props.view.log })
    return plain && layout && !isDefaultLayout(layout) ? layout : undefined
  })
  const view: ChartView = stored ? { ...props.view, ...(stored.charts ? { metrics: stored.charts } : {}), x: stored.x, smoothing: stored.smoothing, log: stored.log } : props.view
  useEffect(() => {
    if (!stored) return
    navigate({ page: 'charts', experimentIds, ...view }, { replace: true })
    setStored(undefined)
  }, [])
  const runs = useAsync(() => gridRuns(experimentIds, view.runIds, DEFAULT_RUNS), [experimentIds.join(','), view.runIds.join(',')])
  const back: Route = { page: 'runs', experimentIds, filter: '', order: '', columns: undefined, showDeleted: false }
  const names = experimentIds.map((id) => experiments.find((e) => e.experimentId === id)?.name ?? `#${id}`)
  if (view.metric) return <MetricPage {...props} runs={runs} />
  return (
    <section className="charts-page" aria-label="Charts">
      <nav className="crumbs">
        <a {...linkProps(back, navigate)}>{names.join(', ')}</a> ›
      </nav>
      <header className="page-head">
        <h1>Charts</h1>
        <span className="muted">{runs.status === 'ready' ? `${runs.value.length} run${runs.value.length === 1 ? '' : 's'}${view.runIds.length ? '' : ' (the latest)'}` : ''}</span>
      </header>
      {runs.status === 'loading' ? <Loading what="the runs" /> : null}
      {runs.status === 'error' ? <ErrorBox title="Could not load the runs" message={runs.message} /> : null}
      {runs.status === 'ready' ? (
        runs.value.length === 0 ? <Empty>No runs to chart in this experiment yet.</Empty> : <ChartGrid experimentIds={experimentIds} view={view} runs={runs.value} theme={theme} navigate={navigate} />
      ) : null}
    </section>
  )
}

/** One metric on its own page: a large chart that re-buckets on zoom, and each run's summary. */
function MetricPage({ experimentIds, view, experiments, theme, navigate, runs }: Props & { readonly runs: AsyncState<readonly Run[]> }) {
  const runIds = runs.status === 'ready' ? runs.value.map((r) => r.info.runId) : []
  const metric = view.metric
  const metricKeys = useMemo(() => (runs.status === 'ready' ? [...new Set(runs.value.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort() : []), [runs])
  // The zoomed x range in the server's units (steps, or milliseconds); undefined shows everything.
  const [range, setRange] = useState<readonly [number, number]>()
  useEffect(() => setRange(undefined), [runIds.join(','), metric, view.x])
  const xAxis = view.x === 'step' ? 'step' : 'timestamp'
  const history = useAsync(
    () =>
      metric && runIds.length
        ? metricHistoryBuckets(runIds, metric, { xAxis, buckets: CHART_BUCKETS, ...(range ? { range } : {}) })
        : Promise.resolve({ points: [], xMin: 0, xMax: 0, bucketWidth: 1 }),
    [runIds.join(','), metric, xAxis, range?.join(',')],
  )
  const points: AsyncState<readonly MetricPoint[]> = history.status === 'ready' ? { status: 'ready', value: history.value.points } : history
  // Relative time differs per run, so a dragged range has no single server range: uPlot zooms alone.
  const onZoom = useCallback(
    (zoomed: readonly [number, number] | undefined) => setRange(zoomed && (view.x === 'wall' ? [zoomed[0] * 1000, zoomed[1] * 1000] : zoomed)),
    [view.x],
  )
  const chartRuns = useMemo(
    () => (runs.status === 'ready' ? runs.value.map((r) => ({ runId: r.info.runId, experimentId: r.info.experimentId, label: r.info.runName || r.info.runId.slice(0, 8) })) : []),
    [runs],
  )
  const summary = useMemo(() => (points.status === 'ready' ? summarize(points.value) : new Map()), [points])
  const change = (next: Partial<ChartView>) => navigate({ page: 'charts', experimentIds, ...view, metric, ...next }, { replace: true })
  const gridRoute = { page: 'charts', experimentIds, ...view } as const
  const back: Route = { page: 'runs', experimentIds, filter: '', order: '', columns: undefined, showDeleted: false }
  const names = experimentIds.map((id) => experiments.find((e) => e.experimentId === id)?.name ?? `#${id}`)

  return (
    <section className="charts-page" aria-label="Charts">
      <nav className="crumbs">
        <a {...linkProps(back, navigate)}>{names.join(', ')}</a> ›
      </nav>
      <header className="page-head">
        <h1>{metric}</h1>
        <span className="muted">{runIds.length} run{runIds.length === 1 ? '' : 's'}</span>
        <a {...linkProps({ ...gridRoute, metric: '' }, navigate)}>All charts</a>
      </header>
      {runs.status === 'ready' && runIds.length === 0 ? <Empty>No runs to chart in this experiment yet.</Empty> : null}
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
        <ChartViewControls view={view} change={change} />
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
            {...(view.x === 'relative' ? {} : { onZoom })}
          />
        )
      ) : null}
      {history.status === 'ready' && history.value.points.length > 0 ? (
        <p className="chart-resolution muted" data-testid="chart-resolution">
          {describeResolution(history.value, view.x)}{' '}
          {view.x === 'relative' ? 'Drag across the chart to zoom.' : 'Drag across the chart to zoom in; double-click to zoom out.'}{' '}
          {range ? (
            <button type="button" className="link" onClick={() => setRange(undefined)}>
              Reset zoom
            </button>
          ) : null}
        </p>
      ) : null}
      {chartRuns.length > 0 && summary.size > 0 ? (
        <table className="data summary" aria-label="Run summary">
          <thead>
            <tr>
              <th>Run</th>
              <th className="num">Last</th>
              <th className="num">Min</th>
              <th className="num">Max</th>
              <th className="num">Points</th>
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

function describeResolution(history: { readonly xMin: number; readonly xMax: number; readonly bucketWidth: number }, x: ChartView['x']): string {
  const unit = x === 'step' ? 'step' : 'ms'
  const span = x === 'step' ? `Steps ${history.xMin.toLocaleString('en-US')}–${history.xMax.toLocaleString('en-US')}` : 'Time range'
  if (history.bucketWidth <= 1) return `${span}: every logged point drawn (full resolution).`
  return `${span} in buckets of ${history.bucketWidth.toLocaleString('en-US')} ${unit}s: the line is each bucket's last value, the band its min and max.`
}
