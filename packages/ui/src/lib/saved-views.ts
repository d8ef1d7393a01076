// Saved views of the runs table, stored as experiment tags the way MLflow's UI (3.x) stores its own:
// key `mlflow.sharedViewState.<id>`, value a JSON envelope `{name, createdAt, updatedAt, state}`
// whose `state` is itself JSON text. MLflow's reader takes `searchFilter`, `orderByKey`,
// `orderByAsc` and `lifecycleFilter` from it and ignores keys it does not know, so Orchard keeps its
// columns and grouping under `orchardColumns` and `orchardGroupBy` in the same state: each UI opens
// the other's views. The chart grid's layout goes under `orchardCharts`, as MLflow's own chart cards
// (see chart-layout.ts); a view saved by MLflow's UI has its charts read from its `compareRunCharts`.

import { layoutState, parseLayoutState } from './chart-layout.ts'
import type { ChartLayout } from './chart-layout.ts'
import { parseOrderTerm } from './columns.ts'
import type { RunsView } from './routes.ts'

export const SHARED_VIEW_PREFIX = 'mlflow.sharedViewState.'
/** MLflow's URL parameter naming the view to open (`?viewStateShareKey=<id>`). */
export const SHARE_KEY_PARAM = 'viewStateShareKey'

export interface SavedView {
  readonly id: string
  readonly name: string
  readonly createdAt: number
  readonly updatedAt: number
  readonly view: Partial<RunsView>
  /** The chart grid's layout saved with the view, if any. */
  readonly charts?: ChartLayout
}

interface State {
  readonly searchFilter?: unknown
  readonly orderByKey?: unknown
  readonly orderByAsc?: unknown
  readonly lifecycleFilter?: unknown
  readonly orchardColumns?: unknown
  readonly orchardGroupBy?: unknown
  readonly orchardCharts?: unknown
  readonly compareRunCharts?: unknown
  /** An order MLflow cannot spell (an aggregate, `min(metrics.loss) DESC`), kept apart from its keys. */
  readonly orchardOrder?: unknown
}

/** The order term MLflow's `orderByKey` + `orderByAsc` spell (``metrics.`loss` DESC``). */
function orderOf(state: State): string {
  if (typeof state.orchardOrder === 'string' && state.orchardOrder) return state.orchardOrder
  if (typeof state.orderByKey !== 'string' || !state.orderByKey) return ''
  return `${state.orderByKey} ${state.orderByAsc === true ? 'ASC' : 'DESC'}`
}

/** One view from its tag, or undefined when the tag is not a view this UI can read. */
export function parseSavedView(key: string, value: string): SavedView | undefined {
  if (!key.startsWith(SHARED_VIEW_PREFIX)) return undefined
  try {
    const envelope = JSON.parse(value) as { name?: unknown; createdAt?: unknown; updatedAt?: unknown; state?: unknown }
    const state = (typeof envelope.state === 'string' ? JSON.parse(envelope.state) : envelope.state) as State | undefined
    if (!state || typeof state !== 'object') return undefined
    // MLflow writes an empty card list until its UI has generated charts: no layout to take then.
    const charts = parseLayoutState(state.orchardCharts) ?? (Array.isArray(state.compareRunCharts) && state.compareRunCharts.length > 0 ? parseLayoutState({ compareRunCharts: state.compareRunCharts }) : undefined)
    const columns = Array.isArray(state.orchardColumns) && state.orchardColumns.every((c) => typeof c === 'string') ? (state.orchardColumns as string[]) : undefined
    return {
      id: key.slice(SHARED_VIEW_PREFIX.length),
      name: typeof envelope.name === 'string' && envelope.name ? envelope.name : key.slice(SHARED_VIEW_PREFIX.length),
      createdAt: Number(envelope.createdAt) || 0,
      updatedAt: Number(envelope.updatedAt) || 0,
      view: {
        filter: typeof state.searchFilter === 'string' ? state.searchFilter : '',
        order: orderOf(state),
        showDeleted: state.lifecycleFilter === 'Deleted',
        ...(columns ? { columns } : {}),
        ...(typeof state.orchardGroupBy === 'string' && state.orchardGroupBy ? { groupBy: state.orchardGroupBy } : {}),
      },
      ...(charts ? { charts } : {}),
    }
  } catch {
    return undefined
  }
}

/** The tag value for a view of the table as it is now. */
export function savedViewValue(name: string, view: RunsView, columns: readonly string[], now: number, createdAt = now, charts?: ChartLayout): string {
  const order = parseOrderTerm(view.order)
  const aggregated = order?.target.includes('@') === true
  const orderByKey = order && !aggregated
    ? order.target.includes('.')
      ? `${order.target.slice(0, order.target.indexOf('.'))}.\`${order.target.slice(order.target.indexOf('.') + 1)}\``
      : `attributes.${order.target}`
    : undefined
  const state = {
    searchFilter: view.filter,
    ...(orderByKey ? { orderByKey, orderByAsc: order!.ascending } : {}),
    ...(aggregated ? { orchardOrder: view.order } : {}),
    lifecycleFilter: view.showDeleted ? 'Deleted' : 'Active',
    orchardColumns: columns,
    ...(view.groupBy ? { orchardGroupBy: view.groupBy } : {}),
    ...(charts ? { orchardCharts: layoutState(charts) } : {}),
  }
  return JSON.stringify({ name, createdAt, updatedAt: now, state: JSON.stringify(state) })
}

/** A short random id for a new view; crypto.getRandomValues works on plain-http origins too. */
export function newViewId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8))
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
}
