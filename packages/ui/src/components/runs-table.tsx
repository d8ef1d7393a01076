import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { FormEvent } from 'react'
import { errorMessage, transport } from '../api.ts'
import type { Experiment, Run } from '../api.ts'
import { defaultColumns, orderTerm, parseColumn, parseOrderTerm } from '../lib/columns.ts'
import type { ColumnId } from '../lib/columns.ts'
import { formatDuration, formatMetric, formatTime } from '../lib/format.ts'
import type { RunsView } from '../lib/routes.ts'
import { nestRuns } from '../lib/run-tree.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { ColumnChooser } from './column-chooser.tsx'
import { Empty, ErrorBox } from './status.tsx'

const ROW_HEIGHT = 30
const OVERSCAN = 12
// The first page is small so rows show quickly (a screenful is ~25 rows; 100 runs with 20 params and
// 20 metrics each is ~250 KB of JSON); the rest arrive in large pages behind it.
const FIRST_PAGE = 100
const NEXT_PAGE = 5000
const MAX_RUNS = 50_000
const MAX_CHART_RUNS = 100
// Runs side by side: past a few dozen the table and the parallel coordinates stop being readable.
const MAX_COMPARE_RUNS = 50

interface Props {
  readonly experimentIds: readonly string[]
  readonly experiments: readonly Experiment[]
  readonly view: RunsView
  readonly onView: (view: Partial<RunsView>) => void
  readonly navigate: Navigate
}

interface Column {
  readonly id: string
  readonly label: string
  readonly width: number
  /** The attribute or column this header sorts by; absent when the server cannot order by it. */
  readonly sort?: string | ColumnId
  readonly cell: (run: Run) => string
}

const tagValue = (run: Run, key: string) => run.data.tags.find((t) => t.key === key)?.value

const ATTRIBUTE_COLUMNS: readonly Column[] = [
  { id: 'start_time', label: 'Created', width: 142, sort: 'start_time', cell: (r) => formatTime(r.info.startTime) },
  { id: 'duration', label: 'Duration', width: 74, cell: (r) => formatDuration(r.info.startTime, r.info.endTime) },
  { id: 'user_id', label: 'User', width: 84, sort: 'user_id', cell: (r) => r.info.userId || (tagValue(r, 'mlflow.user') ?? '') },
  { id: 'status', label: 'Status', width: 88, sort: 'status', cell: (r) => r.info.status },
]

function dataColumn(id: string): Column | undefined {
  const column = parseColumn(id)
  if (!column) return undefined
  const cell =
    column.kind === 'metrics'
      ? (r: Run) => formatMetric(r.data.metrics.find((m) => m.key === column.key)?.value)
      : column.kind === 'params'
        ? (r: Run) => r.data.params.find((p) => p.key === column.key)?.value ?? ''
        : (r: Run) => tagValue(r, column.key) ?? ''
  return { id, label: column.key, width: 96, sort: column, cell }
}

interface Loaded {
  readonly runs: readonly Run[]
  readonly done: boolean
  readonly error?: string
}

function useRuns(experimentIds: readonly string[], view: RunsView): Loaded {
  const [state, setState] = useState<Loaded>({ runs: [], done: false })
  const key = JSON.stringify([experimentIds, view.filter, view.order, view.showDeleted])
  useEffect(() => {
    let live = true
    setState({ runs: [], done: false })
    void (async () => {
      const runs: Run[] = []
      let pageToken: string | undefined
      try {
        do {
          const page = await transport.searchRuns({
            experimentIds,
            ...(view.filter.trim() ? { filter: view.filter } : {}),
            ...(view.order ? { orderBy: [view.order] } : {}),
            runViewType: view.showDeleted ? 'ALL' : 'ACTIVE_ONLY',
            maxResults: runs.length === 0 ? FIRST_PAGE : NEXT_PAGE,
            ...(pageToken ? { pageToken } : {}),
          })
          if (!live) return
          runs.push(...page.items)
          pageToken = page.nextPageToken
          setState({ runs: [...runs], done: !pageToken || runs.length >= MAX_RUNS })
        } while (pageToken && runs.length < MAX_RUNS)
      } catch (error) {
        if (live) setState({ runs, done: true, error: errorMessage(error) })
      }
    })()
    return () => {
      live = false
    }
  }, [key])
  return state
}

export function RunsTable({ experimentIds, experiments, view, onView, navigate }: Props) {
  const loaded = useRuns(experimentIds, view)
  const [draft, setDraft] = useState(view.filter)
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set())
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set())
  useEffect(() => setDraft(view.filter), [view.filter])
  useEffect(() => setSelected(new Set()), [experimentIds.join(',')])

  const keys = useMemo(() => {
    const metrics = new Set<string>()
    const params = new Set<string>()
    const tags = new Set<string>()
    for (const run of loaded.runs) {
      run.data.metrics.forEach((m) => metrics.add(m.key))
      run.data.params.forEach((p) => params.add(p.key))
      run.data.tags.forEach((t) => t.key.startsWith('mlflow.') || tags.add(t.key))
    }
    const sorted = (s: Set<string>) => [...s].sort()
    return { metrics: sorted(metrics), params: sorted(params), tags: sorted(tags) }
  }, [loaded.runs])

  const chosen = view.columns ?? defaultColumns(keys.metrics, keys.params)
  const columns = useMemo(() => {
    // With several experiments selected, say which one each run belongs to.
    const experimentColumn: Column[] =
      experimentIds.length > 1
        ? [{ id: 'experiment', label: 'Experiment', width: 120, cell: (r) => experiments.find((e) => e.experimentId === r.info.experimentId)?.name ?? r.info.experimentId }]
        : []
    return [...experimentColumn, ...ATTRIBUTE_COLUMNS, ...chosen.flatMap((id) => dataColumn(id) ?? [])]
  }, [chosen.join('\u0000'), experimentIds.length, experiments])
  const rows = useMemo(() => nestRuns(loaded.runs, expanded), [loaded.runs, expanded])
  const order = parseOrderTerm(view.order)

  useEffect(() => {
    if (loaded.runs.length > 0 && performance.getEntriesByName('orchard:first-rows').length === 0) performance.mark('orchard:first-rows')
  }, [loaded.runs.length])

  const submitFilter = (event: FormEvent) => {
    event.preventDefault()
    onView({ filter: draft.trim() })
  }

  const sortBy = (column: Column) => {
    if (!column.sort) return
    const target = typeof column.sort === 'string' ? column.sort : `${column.sort.kind}.${column.sort.key}`
    if (order?.target !== target) onView({ order: orderTerm(column.sort, false) })
    else if (!order.ascending) onView({ order: orderTerm(column.sort, true) })
    else onView({ order: '' })
  }

  const chartSelected = () => {
    const runIds = [...selected].slice(0, MAX_CHART_RUNS)
    const metricColumn = chosen.map(parseColumn).find((c) => c?.kind === 'metrics')
    navigate({ page: 'charts', experimentIds, runIds, metric: metricColumn?.key ?? keys.metrics[0] ?? '', x: 'step', smoothing: 0, log: false })
  }

  const compareSelected = () => {
    navigate({ page: 'compare', experimentIds, runIds: [...selected].slice(0, MAX_COMPARE_RUNS), scatterX: '', scatterY: '' })
  }

  const names = experimentIds.map((id) => experiments.find((e) => e.experimentId === id)?.name ?? `#${id}`)
  const allSelected = loaded.runs.length > 0 && selected.size === loaded.runs.length

  return (
    <section className="runs" aria-label="Runs">
      <header className="page-head">
        <h1 title={names.join(', ')}>{names.join(', ')}</h1>
        <span className="muted" data-testid="run-count">
          {loaded.runs.length.toLocaleString('en-US')} runs{loaded.done ? '' : ' (loading…)'}
        </span>
      </header>
      <div className="toolbar">
        <form className="filter" onSubmit={submitFilter}>
          <input
            type="search"
            aria-label="Filter runs"
            data-search
            title="Filter runs (press / to focus)"
            placeholder="metrics.rmse < 1 and params.model = 'tree'"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit">Search</button>
          {view.filter ? (
            <button type="button" onClick={() => onView({ filter: '' })}>
              Clear
            </button>
          ) : null}
        </form>
        <label className="toggle">
          <input type="checkbox" checked={view.showDeleted} onChange={(e) => onView({ showDeleted: e.target.checked })} /> Show deleted
        </label>
        <ColumnChooser keys={keys} chosen={chosen} onChange={(columns) => onView({ columns })} />
        <button type="button" disabled={selected.size === 0} onClick={chartSelected}>
          Chart {selected.size > 0 ? `${selected.size} ` : ''}selected
        </button>
        <button type="button" disabled={selected.size < 2} onClick={compareSelected} title="Select two or more runs to compare">
          Compare{selected.size > 1 ? ` ${selected.size}` : ''}
        </button>
      </div>
      {loaded.error ? <ErrorBox title="Search failed" message={loaded.error} /> : null}
      {!loaded.error && loaded.done && loaded.runs.length === 0 ? (
        <Empty>{view.filter ? 'No runs match this filter.' : 'No runs in this experiment yet. Log one with the SDK or mlflow.'}</Empty>
      ) : null}
      {loaded.runs.length > 0 || !loaded.done ? (
        <VirtualGrid
          rows={rows}
          columns={columns}
          order={order}
          onSort={sortBy}
          expanded={expanded}
          onToggle={(id) => setExpanded((s) => toggled(s, id))}
          selected={selected}
          onSelect={(id) => setSelected((s) => toggled(s, id))}
          allSelected={allSelected}
          onSelectAll={() => setSelected(allSelected ? new Set() : new Set(loaded.runs.map((r) => r.info.runId)))}
          navigate={navigate}
          loading={!loaded.done && loaded.runs.length === 0}
        />
      ) : null}
    </section>
  )
}

interface GridProps {
  readonly rows: ReturnType<typeof nestRuns<Run>>
  readonly columns: readonly Column[]
  readonly order: ReturnType<typeof parseOrderTerm>
  readonly onSort: (column: Column) => void
  readonly expanded: ReadonlySet<string>
  readonly onToggle: (runId: string) => void
  readonly selected: ReadonlySet<string>
  readonly onSelect: (runId: string) => void
  readonly allSelected: boolean
  readonly onSelectAll: () => void
  readonly navigate: Navigate
  readonly loading: boolean
}

const NAME_WIDTH = 190
const CHECK_WIDTH = 34

// Hand-rolled windowing: only the rows in view (plus a margin) are in the DOM, absolutely placed in a
// body as tall as all rows. 10,000 runs are ~40 row elements at any scroll position.
function VirtualGrid(props: GridProps) {
  const scroller = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [height, setHeight] = useState(600)
  useLayoutEffect(() => {
    const element = scroller.current
    if (!element) return
    const observer = new ResizeObserver(() => setHeight(element.clientHeight))
    observer.observe(element)
    setHeight(element.clientHeight)
    return () => observer.disconnect()
  }, [])

  const width = CHECK_WIDTH + NAME_WIDTH + props.columns.reduce((sum, c) => sum + c.width, 0)
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN)
  const last = Math.min(props.rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN)
  const arrow = (target: string) => (props.order?.target === target ? (props.order.ascending ? ' ▲' : ' ▼') : '')
  const sortTarget = (c: Column) => (typeof c.sort === 'string' ? c.sort : c.sort ? `${c.sort.kind}.${c.sort.key}` : '')

  return (
    <div className="grid-scroll" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} role="table" aria-label="Runs table" aria-rowcount={props.rows.length}>
      <div className="grid-row grid-header" role="row" style={{ width }}>
        <div className="cell check" role="columnheader" style={{ width: CHECK_WIDTH }}>
          <input type="checkbox" aria-label="Select all runs" checked={props.allSelected} onChange={props.onSelectAll} />
        </div>
        <div className="cell" role="columnheader" style={{ width: NAME_WIDTH }}>
          <button type="button" className="sort" onClick={() => props.onSort({ id: 'run_name', label: 'Run name', width: 0, sort: 'run_name', cell: () => '' })}>
            Run name{arrow('run_name')}
          </button>
        </div>
        {props.columns.map((c) => (
          <div key={c.id} className={`cell${c.id.startsWith('metrics.') ? ' num' : ''}`} role="columnheader" style={{ width: c.width }} title={c.id}>
            {c.sort ? (
              <button type="button" className="sort" onClick={() => props.onSort(c)} data-column={c.id}>
                {c.label}
                {arrow(sortTarget(c))}
              </button>
            ) : (
              c.label
            )}
          </div>
        ))}
      </div>
      <div className="grid-body" style={{ height: Math.max(props.rows.length * ROW_HEIGHT, props.loading ? ROW_HEIGHT : 0), width }}>
        {props.loading ? <div className="status loading">Loading runs…</div> : null}
        {props.rows.slice(first, last).map((row, i) => {
          const run = row.run
          const id = run.info.runId
          const route = { page: 'run', experimentId: run.info.experimentId, runId: id, tab: 'overview' } as const
          return (
            <div
              key={id}
              role="row"
              className={`grid-row${props.selected.has(id) ? ' selected' : ''}${run.info.lifecycleStage === 'deleted' ? ' deleted' : ''}`}
              style={{ top: (first + i) * ROW_HEIGHT, width }}
              data-run-id={id}
            >
              <div className="cell check" style={{ width: CHECK_WIDTH }}>
                <input type="checkbox" aria-label={`Select ${run.info.runName || id}`} checked={props.selected.has(id)} onChange={() => props.onSelect(id)} />
              </div>
              <div className="cell name" role="cell" style={{ width: NAME_WIDTH, paddingLeft: 6 + row.depth * 18 }}>
                {row.childCount > 0 ? (
                  <button type="button" className="expand" aria-expanded={props.expanded.has(id)} aria-label={`Show ${row.childCount} child runs`} onClick={() => props.onToggle(id)}>
                    {props.expanded.has(id) ? '▾' : '▸'}
                  </button>
                ) : (
                  <span className="expand-spacer" />
                )}
                <a {...linkProps(route, props.navigate)}>
                  {run.info.runName || id}
                </a>
                {row.childCount > 0 ? <span className="badge">{row.childCount}</span> : null}
              </div>
              {props.columns.map((c) => {
                const text = c.cell(run)
                return (
                  <div key={c.id} role="cell" className={`cell${c.id.startsWith('metrics.') ? ' num' : ''}${c.id === 'status' ? ` status-${text.toLowerCase()}` : ''}`} style={{ width: c.width }} title={text}>
                    {text}
                  </div>
                )
              })}
            </div>
          )
        })}
      </div>
    </div>
  )
}

function toggled(set: ReadonlySet<string>, item: string): ReadonlySet<string> {
  const next = new Set(set)
  if (next.has(item)) next.delete(item)
  else next.add(item)
  return next
}
