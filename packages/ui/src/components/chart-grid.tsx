import { useEffect, useMemo, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import { metricHistoryBuckets, transport } from '../api.ts'
import type { MetricPoint, Run } from '../api.ts'
import { formatCompact } from '../lib/format.ts'
import { colorOf } from '../lib/palette.ts'
import type { ChartView, Route } from '../lib/routes.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { useAsync } from '../use-async.ts'
import { chartTitle, parseChartItem } from '../lib/chart-layout.ts'
import type { ChartSpec } from '../lib/chart-layout.ts'
import { moveTo } from '../lib/reorder.ts'
import { chartsKey, writeStored } from '../lib/stored.ts'
import { AddChart } from './add-chart.tsx'
import { BarChart } from './bar-chart.tsx'
import { ColumnChart } from './column-charts.tsx'
import type { LabelledRun } from './column-charts.tsx'
import { useReorder } from './use-reorder.ts'
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
  // The grid's charts in order: metric charts of metrics these runs have, and the column charts.
  const shown = useMemo(
    () => (view.metrics ? view.metrics.filter((item) => { const spec = parseChartItem(item); return spec.kind !== 'metric' || allKeys.includes(spec.metric) }) : allKeys),
    [view.metrics?.join(','), allKeys],
  )
  const [pages, setPages] = useState(1)
  const chartRuns = useMemo(() => runs.map((r) => ({ runId: r.info.runId, experimentId: r.info.experimentId, label: r.info.runName || r.info.runId.slice(0, 8) })), [runs])
  const columnRuns = useMemo<LabelledRun[]>(
    () => runs.map((r) => ({ runId: r.info.runId, label: r.info.runName || r.info.runId.slice(0, 8), params: new Map(r.data.params.map((p) => [p.key, p.value])), metrics: new Map(r.data.metrics.map((m) => [m.key, m.value])) })),
    [runs],
  )
  const columns = useMemo(() => [...new Set(runs.flatMap((r) => r.data.params.map((p) => `params.${p.key}`)))].sort().concat(allKeys.map((k) => `metrics.${k}`)), [runs, allKeys])
  // Every change is also this browser's layout for these experiments: the Charts page opens on it
  // and a saved view of the runs table takes it along.
  const change = (next: Partial<ChartView>) => {
    const merged = { ...view, ...next }
    writeStored(chartsKey(experimentIds), { charts: merged.metrics, x: merged.x, smoothing: merged.smoothing, log: merged.log })
    navigate({ page: 'charts', experimentIds, ...merged }, { replace: true })
  }
  const visible = shown.slice(0, pages * CHARTS_PER_PAGE)
  const reorder = useReorder({
    onMove: (item, target) => change({ metrics: moveTo(shown, item, target) }),
    neighbour: (item, step) => visible[visible.indexOf(item) + step],
    describe: (item) => `chart ${chartTitle(parseChartItem(item))} to place ${shown.indexOf(item) + 1} of ${shown.length}`,
  })
  const remove = (item: string) => change({ metrics: shown.filter((i) => i !== item) })

  return (
    <>
      <div className="toolbar">
        <MetricChooser all={allKeys} shown={shown} onChange={(metrics) => change(metrics ? { metrics } : { metrics: undefined })} />
        <AddChart columns={columns} onAdd={(item) => change({ metrics: [...shown.filter((i) => i !== item), item] })} />
        <ChartViewControls view={view} change={change} />
      </div>
      <span className="sr-only" aria-live="polite">
        {reorder.announcement}
      </span>
      <ul className="grid-legend" aria-label="Runs">
        {chartRuns.map((run, i) => (
          <li key={run.runId}>
            <span className="swatch" style={{ background: colorOf(i) }} />
            <a {...linkProps({ page: 'run', experimentId: run.experimentId, runId: run.runId, tab: 'overview' }, navigate)}>{run.label}</a>
          </li>
        ))}
      </ul>
      {shown.length === 0 ? <Empty>{allKeys.length ? 'No chart chosen: pick metrics under “Metrics” or add a chart.' : 'These runs have no metrics.'}</Empty> : null}
      <div className="chart-grid" data-testid="chart-grid">
        {visible.map((item, index) => {
          const spec = parseChartItem(item)
          const title = chartTitle(spec)
          const controls = (
            <>
              <button type="button" className="link" aria-label={`Move ${title} earlier`} title="Move earlier (or drag the chart; Alt+Shift+←)" disabled={index === 0} onClick={() => reorder.move(item, visible[index - 1]!)}>
                ◀
              </button>
              <button type="button" className="link" aria-label={`Move ${title} later`} title="Move later (or drag the chart; Alt+Shift+→)" disabled={index === visible.length - 1} onClick={() => reorder.move(item, visible[index + 1]!)}>
                ▶
              </button>
              <button type="button" className="link" aria-label={`Remove ${title}`} title="Remove this chart" onClick={() => remove(item)}>
                ✕
              </button>
            </>
          )
          return spec.kind === 'metric' ? (
            <ChartCell key={item} metric={spec.metric} runs={chartRuns} view={view} theme={theme} open={{ page: 'charts', experimentIds, ...view, metric: spec.metric }} navigate={navigate} controls={controls} reorder={reorder.itemProps(item)} />
          ) : (
            <figure key={item} className={`chart-cell${spec.kind === 'parallel' ? ' wide' : ''}`} data-chart={item} data-kind={spec.kind} {...reorder.itemProps(item)}>
              <figcaption>
                <span title={title}>{title}</span>
                <div className="chart-actions">{controls}</div>
              </figcaption>
              <ColumnChart spec={spec as Exclude<ChartSpec, { kind: 'metric' }>} runs={columnRuns} />
            </figure>
          )
        })}
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
  readonly controls: ReactNode
  readonly reorder: ReturnType<ReturnType<typeof useReorder>['itemProps']>
}

function ChartCell({ metric, runs, view, theme, open, navigate, controls, reorder }: CellProps) {
  const host = useRef<HTMLElement>(null)
  // `visible`: has come near the view once (its history is fetched then, and kept). `near`: is near
  // it now. Only charts near the view hold a uPlot instance, so a setting changed with 100 charts on
  // the page rebuilds the few in view, not all of them (a log toggle took ~40 ms a chart).
  const [visible, setVisible] = useState(false)
  const [near, setNear] = useState(false)
  useEffect(() => {
    const element = host.current
    if (!element) return
    const observer = new IntersectionObserver(
      (entries) => {
        const now = entries.some((e) => e.isIntersecting)
        setNear(now)
        if (now) setVisible(true)
      },
      { rootMargin: '300px' },
    )
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  const runIds = runs.map((r) => r.runId)
  const history = useAsync(
    () => (visible ? metricHistoryBuckets(runIds, metric, { xAxis: view.x === 'step' ? 'step' : 'timestamp', buckets: GRID_BUCKETS }) : Promise.resolve(undefined)),
    [visible, runIds.join(','), metric, view.x],
  )
  const points = history.status === 'ready' ? history.value?.points : undefined
  // A metric each run logged once is a value per run, not a history: bars compare it better.
  const single = points !== undefined && singleValued(points)
  return (
    <figure className="chart-cell" ref={host} data-metric={metric} data-chart={metric} data-kind={points === undefined ? undefined : single ? 'bar' : 'line'} {...reorder}>
      <figcaption>
        <span title={metric}>{metric}</span>
        <div className="chart-actions">
          {controls}
          <a {...linkProps(open, navigate)} aria-label={`Open ${metric}`} title="Open this chart on its own page (zoom to every point)">
            ⤢
          </a>
        </div>
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
          near ? (
            <MetricChart runs={runs} points={points} metric={metric} x={view.x} smoothing={view.smoothing} log={view.log} theme={theme} height={220} legend={false} />
          ) : (
            <div className="chart chart-parked" style={{ height: 220 }} />
          )
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
  // The grid's order (and its scatter and parallel charts) is kept: a metric ticked on goes last.
  const toggle = (key: string) => onChange(shown.includes(key) ? shown.filter((k) => k !== key) : [...shown, key])
  const isMetric = (item: string) => parseChartItem(item).kind === 'metric'
  return (
    <details className="column-chooser metric-chooser">
      <summary>
        Metrics ({shown.filter(isMetric).length} of {all.length})
      </summary>
      <div className="popover">
        <div className="chooser-head">
          <input type="search" aria-label="Search metrics" placeholder="Search metrics" value={search} onChange={(e) => setSearch(e.target.value)} />
          <button type="button" onClick={() => onChange(shown.some((i) => !isMetric(i)) ? [...shown, ...all.filter((k) => !shown.includes(k))] : undefined)}>
            All
          </button>
          <button type="button" onClick={() => onChange(shown.filter((i) => !isMetric(i)))}>
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
