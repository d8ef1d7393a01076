import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { flushSync } from 'react-dom'
import type { FocusEvent, FormEvent, UIEvent } from 'react'
import { errorMessage, metricAggregate, transport } from '../api.ts'
import { AGGREGATES, splitAggregate, withAggregate } from '../lib/aggregates.ts'
import type { Aggregate } from '../lib/aggregates.ts'
import type { Experiment, Run } from '../api.ts'
import { columnWidth, defaultColumns, orderTerm, parseColumn, parseOrderTerm, sortTarget, toCsv } from '../lib/columns.ts'
import type { ColumnId } from '../lib/columns.ts'
import { columnsKey, isStringList, isWidthMap, readStored, widthsKey, writeStored } from '../lib/stored.ts'
import { formatDuration, formatMetric, formatTime } from '../lib/format.ts'
import type { RunsView } from '../lib/routes.ts'
import { suggestFilter } from '../lib/filter-suggest.ts'
import { groupRuns, summarizeNumbers } from '../lib/group-runs.ts'
import type { RunGroup } from '../lib/group-runs.ts'
import { nestRuns } from '../lib/run-tree.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { ColumnChooser } from './column-chooser.tsx'
import { SelectionActions } from './selection-actions.tsx'
import { moveTo } from '../lib/reorder.ts'
import { useReorder } from './use-reorder.ts'
import { SavedViews } from './saved-views.tsx'
import { FilterHelp } from './filter-help.tsx'
import { InlineEdit } from './inline-edit.tsx'
import { Empty, ErrorBox } from './status.tsx'
import { PermissionsLink } from './permissions-page.tsx'

const ROW_HEIGHT = 30
const OVERSCAN = 4
// The first page is small so rows show quickly (a screenful is ~25 rows; 100 runs with 20 params and
// 20 metrics each is ~250 KB of JSON); the rest arrive in large pages behind it.
const FIRST_PAGE = 100
const NEXT_PAGE = 5000
const MAX_RUNS = 50_000
const MAX_CHART_RUNS = 100
// With nothing ticked, Charts shows the first runs of the table as it is sorted and filtered.
const VISIBLE_CHART_RUNS = 10
// Runs side by side: past a few dozen the table and the parallel coordinates stop being readable.
const MAX_COMPARE_RUNS = 50

interface Props {
  readonly experimentIds: readonly string[]
  readonly experiments: readonly Experiment[]
  readonly view: RunsView
  readonly onView: (view: Partial<RunsView>) => void
  readonly navigate: Navigate
}

export type ColumnGroup = 'attributes' | 'metrics' | 'params' | 'tags' | 'datasets'
const GROUPS: readonly { readonly id: ColumnGroup; readonly label: string }[] = [
  { id: 'attributes', label: 'Attributes' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'params', label: 'Parameters' },
  { id: 'tags', label: 'Tags' },
  { id: 'datasets', label: 'Datasets' },
]
const DATASETS_COLUMN = 'datasets'
// Room in a metric header for its aggregate choice (last, min, max, mean).
const AGGREGATE_SELECT_WIDTH = 64
// Aggregates other than the last value are computed by the server over each run's history, for
// every loaded run in the table's order, this many runs per step (a bucketed call per hundred): the
// first rows fill at once, the rest follow, and a cell not reached yet shows "…".
const AGGREGATE_STEP_RUNS = 1000
const DATASET_CONTEXT_TAG = 'mlflow.data.context'

interface Column {
  readonly id: string
  readonly label: string
  readonly group: ColumnGroup
  readonly width: number
  /** A metric column's aggregate over each run's history; the server sorts and filters by it too. */
  readonly aggregate?: Aggregate
  /** A metric column's number for a run: what groups summarise. */
  readonly value?: (run: Run) => number | undefined
  /** The attribute or column this header sorts by; absent when the server cannot order by it. */
  readonly sort?: string | ColumnId
  /** A tag column's key: its cells are edited in place (an empty value removes the tag). */
  readonly tagKey?: string
  readonly cell: (run: Run) => string
}

const tagValue = (run: Run, key: string) => run.data.tags.find((t) => t.key === key)?.value

const ATTRIBUTE_COLUMNS: readonly Column[] = [
  { id: 'start_time', label: 'Created', group: 'attributes', width: 166, sort: 'start_time', cell: (r) => formatTime(r.info.startTime) },
  { id: 'duration', label: 'Duration', group: 'attributes', width: 84, cell: (r) => formatDuration(r.info.startTime, r.info.endTime) },
  { id: 'user_id', label: 'User', group: 'attributes', width: 90, sort: 'user_id', cell: (r) => r.info.userId || (tagValue(r, 'mlflow.user') ?? '') },
  { id: 'status', label: 'Status', group: 'attributes', width: 96, sort: 'status', cell: (r) => r.info.status },
]

/** A run's datasets as `name@digest (context)`, the way MLflow's table lists them. */
const datasetsCell = (run: Run) =>
  run.inputs.datasetInputs
    .map((input) => {
      const context = input.tags.find((t) => t.key === DATASET_CONTEXT_TAG)?.value
      return `${input.dataset.name}@${input.dataset.digest.slice(0, 8)}${context ? ` (${context})` : ''}`
    })
    .join(', ')

/** Per aggregate column: the values read so far, and which runs have been asked about. */
interface AggregateState {
  readonly values: ReadonlyMap<string, number>
  readonly asked: ReadonlySet<string>
}
type AggregateValues = ReadonlyMap<string, AggregateState>

function dataColumn(id: string, aggregates: AggregateValues): Column | undefined {
  if (id === DATASETS_COLUMN) return { id, label: 'Datasets', group: 'datasets', width: 220, cell: datasetsCell }
  const column = parseColumn(id)
  if (!column) return undefined
  if (column.kind === 'metrics') {
    const { key, aggregate } = splitAggregate(column.key)
    if (aggregate !== 'last') {
      const state = aggregates.get(id)
      const value = (r: Run) => state?.values.get(r.info.runId)
      return {
        id,
        label: key,
        group: 'metrics',
        aggregate,
        width: columnWidth(key) + AGGREGATE_SELECT_WIDTH,
        // The server orders every run by the aggregate (`min(metrics.loss) DESC`), not just those loaded.
        sort: { kind: 'metrics', key, aggregate },
        value,
        cell: (r) => (state?.asked.has(r.info.runId) ? formatMetric(value(r)) : '…'),
      }
    }
    return {
      id,
      label: key,
      group: 'metrics',
      aggregate: 'last',
      width: columnWidth(key) + AGGREGATE_SELECT_WIDTH,
      sort: { kind: 'metrics', key },
      value: (r: Run) => r.data.metrics.find((m) => m.key === key)?.value,
      cell: (r: Run) => formatMetric(r.data.metrics.find((m) => m.key === key)?.value),
    }
  }
  const cell =
    column.kind === 'params'
      ? (r: Run) => r.data.params.find((p) => p.key === column.key)?.value ?? ''
      : (r: Run) => tagValue(r, column.key) ?? ''
  return { id, label: column.key, group: column.kind, width: columnWidth(column.key), sort: column, cell, ...(column.kind === 'tags' ? { tagKey: column.key } : {}) }
}

const GROUP_ORDER = new Map(GROUPS.map((g, i) => [g.id, i]))
/** Columns grouped as the header groups them (attributes, metrics, params, tags, datasets), each group in chosen order. */
const byGroup = (columns: readonly Column[]) => [...columns].sort((a, b) => GROUP_ORDER.get(a.group)! - GROUP_ORDER.get(b.group)!)

interface Loaded {
  readonly runs: readonly Run[]
  readonly done: boolean
  readonly error?: string
}

function useRuns(experimentIds: readonly string[], view: RunsView, revision: number): Loaded & { readonly replace: (run: Run) => void } {
  const [state, setState] = useState<Loaded>({ runs: [], done: false })
  // An edit in place reads back its one run rather than the whole search (which would also reset
  // the scroll position of a long table).
  const replace = (run: Run) =>
    setState((current) => ({ ...current, runs: current.runs.map((r) => (r.info.runId === run.info.runId ? run : r)) }))
  const key = JSON.stringify([experimentIds, view.filter, view.order, view.showDeleted, revision])
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
  return { ...state, replace }
}

export function RunsTable({ experimentIds, experiments, view, onView, navigate }: Props) {
  // Bumped after an edit of the selected runs, which reads them again.
  const [revision, setRevision] = useState(0)
  const loaded = useRuns(experimentIds, view, revision)
  const [draft, setDraft] = useState(view.filter)
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set())
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set())
  const [stored, setStored] = useState(() => readStored(columnsKey(experimentIds), isStringList))
  const [widths, setWidths] = useState<Record<string, number>>(() => readStored(widthsKey(experimentIds), isWidthMap) ?? {})
  const [aggregates, setAggregates] = useState<AggregateValues>(new Map())
  // The aggregate columns being filled, for the runs loaded when they started.
  const aggregateJobs = useRef<{ runs: readonly Run[]; jobs: Map<string, { cancelled: boolean }> }>({ runs: [], jobs: new Map() })
  useEffect(() => setDraft(view.filter), [view.filter])
  useEffect(() => setSelected(new Set()), [experimentIds.join(',')])

  const keys = useMemo(() => {
    const metrics = new Set<string>()
    const params = new Set<string>()
    const tags = new Set<string>()
    let datasets = false
    for (const run of loaded.runs) {
      run.data.metrics.forEach((m) => metrics.add(m.key))
      run.data.params.forEach((p) => params.add(p.key))
      run.data.tags.forEach((t) => t.key.startsWith('mlflow.') || tags.add(t.key))
      datasets ||= run.inputs.datasetInputs.length > 0
    }
    const sorted = (s: Set<string>) => [...s].sort()
    return { metrics: sorted(metrics), params: sorted(params), tags: sorted(tags), datasets }
  }, [loaded.runs])

  // The URL's choice wins (a shared link), then this browser's last choice for these experiments,
  // then defaults from the runs (computed once the first page is in, so they do not jump as more load).
  const [defaults, setDefaults] = useState<string[]>()
  useEffect(() => {
    if (defaults === undefined && loaded.runs.length > 0) setDefaults([...defaultColumns(loaded.runs), ...(keys.datasets ? [DATASETS_COLUMN] : [])])
  }, [loaded.runs, defaults, keys.datasets])
  const chosen = view.columns ?? stored ?? defaults ?? []
  const choose = (columns: readonly string[] | undefined, also: Partial<RunsView> = {}) => {
    writeStored(columnsKey(experimentIds), columns)
    setStored(columns ? [...columns] : undefined)
    onView({ columns, ...also })
  }
  const columns = useMemo(() => {
    // With several experiments selected, say which one each run belongs to.
    const experimentColumn: Column[] =
      experimentIds.length > 1
        ? [{ id: 'experiment', label: 'Experiment', group: 'attributes', width: 130, cell: (r) => experiments.find((e) => e.experimentId === r.info.experimentId)?.name ?? r.info.experimentId }]
        : []
    return byGroup([...experimentColumn, ...ATTRIBUTE_COLUMNS, ...chosen.flatMap((id) => dataColumn(id, aggregates) ?? [])]).map((c) =>
      widths[c.id] ? { ...c, width: widths[c.id]! } : c,
    )
  }, [chosen.join('\u0000'), experimentIds.length, experiments, widths, aggregates])
  const groupBy = view.groupBy ?? ''
  const rows = useMemo<GridRow[]>(() => {
    if (!groupBy) return nestRuns(loaded.runs, expanded).map((row) => ({ kind: 'run', ...row }))
    return groupRuns(loaded.runs, groupBy, (run) => groupValue(run, groupBy)).flatMap((group): GridRow[] => [
      { kind: 'group', group },
      ...(expanded.has(group.id) ? group.runs.map((run): GridRow => ({ kind: 'run', run, depth: 1, childCount: 0 })) : []),
    ])
  }, [loaded.runs, expanded, groupBy])
  const runRows = rows.flatMap((row) => (row.kind === 'run' ? [row] : []))
  const order = parseOrderTerm(view.order)

  // Aggregates other than the last value, read once all runs are in (and again for a new search),
  // a step of runs at a time; a column's job runs on while other columns come and go.
  const aggregateIds = chosen.filter((id) => id.startsWith('metrics.') && splitAggregate(id.slice('metrics.'.length)).aggregate !== 'last')
  useEffect(() => {
    if (!loaded.done) return
    if (aggregateJobs.current.runs !== loaded.runs) {
      restartAggregateJobs(loaded.runs)
      setAggregates(new Map())
    }
    const { runs, jobs } = aggregateJobs.current
    for (const [id, job] of jobs) {
      if (aggregateIds.includes(id)) continue
      job.cancelled = true
      jobs.delete(id)
      setAggregates((held) => {
        const next = new Map(held)
        next.delete(id)
        return next
      })
    }
    for (const id of aggregateIds) {
      if (jobs.has(id)) continue
      const job = { cancelled: false }
      jobs.set(id, job)
      void fillAggregate(id, runs, job)
    }
  }, [loaded.done, loaded.runs, aggregateIds.join('\u0000')])
  useEffect(() => () => restartAggregateJobs([]), [])

  /** Stops every column's job; new ones fill for `runs`. */
  function restartAggregateJobs(runs: readonly Run[]): void {
    for (const job of aggregateJobs.current.jobs.values()) job.cancelled = true
    aggregateJobs.current = { runs, jobs: new Map() }
  }

  async function fillAggregate(id: string, runs: readonly Run[], job: { cancelled: boolean }): Promise<void> {
    const { key, aggregate } = splitAggregate(id.slice('metrics.'.length))
    // Filled in place; each step publishes a new state object so that the columns are rebuilt.
    const values = new Map<string, number>()
    const asked = new Set<string>()
    setAggregates((held) => new Map(held).set(id, { values, asked }))
    for (let i = 0; i < runs.length && !job.cancelled; i += AGGREGATE_STEP_RUNS) {
      const runIds = runs.slice(i, i + AGGREGATE_STEP_RUNS).map((r) => r.info.runId)
      const read = await metricAggregate(runIds, key, aggregate as 'min' | 'max' | 'mean').catch(() => new Map<string, number>())
      if (job.cancelled) return
      for (const [runId, value] of read) values.set(runId, value)
      for (const runId of runIds) asked.add(runId)
      setAggregates((held) => new Map(held).set(id, { values, asked }))
    }
  }

  // A column sorted by one aggregate stays sorted, in the same direction, by the one chosen next.
  const setAggregate = (column: Column, aggregate: Aggregate) => {
    const { key } = splitAggregate(column.id.slice('metrics.'.length))
    const sorted = column.sort && order?.target === sortTarget(column.sort)
    const resorted = sorted ? { order: orderTerm({ kind: 'metrics', key, ...(aggregate === 'last' ? {} : { aggregate }) }, order.ascending) } : {}
    choose(chosen.map((id) => (id === column.id ? withAggregate(key, aggregate) : id)), resorted)
  }

  // Chosen columns move within their group (the group headers stay together); the order is the
  // chosen list's, so it is remembered and shared with the rest of the column state.
  const moveColumn = (id: string, target: string) => choose(moveTo(chosen, id, target))

  const resize = (id: string, width: number, done: boolean) => {
    setWidths((current) => {
      const next = { ...current, [id]: Math.round(Math.min(Math.max(width, MIN_WIDTH), MAX_WIDTH)) }
      if (done) writeStored(widthsKey(experimentIds), next)
      return next
    })
  }

  // Marks for `npm run bench:ui`: the first rows of the page, and the first rows of every search
  // (a new sort or filter), named with the order they are in.
  const hadRows = useRef(false)
  useEffect(() => {
    if (loaded.runs.length > 0 && performance.getEntriesByName('orchard:first-rows').length === 0) performance.mark('orchard:first-rows')
    if (loaded.runs.length > 0 && !hadRows.current) performance.mark('orchard:rows', { detail: view.order })
    hadRows.current = loaded.runs.length > 0
  }, [loaded.runs.length])

  const submitFilter = (event: FormEvent) => {
    event.preventDefault()
    onView({ filter: draft.trim() })
  }

  const sortBy = (column: Column) => {
    if (!column.sort) return
    const target = sortTarget(column.sort)
    if (order?.target !== target) onView({ order: orderTerm(column.sort, false) })
    else if (!order.ascending) onView({ order: orderTerm(column.sort, true) })
    else onView({ order: '' })
  }

  const renameRun = async (run: Run, name: string) => {
    if (!name.trim()) throw new Error('A run needs a name.')
    await transport.updateRun(run.info.runId, { runName: name.trim() })
    loaded.replace(await transport.getRun(run.info.runId))
  }
  // An empty value removes the tag; a value on a run without the tag adds it.
  const setRunTag = async (run: Run, key: string, value: string) => {
    if (value === '') await transport.deleteTag(run.info.runId, key)
    else await transport.setTag(run.info.runId, { key, value })
    loaded.replace(await transport.getRun(run.info.runId))
  }

  const openCharts = () => {
    const runIds = selected.size > 0 ? [...selected].slice(0, MAX_CHART_RUNS) : runRows.slice(0, VISIBLE_CHART_RUNS).map((r) => r.run.info.runId)
    navigate({ page: 'charts', experimentIds, runIds, metric: '', x: 'step', smoothing: 0, log: false })
  }

  const compareSelected = () => {
    navigate({ page: 'compare', experimentIds, runIds: [...selected].slice(0, MAX_COMPARE_RUNS), scatterX: '', scatterY: '' })
  }

  const names = experimentIds.map((id) => experiments.find((e) => e.experimentId === id)?.name ?? `#${id}`)
  const groupOptions = [...keys.params.map((k) => `params.${k}`), ...keys.tags.map((k) => `tags.${k}`), ...(keys.datasets ? [DATASETS_COLUMN] : [])]

  const exportCsv = () => {
    const header = ['Run ID', 'Run name', ...columns.map((c) => (c.aggregate && c.aggregate !== 'last' ? `${c.label} (${c.aggregate})` : c.label))]
    const body = rows.map((row) =>
      row.kind === 'run'
        ? [row.run.info.runId, row.run.info.runName, ...columns.map((c) => c.cell(row.run))]
        : ['', `${groupLabel(groupBy, row.group.value)} (${row.group.runs.length} runs)`, ...columns.map((c) => groupCell(c, row.group))],
    )
    const url = URL.createObjectURL(new Blob([toCsv(header, body)], { type: 'text/csv;charset=utf-8' }))
    const link = document.createElement('a')
    link.href = url
    link.download = `${names.join('-').replace(/[^\w.-]+/g, '_') || 'runs'}-runs.csv`
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }
  const allSelected = loaded.runs.length > 0 && selected.size === loaded.runs.length

  return (
    <section className="runs" aria-label="Runs">
      <header className="page-head">
        <h1 title={names.join(', ')}>{names.join(', ')}</h1>
        <span className="muted" data-testid="run-count">
          {loaded.runs.length.toLocaleString('en-US')} runs{loaded.done ? '' : ' (loading…)'}
        </span>
        {experimentIds.length === 1 ? <PermissionsLink target={{ kind: 'experiment', experimentId: experimentIds[0]! }} navigate={navigate} /> : null}
      </header>
      <div className="toolbar">
        <FilterBox draft={draft} onDraft={setDraft} keys={keys} onSubmit={submitFilter} onClear={view.filter ? () => onView({ filter: '' }) : undefined} />
        <label className="toggle">
          <input type="checkbox" checked={view.showDeleted} onChange={(e) => onView({ showDeleted: e.target.checked })} /> Show deleted
        </label>
        <ColumnChooser keys={keys} chosen={chosen} onChange={choose} />
        {experimentIds.length === 1 ? (
          <SavedViews
            experimentId={experimentIds[0]!}
            view={view}
            columns={chosen}
            onApply={(saved) => onView({ filter: saved.filter ?? '', order: saved.order ?? '', showDeleted: saved.showDeleted ?? false, columns: saved.columns, groupBy: saved.groupBy ?? '' })}
          />
        ) : null}
        <label className="group-by">
          Group by{' '}
          <select aria-label="Group by" value={groupBy} onChange={(e) => onView({ groupBy: e.target.value })}>
            <option value="">none</option>
            {groupBy && !groupOptions.includes(groupBy) ? <option value={groupBy}>{groupBy}</option> : null}
            {groupOptions.map((id) => (
              <option key={id} value={id}>
                {id === DATASETS_COLUMN ? 'dataset' : id.replace(/^params\./, 'param ').replace(/^tags\./, 'tag ')}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={loaded.runs.length === 0} onClick={openCharts} title={selected.size ? 'Chart every metric of the selected runs' : `Chart every metric of the first ${VISIBLE_CHART_RUNS} runs shown`}>
          Charts{selected.size > 0 ? ` (${selected.size})` : ''}
        </button>
        <button type="button" disabled={selected.size < 2} onClick={compareSelected} title="Select two or more runs to compare">
          Compare{selected.size > 1 ? ` ${selected.size}` : ''}
        </button>
        <button type="button" disabled={rows.length === 0} onClick={exportCsv} title="Download the rows and columns shown as CSV">
          Export CSV
        </button>
        <SelectionActions
          runs={loaded.runs.filter((r) => selected.has(r.info.runId))}
          experimentIds={experimentIds}
          experiments={experiments}
          onChanged={(action) => {
            if (action === 'move' || action === 'delete' || action === 'restore') setSelected(new Set())
            setRevision((r) => r + 1)
          }}
        />
      </div>
      {loaded.error ? <ErrorBox title="Search failed" message={loaded.error} /> : null}
      {!loaded.error && loaded.done && loaded.runs.length === 0 ? (
        <Empty>{view.filter ? 'No runs match this filter.' : 'No runs in this experiment yet. Log one with the SDK or mlflow.'}</Empty>
      ) : null}
      {loaded.runs.length > 0 || !loaded.done ? (
        <VirtualGrid
          rows={rows}
          groupBy={groupBy}
          columns={columns}
          nameWidth={widths.run_name ?? NAME_WIDTH}
          order={order}
          onSort={sortBy}
          onResize={resize}
          movable={chosen}
          onMoveColumn={moveColumn}
          onAggregate={setAggregate}
          onRename={renameRun}
          onSetTag={setRunTag}
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
  readonly rows: readonly GridRow[]
  readonly groupBy: string
  readonly columns: readonly Column[]
  readonly nameWidth: number
  readonly order: ReturnType<typeof parseOrderTerm>
  readonly onSort: (column: Column) => void
  readonly onAggregate: (column: Column, aggregate: Aggregate) => void
  readonly onRename: (run: Run, name: string) => Promise<void>
  readonly onSetTag: (run: Run, key: string, value: string) => Promise<void>
  /** A column's new width while dragging (`done` false) and once let go (`done` true: remembered). */
  readonly onResize: (id: string, width: number, done: boolean) => void
  /** Columns that can be dragged (or moved with Alt+Shift+Arrow) within their group. */
  readonly movable: readonly string[]
  readonly onMoveColumn: (id: string, target: string) => void
  readonly expanded: ReadonlySet<string>
  readonly onToggle: (runId: string) => void
  readonly selected: ReadonlySet<string>
  readonly onSelect: (runId: string) => void
  readonly allSelected: boolean
  readonly onSelectAll: () => void
  readonly navigate: Navigate
  readonly loading: boolean
}

const NAME_WIDTH = 200
const CHECK_WIDTH = 34
const MIN_WIDTH = 50
const MAX_WIDTH = 800
const RUN_NAME_COLUMN: Column = { id: 'run_name', label: 'Run name', group: 'attributes', width: NAME_WIDTH, sort: 'run_name', cell: (r) => r.info.runName }

/** A drag handle on a header's right edge; arrow keys resize by 10 px too. */
function ResizeHandle({ label, width, onResize }: { readonly label: string; readonly width: number; readonly onResize: (width: number, done: boolean) => void }) {
  const drag = useRef<{ x: number; width: number } | undefined>(undefined)
  return (
    <span
      className="resize"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize ${label}`}
      aria-valuenow={width}
      tabIndex={0}
      onPointerDown={(e) => {
        e.preventDefault()
        e.currentTarget.setPointerCapture(e.pointerId)
        drag.current = { x: e.clientX, width }
      }}
      onPointerMove={(e) => drag.current && onResize(drag.current.width + e.clientX - drag.current.x, false)}
      onPointerUp={(e) => {
        if (drag.current) onResize(drag.current.width + e.clientX - drag.current.x, true)
        drag.current = undefined
      }}
      onKeyDown={(e) => {
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return
        e.preventDefault()
        onResize(width + (e.key === 'ArrowRight' ? 10 : -10), true)
      }}
    />
  )
}

// Hand-rolled windowing: only the rows in view (plus a margin) are in the DOM, absolutely placed in a
// body as tall as all rows. 10,000 runs are ~40 row elements at any scroll position. The checkbox and
// run name cells are sticky on the left, so the name stays in view while the columns scroll.
function VirtualGrid(props: GridProps) {
  const scroller = useRef<HTMLDivElement>(null)
  // The first row in view: the grid renders again only when it changes (not for every scrolled pixel),
  // and then only the rows that came into the window (the others are memoised).
  const [firstInView, setFirstInView] = useState(0)
  const [height, setHeight] = useState(600)
  useLayoutEffect(() => {
    const element = scroller.current
    if (!element) return
    const observer = new ResizeObserver(() => setHeight(element.clientHeight))
    observer.observe(element)
    setHeight(element.clientHeight)
    return () => observer.disconnect()
  }, [])

  const nameWidth = props.nameWidth
  // The one cell being edited in place: a run's name or one of its tags.
  const [editing, setEditing] = useState<Editing>()
  // The row that last took the focus (a run's id, or a group's).
  const [held, setHeld] = useState<string>()
  // What a row can do, one object for the grid's life so that a row's props only change with its own
  // data: the handlers call the latest props.
  const latest = useRef(props)
  useLayoutEffect(() => {
    latest.current = props
  })
  const actions = useMemo<RowActions>(
    () => ({
      edit: setEditing,
      select: (runId) => latest.current.onSelect(runId),
      toggle: (id) => latest.current.onToggle(id),
      rename: (run, name) => latest.current.onRename(run, name),
      setTag: (run, key, value) => latest.current.onSetTag(run, key, value),
      navigate: (route, options) => latest.current.navigate(route, options),
    }),
    [],
  )
  const onToggle = actions.toggle
  const movable = (c: Column | undefined) => c !== undefined && props.movable.includes(c.id)
  const byId = (id: string) => props.columns.find((c) => c.id === id)
  const reorder = useReorder({
    onMove: props.onMoveColumn,
    canDrop: (id, target) => movable(byId(target)) && byId(id)?.group === byId(target)?.group,
    neighbour: (id, step) => {
      const index = props.columns.findIndex((c) => c.id === id)
      const next = props.columns[index + step]
      return movable(next) && next!.group === props.columns[index]?.group ? next!.id : undefined
    },
    describe: (id) => `column ${byId(id)?.label ?? id}`,
  })
  const width = CHECK_WIDTH + nameWidth + props.columns.reduce((sum, c) => sum + c.width, 0)
  // The new rows are rendered inside the scroll event, so that the frame it belongs to paints them
  // (a scheduled render would land after that frame: it would show blank rows, then lay out twice).
  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const index = Math.floor(event.currentTarget.scrollTop / ROW_HEIGHT)
    if (index !== firstInView) flushSync(() => setFirstInView(index))
  }
  const first = Math.max(0, firstInView - OVERSCAN)
  const last = Math.min(props.rows.length, firstInView + Math.ceil(height / ROW_HEIGHT) + 1 + OVERSCAN)
  // Which row element shows which row. The row elements are a pool, keyed by name, that keep the
  // order the rows are shown in (reading and tab order), so an element given to a row at the other
  // end of the window is moved there, and a moved element is styled and laid out again from scratch,
  // as a new one would be. Scrolling by a few rows, the rows still in the window keep their elements
  // and the few rows coming in take (and move) the elements of the rows that left; scrolling by half
  // the window or more, every element stays where it is and shows the row now at its position (its
  // text is rewritten; none is moved). Two rows keep their element while they are in the window: the
  // one edited in place, so the field and its draft stay with their run, and the one that last took
  // the focus, so the focus stays with its run.
  const rendered = props.rows.slice(first, last)
  const committed = useRef<Assignment>({ first: 0, keys: new Map(), order: [], next: 0 })
  const assignment = assignKeys(committed.current, first, rendered, new Set([...(editing ? [editing.runId] : []), ...(held !== undefined ? [held] : [])]))
  const keys = assignment.order
  useLayoutEffect(() => {
    committed.current = assignment
  })
  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const row = (event.target as Element).closest('.grid-row')
    const index = row ? [...event.currentTarget.children].filter((child) => child.classList.contains('grid-row')).indexOf(row) : -1
    const id = index >= 0 && rendered[index] ? rowIdentity(rendered[index]) : undefined
    if (id !== undefined && id !== held) setHeld(id)
  }
  const sortState = (c: Column) => (c.sort && props.order?.target === sortTarget(c.sort) ? (props.order.ascending ? 'ascending' : 'descending') : 'none')
  const groups: { group: ColumnGroup; label: string; width: number }[] = []
  for (const c of props.columns) {
    const previous = groups[groups.length - 1]
    if (previous?.group === c.group) previous.width += c.width
    else groups.push({ group: c.group, label: GROUPS.find((g) => g.id === c.group)!.label, width: c.width })
  }
  const header = (c: Column, pinned: boolean) => {
    const state = c.sort ? sortState(c) : undefined
    const canMove = !pinned && movable(c)
    return (
      <div
        key={c.id}
        {...(canMove ? reorder.itemProps(c.id) : {})}
        className={`cell head${c.group === 'metrics' ? ' num' : ''}${pinned ? ' pinned name-head' : ''}`}
        role="columnheader"
        aria-sort={state}
        style={{ width: c.width, ...(pinned ? { left: CHECK_WIDTH } : {}) }}
        title={c.id === 'run_name' || c.group === 'attributes' ? c.label : `${c.id}${c.sort ? ' (click to sort)' : ''}`}
      >
        {c.sort ? (
          <button type="button" className="sort" onClick={() => props.onSort(c)} data-column={c.id}>
            <span className="label">{c.label}</span>
            <span className={`arrow${state === 'none' ? ' idle' : ''}`} aria-hidden="true">
              {state === 'ascending' ? '▲' : state === 'descending' ? '▼' : '↕'}
            </span>
          </button>
        ) : (
          <span className="label">{c.label}</span>
        )}
        {c.aggregate ? (
          <select
            className="aggregate"
            aria-label={`Aggregate of ${c.label}`}
            title="Which value of each run's history: the last, least, greatest or mean. Filter on it in the search box: min(metrics.<key>) < 0.2"
            value={c.aggregate}
            onChange={(e) => props.onAggregate(c, e.target.value as Aggregate)}
          >
            {AGGREGATES.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        ) : null}
        <ResizeHandle label={c.label} width={c.width} onResize={(w, done) => props.onResize(c.id, w, done)} />
      </div>
    )
  }

  return (
    <>
    <span className="sr-only" aria-live="polite">
      {reorder.announcement}
    </span>
    <div className="grid-scroll" ref={scroller} onScroll={onScroll} role="table" aria-label="Runs table" aria-rowcount={props.rows.length}>
      <div className="grid-head" role="rowgroup" style={{ width }}>
        <div className="grid-row grid-groups" role="row" style={{ width }}>
          <div className="cell pinned" role="columnheader" style={{ width: CHECK_WIDTH + nameWidth, left: 0 }} />
          {groups.map((g, i) => (
            <div key={`${g.group}${i}`} className="cell group" role="columnheader" data-group={g.group} style={{ width: g.width }}>
              {/* Sticks beside the pinned columns while its group scrolls under them. */}
              <span className="group-label" style={{ left: CHECK_WIDTH + nameWidth + 8 }}>
                {g.label}
              </span>
            </div>
          ))}
        </div>
        <div className="grid-row grid-header" role="row" style={{ width }}>
          <div className="cell check pinned" role="columnheader" style={{ width: CHECK_WIDTH, left: 0 }}>
            <input type="checkbox" aria-label="Select all runs" checked={props.allSelected} onChange={props.onSelectAll} />
          </div>
          {header({ ...RUN_NAME_COLUMN, width: nameWidth }, true)}
          {props.columns.map((c) => header(c, false))}
        </div>
      </div>
      <div className="grid-body" style={{ height: Math.max(props.rows.length * ROW_HEIGHT, props.loading ? ROW_HEIGHT : 0), width }} onFocus={onFocus}>
        {props.loading ? <div className="status loading">Loading runs…</div> : null}
        {rendered.map((row, i) =>
          row.kind === 'group' ? (
            <GroupRow key={keys[i]} group={row.group} index={first + i} groupBy={props.groupBy} columns={props.columns} width={width} nameWidth={nameWidth} open={props.expanded.has(row.group.id)} onToggle={onToggle} />
          ) : (
            <RunRow
              key={keys[i]}
              row={row}
              index={first + i}
              columns={props.columns}
              width={width}
              nameWidth={nameWidth}
              selected={props.selected.has(row.run.info.runId)}
              expanded={props.expanded.has(row.run.info.runId)}
              editing={editing?.runId === row.run.info.runId ? editing.column : undefined}
              actions={actions}
            />
          ),
        )}
      </div>
    </div>
    </>
  )
}

interface Editing {
  readonly runId: string
  readonly column: string
}

interface RowActions {
  readonly edit: (editing: Editing | undefined) => void
  readonly select: (runId: string) => void
  readonly toggle: (id: string) => void
  readonly rename: (run: Run, name: string) => Promise<void>
  readonly setTag: (run: Run, key: string, value: string) => Promise<void>
  readonly navigate: Navigate
}

type RunGridRow = Extract<GridRow, { readonly kind: 'run' }>

/**
 * A row element reused for another run or group (its position now shows another) lets go of the focus, as an
 * unmounted row would: a key press must not reach a control that now belongs to another run.
 */
function useBlurOnReuse(identity: string) {
  const element = useRef<HTMLDivElement>(null)
  const shown = useRef(identity)
  useLayoutEffect(() => {
    if (shown.current === identity) return
    shown.current = identity
    const active = document.activeElement
    if (active instanceof HTMLElement && element.current?.contains(active)) active.blur()
  }, [identity])
  return element
}

/** A run's row: memoised, so scrolling renders only the rows that come into the window. */
const RunRow = memo(function RunRow({ row, index, columns, width, nameWidth, selected, expanded, editing, actions }: {
  readonly row: RunGridRow
  readonly index: number
  readonly columns: readonly Column[]
  readonly width: number
  readonly nameWidth: number
  readonly selected: boolean
  readonly expanded: boolean
  /** The column of this row edited in place, if any. */
  readonly editing: string | undefined
  readonly actions: RowActions
}) {
  const run = row.run
  const id = run.info.runId
  const route = { page: 'run', experimentId: run.info.experimentId, runId: id, tab: 'overview' } as const
  const name = run.info.runName || id
  const stopEditing = () => actions.edit(undefined)
  const element = useBlurOnReuse(id)
  return (
    <div
      ref={element}
      role="row"
      className={`grid-row${selected ? ' selected' : ''}${run.info.lifecycleStage === 'deleted' ? ' deleted' : ''}${editing !== undefined ? ' editing-row' : ''}`}
      style={{ top: index * ROW_HEIGHT, width }}
      data-run-id={id}
    >
      <div className="cell check pinned" style={{ width: CHECK_WIDTH, left: 0 }}>
        <input type="checkbox" aria-label={`Select ${name}`} checked={selected} onChange={() => actions.select(id)} />
      </div>
      <div className="cell name pinned" role="cell" style={{ width: nameWidth, left: CHECK_WIDTH, paddingLeft: 6 + row.depth * 18 }}>
        {row.childCount > 0 ? (
          <button type="button" className="expand" aria-expanded={expanded} aria-label={`Show ${row.childCount} child runs`} onClick={() => actions.toggle(id)}>
            {expanded ? '▾' : '▸'}
          </button>
        ) : (
          <span className="expand-spacer" />
        )}
        {editing === 'run_name' ? (
          <InlineEdit value={run.info.runName} label={`Run name of ${name}`} maxLength={250} onSave={(value) => actions.rename(run, value)} onDone={stopEditing} />
        ) : (
          <>
            <a
              {...linkProps(route, actions.navigate)}
              title={`${name} (F2 renames)`}
              onKeyDown={(e) => e.key === 'F2' && (e.preventDefault(), actions.edit({ runId: id, column: 'run_name' }))}
            >
              {name}
            </a>
            {row.childCount > 0 ? <span className="badge">{row.childCount}</span> : null}
            <button type="button" className="pencil" aria-label={`Rename ${name}`} title="Rename in place" onClick={() => actions.edit({ runId: id, column: 'run_name' })}>
              ✎
            </button>
          </>
        )}
      </div>
      {columns.map((c) => {
        const text = c.cell(run)
        const className = `cell${c.group === 'metrics' ? ' num' : ''}${c.id === 'status' ? ` status-${text.toLowerCase()}` : ''}`
        if (c.tagKey === undefined) {
          return (
            <div key={c.id} role="cell" className={className} style={{ width: c.width }} title={text}>
              {text}
            </div>
          )
        }
        const tagKey = c.tagKey
        return (
          <div
            key={c.id}
            role="cell"
            className={`${className} editable${editing === c.id ? ' editing' : ''}`}
            style={{ width: c.width }}
            title={text}
            onDoubleClick={() => actions.edit({ runId: id, column: c.id })}
          >
            {editing === c.id ? (
              <InlineEdit value={text} label={`Tag ${tagKey} of ${name}`} onSave={(value) => actions.setTag(run, tagKey, value)} onDone={stopEditing} />
            ) : (
              <>
                <span className="text">{text}</span>
                <button type="button" className="pencil" aria-label={`${text ? 'Edit' : 'Add'} tag ${tagKey} of ${name}`} title="Edit in place (empty removes the tag)" onClick={() => actions.edit({ runId: id, column: c.id })}>
                  ✎
                </button>
              </>
            )}
          </div>
        )
      })}
    </div>
  )
})

/** A group's row (grouped by a param, tag or dataset): memoised, as its cells summarise all its runs. */
const GroupRow = memo(function GroupRow({ group, index, groupBy, columns, width, nameWidth, open, onToggle }: {
  readonly group: RunGroup<Run>
  readonly index: number
  readonly groupBy: string
  readonly columns: readonly Column[]
  readonly width: number
  readonly nameWidth: number
  readonly open: boolean
  readonly onToggle: (id: string) => void
}) {
  const label = groupLabel(groupBy, group.value)
  const element = useBlurOnReuse(group.id)
  return (
    <div ref={element} role="row" className="grid-row group-row" style={{ top: index * ROW_HEIGHT, width }} data-group-value={group.value ?? ''}>
      <div className="cell check pinned" style={{ width: CHECK_WIDTH, left: 0 }} />
      <div className="cell name pinned" role="cell" style={{ width: nameWidth, left: CHECK_WIDTH }}>
        <button type="button" className="expand" aria-expanded={open} aria-label={`Show the ${group.runs.length} runs of ${label}`} onClick={() => onToggle(group.id)}>
          {open ? '▾' : '▸'}
        </button>
        <span className="group-name" title={label}>
          {label}
        </span>
        <span className="badge">{group.runs.length}</span>
      </div>
      {columns.map((c) => {
        const text = groupCell(c, group)
        return (
          <div key={c.id} role="cell" className={`cell${c.group === 'metrics' ? ' num' : ''}`} style={{ width: c.width }} title={text}>
            {text}
          </div>
        )
      })}
    </div>
  )
})

/**
 * The filter box with completions of keys, operators and `and` (a combobox: arrows move, Enter or
 * Tab takes the highlighted one, Escape closes); a bad filter still gets the server's message.
 */
function FilterBox({ draft, onDraft, keys, onSubmit, onClear }: {
  readonly draft: string
  readonly onDraft: (text: string) => void
  readonly keys: { readonly metrics: readonly string[]; readonly params: readonly string[]; readonly tags: readonly string[] }
  readonly onSubmit: (event: FormEvent) => void
  readonly onClear: (() => void) | undefined
}) {
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  const suggestions = useMemo(() => (open ? suggestFilter(draft, keys) : []), [open, draft, keys])
  const take = (text: string) => {
    onDraft(text)
    setActive(-1)
  }
  return (
    <form className="filter" onSubmit={(e) => (setOpen(false), onSubmit(e))}>
      <div className="combo">
        <input
          type="search"
          role="combobox"
          aria-label="Filter runs"
          aria-expanded={suggestions.length > 0}
          aria-controls="filter-suggestions"
          aria-autocomplete="list"
          {...(active >= 0 && suggestions[active] ? { 'aria-activedescendant': `filter-suggestion-${active}` } : {})}
          autoComplete="off"
          data-search
          title="Filter runs (press / to focus)"
          placeholder="metrics.rmse < 1 and params.model = 'tree'"
          value={draft}
          onChange={(e) => {
            onDraft(e.target.value)
            setOpen(true)
            setActive(-1)
          }}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') return setOpen(false)
            if (suggestions.length === 0) return
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault()
              setActive((a) => (e.key === 'ArrowDown' ? (a + 1) % suggestions.length : (a - 1 + suggestions.length) % suggestions.length))
            } else if ((e.key === 'Enter' || e.key === 'Tab') && active >= 0) {
              e.preventDefault()
              take(suggestions[active]!.text)
            }
          }}
        />
        {suggestions.length > 0 ? (
          <ul className="suggestions" id="filter-suggestions" role="listbox" aria-label="Filter suggestions">
            {suggestions.map((s, i) => (
              <li
                key={s.text}
                id={`filter-suggestion-${i}`}
                role="option"
                aria-selected={i === active}
                className={`${s.kind}${i === active ? ' active' : ''}`}
                onMouseDown={(e) => {
                  e.preventDefault()
                  take(s.text)
                }}
              >
                {s.label}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <button type="submit">Search</button>
      {onClear ? (
        <button type="button" onClick={onClear}>
          Clear
        </button>
      ) : null}
      <FilterHelp onExample={onDraft} />
    </form>
  )
}

/** What a row shows: a run's id, or a group's. */
const rowIdentity = (row: GridRow) => (row.kind === 'run' ? row.run.info.runId : `group:${row.group.id}`)

/** The row elements' keys for a window: by row, and in the order shown; `next` numbers new keys. */
interface Assignment {
  readonly first: number
  readonly keys: ReadonlyMap<string, string>
  readonly order: readonly string[]
  readonly next: number
}

/**
 * Keys for the rows of a window starting at row `first`, given the last window's. Rows in `pinned`
 * keep their element; so does every row still in the window if the window moved by less than half
 * its size. Every other row takes an element that React need not move: React keeps the elements
 * whose previous positions increase along the new order and moves the others (removing and inserting
 * them, which also drops the focus), so a row takes a free element placed between its kept
 * neighbours' if there is one, else a free element placed before the last one kept (moved, alone),
 * else a new one. On a long scroll that is the element at the row's position, rewritten in place.
 */
function assignKeys(previous: Assignment, first: number, rows: readonly GridRow[], pinned: ReadonlySet<string>): Assignment {
  const follow = Math.abs(first - previous.first) * 2 < rows.length
  const oldIndex = new Map(previous.order.map((key, i) => [key, i]))
  const ids = rows.map(rowIdentity)
  const wanted = ids.map((id) => {
    const key = previous.keys.get(id)
    return key !== undefined && (follow || pinned.has(id)) ? key : undefined
  })
  // The old position of the next pinned row's element, after each row: a row kept out of order
  // before it would make React move it.
  const nextPinned: number[] = []
  for (let i = rows.length - 1, bound = Infinity; i >= 0; i--) {
    nextPinned[i] = bound
    if (pinned.has(ids[i]!) && wanted[i] !== undefined) bound = oldIndex.get(wanted[i]!)!
  }
  const order: (string | undefined)[] = []
  let last = -1
  for (let i = 0; i < rows.length; i++) {
    const key = wanted[i]
    const at = key === undefined ? -1 : oldIndex.get(key)!
    if (key !== undefined && at > last && (pinned.has(ids[i]!) || at < nextPinned[i]!)) {
      order[i] = key
      last = at
    }
  }
  const kept = new Set(order.filter((key): key is string => key !== undefined))
  const free = previous.order.map((key, i) => (kept.has(key) ? -1 : i)).filter((i) => i >= 0)
  let next = previous.next
  last = -1
  for (let i = 0; i < rows.length; i++) {
    const key = order[i]
    if (key !== undefined) {
      last = oldIndex.get(key)!
      continue
    }
    let bound = Infinity
    for (let j = i + 1; j < rows.length; j++) {
      const after = order[j]
      if (after !== undefined && kept.has(after)) {
        bound = oldIndex.get(after)!
        break
      }
    }
    const between = free.findIndex((f) => f > last && f < bound)
    const before = between >= 0 ? -1 : free.findIndex((f) => f < last)
    const pick = between >= 0 ? between : before
    if (pick >= 0) {
      const at = free.splice(pick, 1)[0]!
      order[i] = previous.order[at]!
      if (between >= 0) last = at
    } else {
      order[i] = `row:${next++}`
    }
  }
  const keys = order as string[]
  return { first, keys: new Map(ids.map((id, i) => [id, keys[i]!])), order: keys, next }
}

type GridRow = ({ readonly kind: 'run' } & ReturnType<typeof nestRuns<Run>>[number]) | { readonly kind: 'group'; readonly group: RunGroup<Run> }

/** The value a run is grouped under: a param's, a tag's, or its datasets' names. */
function groupValue(run: Run, by: string): string | undefined {
  if (by === DATASETS_COLUMN) return run.inputs.datasetInputs.map((d) => d.dataset.name).sort().join(', ') || undefined
  const column = parseColumn(by)
  if (!column) return undefined
  if (column.kind === 'params') return run.data.params.find((p) => p.key === column.key)?.value
  if (column.kind === 'tags') return tagValue(run, column.key)
  return undefined
}

const groupLabel = (by: string, value: string | undefined) => {
  const name = by === DATASETS_COLUMN ? 'dataset' : (parseColumn(by)?.key ?? by)
  return value === undefined ? `no ${name}` : `${name} = ${value}`
}

/** A group's cell: a metric's mean and min–max over the group's runs; a value all of them share. */
function groupCell(column: Column, group: RunGroup<Run>): string {
  if (column.value) {
    const summary = summarizeNumbers(group.runs.map(column.value))
    if (!summary) return ''
    return summary.min === summary.max ? formatMetric(summary.mean) : `${formatMetric(summary.mean)} (${formatMetric(summary.min)}–${formatMetric(summary.max)})`
  }
  const values = new Set(group.runs.map(column.cell))
  return values.size === 1 ? [...values][0]! : ''
}

function toggled(set: ReadonlySet<string>, item: string): ReadonlySet<string> {
  const next = new Set(set)
  if (next.has(item)) next.delete(item)
  else next.add(item)
  return next
}
