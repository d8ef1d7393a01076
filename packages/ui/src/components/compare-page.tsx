import { useMemo, useState } from 'react'
import { metricHistoryBuckets, transport } from '../api.ts'
import type { Experiment, Run } from '../api.ts'
import { axisFor, metricRows, parallelKeys, paramRows } from '../lib/compare.ts'
import type { CompareRow, CompareRun } from '../lib/compare.ts'
import { formatMetric, formatTime } from '../lib/format.ts'
import { colorOf } from '../lib/palette.ts'
import type { CompareView, Route } from '../lib/routes.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { useAsync } from '../use-async.ts'
import { MetricChart } from './metric-chart.tsx'
import { ParallelCoordinates } from './parallel-coordinates.tsx'
import { ScatterPlot } from './scatter-plot.tsx'
import { Empty, ErrorBox, Loading } from './status.tsx'

const PARALLEL_AXES = 8
const OVERLAID_CHARTS = 12
const CHART_BUCKETS = 400

interface Props {
  readonly experimentIds: readonly string[]
  readonly view: CompareView
  readonly experiments: readonly Experiment[]
  readonly theme: string
  readonly navigate: Navigate
}

type LabelledRun = CompareRun & { readonly label: string; readonly run: Run }

const toCompareRun = (run: Run): LabelledRun => ({
  runId: run.info.runId,
  label: run.info.runName || run.info.runId.slice(0, 8),
  params: new Map(run.data.params.map((p) => [p.key, p.value])),
  metrics: new Map(run.data.metrics.map((m) => [m.key, m.value])),
  run,
})

export function ComparePage({ experimentIds, view, experiments, theme, navigate }: Props) {
  const loaded = useAsync(() => Promise.all(view.runIds.map((id) => transport.getRun(id))), [view.runIds.join(',')])
  const back: Route = { page: 'runs', experimentIds, filter: '', order: '', columns: undefined, showDeleted: false }
  const names = experimentIds.map((id) => experiments.find((e) => e.experimentId === id)?.name ?? `#${id}`)
  return (
    <section className="compare-page" aria-label="Compare runs">
      <nav className="crumbs">
        <a {...linkProps(back, navigate)}>{names.join(', ')}</a> ›
      </nav>
      <header className="page-head">
        <h1>Comparing {view.runIds.length} runs</h1>
      </header>
      {view.runIds.length < 2 ? <Empty>Select at least two runs in the runs table and press “Compare”.</Empty> : null}
      {loaded.status === 'loading' ? <Loading what="the runs" /> : null}
      {loaded.status === 'error' ? <ErrorBox title="Could not load the runs" message={loaded.message} /> : null}
      {loaded.status === 'ready' && view.runIds.length >= 2 ? (
        <CompareBody runs={loaded.value.map(toCompareRun)} view={view} experimentIds={experimentIds} theme={theme} navigate={navigate} />
      ) : null}
    </section>
  )
}

function CompareBody({ runs, view, experimentIds, theme, navigate }: { readonly runs: readonly LabelledRun[]; readonly view: CompareView; readonly experimentIds: readonly string[]; readonly theme: string; readonly navigate: Navigate }) {
  const [onlyDiff, setOnlyDiff] = useState(false)
  const params = useMemo(() => paramRows(runs), [runs])
  const metrics = useMemo(() => metricRows(runs, formatMetric), [runs])
  const axes = useMemo(() => parallelKeys(runs, PARALLEL_AXES).flatMap((id) => axisFor(runs, id) ?? []), [runs])
  const keys = [...params.map((r) => `params.${r.key}`), ...metrics.map((r) => `metrics.${r.key}`)]
  const scatterX = keys.includes(view.scatterX) ? view.scatterX : (params.find((r) => r.differs) ? `params.${params.find((r) => r.differs)!.key}` : keys[0] ?? '')
  const scatterY = keys.includes(view.scatterY) ? view.scatterY : metrics[0] ? `metrics.${metrics[0].key}` : keys[1] ?? ''
  const xAxis = axisFor(runs, scatterX)
  const yAxis = axisFor(runs, scatterY)
  const setScatter = (next: Partial<CompareView>) => navigate({ page: 'compare', experimentIds, ...view, scatterX, scatterY, ...next }, { replace: true })

  return (
    <>
      <div className="toolbar">
        <label className="toggle">
          <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} /> Only rows that differ
        </label>
      </div>
      <div className="table-scroll">
        <table className="data compare" aria-label="Run comparison">
          <thead>
            <tr>
              <th scope="col">Run</th>
              {runs.map((r, i) => (
                <th scope="col" key={r.runId}>
                  <span className="swatch" style={{ background: colorOf(i) }} />
                  <a {...linkProps({ page: 'run', experimentId: r.run.info.experimentId, runId: r.runId, tab: 'overview' }, navigate)}>{r.label}</a>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Started</th>
              {runs.map((r) => <td key={r.runId}>{formatTime(r.run.info.startTime)}</td>)}
            </tr>
            <tr>
              <th scope="row">Status</th>
              {runs.map((r) => <td key={r.runId}>{r.run.info.status}</td>)}
            </tr>
            <Section title="Params" rows={params} onlyDiff={onlyDiff} prefix="params" />
            <Section title="Metrics" rows={metrics} onlyDiff={onlyDiff} prefix="metrics" />
          </tbody>
        </table>
      </div>

      <h2>Parallel coordinates</h2>
      <ParallelCoordinates runs={runs} axes={axes} />

      <h2>Scatter</h2>
      {keys.length === 0 ? (
        <Empty>These runs have no params or metrics.</Empty>
      ) : (
        <>
          <div className="toolbar">
            <KeySelect label="X" value={scatterX} keys={keys} onChange={(scatterX) => setScatter({ scatterX })} />
            <KeySelect label="Y" value={scatterY} keys={keys} onChange={(scatterY) => setScatter({ scatterY })} />
          </div>
          {xAxis && yAxis ? <ScatterPlot runs={runs} x={xAxis} y={yAxis} /> : <Empty>No run has both keys.</Empty>}
        </>
      )}

      <h2>Metrics over time</h2>
      <OverlaidCharts runs={runs} keys={metrics.map((m) => m.key).slice(0, OVERLAID_CHARTS)} theme={theme} />
    </>
  )
}

function Section({ title, rows, onlyDiff, prefix }: { readonly title: string; readonly rows: readonly CompareRow[]; readonly onlyDiff: boolean; readonly prefix: string }) {
  const shown = onlyDiff ? rows.filter((r) => r.differs) : rows
  return (
    <>
      <tr className="section">
        <th scope="rowgroup" colSpan={(rows[0]?.values.length ?? 0) + 1}>
          {title} <span className="muted">({rows.filter((r) => r.differs).length} of {rows.length} differ)</span>
        </th>
      </tr>
      {shown.map((row) => (
        <tr key={row.key} className={row.differs ? 'differs' : undefined} data-key={`${prefix}.${row.key}`}>
          <th scope="row">
            {row.key}
            {row.differs ? <span className="sr-only"> (differs)</span> : null}
          </th>
          {row.values.map((value, i) => (
            <td key={i} className="value">
              {value ?? <span className="muted">—</span>}
            </td>
          ))}
        </tr>
      ))}
    </>
  )
}

function KeySelect({ label, value, keys, onChange }: { readonly label: string; readonly value: string; readonly keys: readonly string[]; readonly onChange: (key: string) => void }) {
  return (
    <label>
      {label}{' '}
      <select aria-label={`Scatter ${label}`} value={value} onChange={(e) => onChange(e.target.value)}>
        {keys.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
    </label>
  )
}

function OverlaidCharts({ runs, keys, theme }: { readonly runs: readonly LabelledRun[]; readonly keys: readonly string[]; readonly theme: string }) {
  const chartRuns = useMemo(() => runs.map((r) => ({ runId: r.runId, label: r.label })), [runs])
  const runIds = runs.map((r) => r.runId)
  const histories = useAsync(() => Promise.all(keys.map((key) => metricHistoryBuckets(runIds, key, { xAxis: 'step', buckets: CHART_BUCKETS }).then((h) => h.points))), [runIds.join(','), keys.join(',')])
  if (keys.length === 0) return <Empty>These runs logged no metrics.</Empty>
  if (histories.status === 'loading') return <Loading what="metric history" />
  if (histories.status === 'error') return <ErrorBox title="Could not load metric history" message={histories.message} />
  return (
    <div className="chart-grid">
      {keys.map((key, i) => (
        <figure key={key} className="chart-cell" data-metric={key}>
          <figcaption>{key}</figcaption>
          <MetricChart runs={chartRuns} points={histories.value[i] ?? []} metric={key} x="step" smoothing={0} log={false} theme={theme} height={220} />
        </figure>
      ))}
    </div>
  )
}
