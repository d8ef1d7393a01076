import { useEffect, useMemo, useRef, useState } from 'react'
import { metricHistoryBuckets, transport } from '../api.ts'
import type { MetricPoint, Run } from '../api.ts'
import { formatCompact } from '../lib/format.ts'
import { colorOf } from '../lib/palette.ts'
import type { ChartView, Route } from '../lib/routes.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { useAsync } from '../use-async.ts'
import { BarChart } from './bar-chart.tsx'
import { MetricChart } from './metric-chart.tsx'
import { Empty, ErrorBox, Loading } from './status.tsx'

// The experiment's chart view: one chart per metric for the chosen runs, a line chart of each
// metric's history, or bars for a metric each run logged once. Every run keeps one colour across the
// grid. A chart asks for its history only once it scrolls into view, so an experiment with a
// thousand metric keys costs a screenful of requests, and the grid renders charts a page at a time.

const GRID_BUCKETS = 300
const CHARTS_PER_PAGE = 24

interface Props {
  readonly experimentIds: readonly string[]
  readonly view: ChartView
  readonly runs: readonly Run[]
  readonly theme: string
  readonly navigate: Navigate
}

/** Metric keys of these runs: the ones most runs share first, `system/*` metrics last, then by name. */
export function gridMetricKeys(runs: readonly Run[]): string[] {
  const share = new Map<string, number>()
  for (const run of runs) for (const m of run.data.metrics) share.set(m.key, (share.get(m.key) ?? 0) + 1)
  const system = (key: string) => Number(key.startsWith('system/'))
  return [...share].sort(([a, x], [b, y]) => system(a) - system(b) || y - x || a.localeCompare(b)).map(([key]) => key)
}

/** The x axis, smoothing and log-scale controls shared by the chart grid and the single-metric chart. */
export function ChartViewControls({ view, change }: { view: ChartView; change: (next: Partial<ChartView>) => void }) {
  return (
    <>
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
    </>
  )
}

export function ChartGrid({ experimentIds, view, runs, theme, navigate }: Props) {
  const allKeys = useMemo(() => gridMetricKeys(runs), [runs])
  const shown = view.metrics ? view.metrics.filter((k) => allKeys.includes(k)) : allKeys
  const [pages, setPages] = useState(1)
  const chartRuns = useMemo(() => runs.map((r) => ({ runId: r.info.runId, experimentId: r.info.experimentId, label: r.info.runName || r.info.runId.slice(0, 8) })), [runs])
  const change = (next: Partial<ChartView>) => navigate({ page: 'charts', experimentIds, ...view, ...next }, { replace: true })

  return (
    <>
      <div className="toolbar">
        <MetricChooser all={allKeys} shown={shown} onChange={(metrics) => change(metrics ? { metrics } : { metrics: undefined })} />
        <ChartViewControls view={view} change={change} />
      </div>
      <ul className="grid-legend" aria-label="Runs">
        {chartRuns.map((run, i) => (
          <li key={run.runId}>
            <span className="swatch" style={{ background: colorOf(i) }} />
            <a {...linkProps({ page: 'run', experimentId: run.experimentId, runId: run.runId, tab: 'overview' }, navigate)}>{run.label}</a>
          </li>
        ))}
      </ul>
      {shown.length === 0 ? <Empty>{allKeys.length ? 'No metric chosen: pick some under “Metrics”.' : 'These runs have no metrics.'}</Empty> : null}
      <div className="chart-grid" data-testid="chart-grid">
        {shown.slice(0, pages * CHARTS_PER_PAGE).map((key) => (
          <ChartCell key={key} metric={key} runs={chartRuns} view={view} theme={theme} open={{ page: 'charts', experimentIds, ...view, metric: key }} navigate={navigate} />
        ))}
      </div>
      {shown.length > pages * CHARTS_PER_PAGE ? (
        <button type="button" className="more" onClick={() => setPages((p) => p + 1)}>
          Show {Math.min(CHARTS_PER_PAGE, shown.length - pages * CHARTS_PER_PAGE)} more of {shown.length - pages * CHARTS_PER_PAGE} charts
        </button>
      ) : null}
    </>
  )
}

interface CellProps {
  readonly metric: string
  readonly runs: readonly { readonly runId: string; readonly label: string }[]
  readonly view: ChartView
  readonly theme: string
  readonly open: Route
  readonly navigate: Navigate
}

function ChartCell({ metric, runs, view, theme, open, navigate }: CellProps) {
  const host = useRef<HTMLElement>(null)
  const [visible, setVisible] = useState(false)
  useEffect(() => {
    const element = host.current
    if (!element || visible) return
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setVisible(true), { rootMargin: '300px' })
    observer.observe(element)
    return () => observer.disconnect()
  }, [visible])
  const runIds = runs.map((r) => r.runId)
  const history = useAsync(
    () => (visible ? metricHistoryBuckets(runIds, metric, { xAxis: view.x === 'step' ? 'step' : 'timestamp', buckets: GRID_BUCKETS }) : Promise.resolve(undefined)),
    [visible, runIds.join(','), metric, view.x],
  )
  const points = history.status === 'ready' ? history.value?.points : undefined
  // A metric each run logged once is a value per run, not a history: bars compare it better.
  const single = points !== undefined && singleValued(points)
  return (
    <figure className="chart-cell" ref={host} data-metric={metric} data-kind={points === undefined ? undefined : single ? 'bar' : 'line'}>
      <figcaption>
        <span title={metric}>{metric}</span>
        <a {...linkProps(open, navigate)} aria-label={`Open ${metric}`} title="Open this chart on its own page (zoom to every point)">
          ⤢
        </a>
      </figcaption>
      {history.status === 'error' ? <ErrorBox message={history.message} /> : null}
      {points === undefined && history.status !== 'error' ? <Loading what={metric} /> : null}
      {points !== undefined && points.length === 0 ? <Empty>No points.</Empty> : null}
      {points !== undefined && points.length > 0 ? (
        single ? (
          <BarChart bars={runs.flatMap((run, i) => {
            const point = points.find((p) => p.runId === run.runId)
            return point ? [{ label: run.label, value: point.value, color: colorOf(i) }] : []
          })} metric={metric} log={view.log} />
        ) : (
          <MetricChart runs={runs} points={points} metric={metric} x={view.x} smoothing={view.smoothing} log={view.log} theme={theme} height={220} legend={false} />
        )
      ) : null}
    </figure>
  )
}

const singleValued = (points: readonly MetricPoint[]) => {
  const seen = new Set<string>()
  for (const p of points) {
    if (seen.has(p.runId) || (p.count ?? 1) > 1) return false
    seen.add(p.runId)
  }
  return true
}

const MAX_LISTED = 200

function MetricChooser({ all, shown, onChange }: { readonly all: readonly string[]; readonly shown: readonly string[]; readonly onChange: (metrics: readonly string[] | undefined) => void }) {
  const [search, setSearch] = useState('')
  const needle = search.trim().toLowerCase()
  const matching = needle ? all.filter((k) => k.toLowerCase().includes(needle)) : all
  const toggle = (key: string) => onChange(shown.includes(key) ? shown.filter((k) => k !== key) : all.filter((k) => k === key || shown.includes(k)))
  return (
    <details className="column-chooser metric-chooser">
      <summary>
        Metrics ({shown.length} of {all.length})
      </summary>
      <div className="popover">
        <div className="chooser-head">
          <input type="search" aria-label="Search metrics" placeholder="Search metrics" value={search} onChange={(e) => setSearch(e.target.value)} />
          <button type="button" onClick={() => onChange(undefined)}>
            All
          </button>
          <button type="button" onClick={() => onChange([])}>
            None
          </button>
        </div>
        {matching.slice(0, MAX_LISTED).map((key) => (
          <label key={key} title={key}>
            <input type="checkbox" checked={shown.includes(key)} onChange={() => toggle(key)} /> {key}
          </label>
        ))}
        {matching.length > MAX_LISTED ? <p className="muted">{matching.length - MAX_LISTED} more: narrow the search.</p> : null}
      </div>
    </details>
  )
}

/** Runs for the grid: the ones in the URL, else the first few the experiment's table would show. */
export async function gridRuns(experimentIds: readonly string[], runIds: readonly string[], first: number): Promise<readonly Run[]> {
  if (runIds.length) return Promise.all(runIds.map((id) => transport.getRun(id)))
  return (await transport.searchRuns({ experimentIds, runViewType: 'ACTIVE_ONLY', maxResults: first })).items
}
