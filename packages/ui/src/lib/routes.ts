// Every view has a URL (history routing; the server answers index.html for deep links):
//   /                                              experiments, none selected
//   /experiments/1,2?filter=…&order=…&cols=…&deleted=1   runs of experiments 1 and 2
//   /experiments/1/runs/<runId>?tab=…              one run
//   /experiments/1/charts?runs=a,b&metric=loss&x=step&smooth=0.6&log=1   one metric's chart
//   /experiments/1/charts?runs=a,b&metrics=loss,acc&x=step                 a chart per metric
//   /experiments/1/compare?runs=a,b,c&sx=params.lr&sy=metrics.loss        compare runs
//   /models?filter=…                               registered models
//   /models/<name>                                 one model: versions, aliases, tags, audit trail
//   /models/<name>/versions/<version>              one model version
//   /experiments/1/permissions, /models/<name>/permissions   who may do what (access control on)
//   /admin?tab=groups                              users, groups, roles, workspaces (admins; access control on)

export type XAxis = 'step' | 'wall' | 'relative'
export type RunTab = 'overview' | 'params' | 'metrics' | 'tags' | 'artifacts'
const RUN_TABS: readonly RunTab[] = ['overview', 'params', 'metrics', 'tags', 'artifacts']

export interface RunsView {
  readonly filter: string
  /** One order_by term as MLflow takes it, e.g. ``metrics.`loss` DESC``; empty for the default. */
  readonly order: string
  /** Chosen columns as `params.<key>`, `metrics.<key>`, `tags.<key>`; undefined means the default choice. */
  readonly columns: readonly string[] | undefined
  readonly showDeleted: boolean
  /** Group rows by this column id (`params.model`, `tags.team`, `datasets`); absent or empty: no grouping. */
  readonly groupBy?: string
}

export interface ChartView {
  readonly runIds: readonly string[]
  /** One metric's full-page chart; empty shows the grid of every metric. */
  readonly metric: string
  /** The grid's metrics, in order; absent shows them all. */
  readonly metrics?: readonly string[]
  readonly x: XAxis
  readonly smoothing: number
  readonly log: boolean
}

export interface CompareView {
  readonly runIds: readonly string[]
  /** Scatter axes as column ids (`params.lr`, `metrics.loss`); empty picks the first numeric keys. */
  readonly scatterX: string
  readonly scatterY: string
}

export type AdminTab = 'users' | 'groups' | 'roles' | 'workspaces'
const ADMIN_TABS: readonly AdminTab[] = ['users', 'groups', 'roles', 'workspaces']

export type Route =
  | { readonly page: 'home' }
  | ({ readonly page: 'runs'; readonly experimentIds: readonly string[] } & RunsView)
  | { readonly page: 'run'; readonly experimentId: string; readonly runId: string; readonly tab: RunTab; readonly artifact?: string }
  | ({ readonly page: 'charts'; readonly experimentIds: readonly string[] } & ChartView)
  | ({ readonly page: 'compare'; readonly experimentIds: readonly string[] } & CompareView)
  | { readonly page: 'models'; readonly filter: string }
  | { readonly page: 'model'; readonly name: string }
  | { readonly page: 'model-version'; readonly name: string; readonly version: string }
  | { readonly page: 'experiment-permissions'; readonly experimentId: string }
  | { readonly page: 'model-permissions'; readonly name: string }
  | { readonly page: 'admin'; readonly tab: AdminTab }
  | { readonly page: 'not-found'; readonly path: string }

const list = (value: string | null) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)
const enc = (s: string) => encodeURIComponent(s)

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/** Read a route from a URL's pathname and search string. */
export function parseRoute(pathname: string, search: string): Route {
  const query = new URLSearchParams(search)
  const segments = pathname.split('/').filter(Boolean).map(decodeSegment)
  if (segments.some((s) => s === undefined)) return { page: 'not-found', path: pathname }
  const [first, ids, third, fourth, ...rest] = segments as string[]
  if (first === undefined) return { page: 'home' }
  if (first === 'admin') {
    if (ids !== undefined) return { page: 'not-found', path: pathname }
    const tab = query.get('tab') as AdminTab | null
    return { page: 'admin', tab: tab && ADMIN_TABS.includes(tab) ? tab : 'users' }
  }
  if (first === 'models') {
    if (ids === undefined) return { page: 'models', filter: query.get('filter') ?? '' }
    if (third === undefined) return { page: 'model', name: ids }
    if (third === 'versions' && fourth !== undefined && rest.length === 0) return { page: 'model-version', name: ids, version: fourth }
    if (third === 'permissions' && fourth === undefined) return { page: 'model-permissions', name: ids }
    return { page: 'not-found', path: pathname }
  }
  if (first !== 'experiments' || ids === undefined || list(ids).length === 0) return { page: 'not-found', path: pathname }
  const experimentIds = list(ids)
  if (third === undefined) {
    const cols = query.get('cols')
    return {
      page: 'runs',
      experimentIds,
      filter: query.get('filter') ?? '',
      order: query.get('order') ?? '',
      columns: cols === null ? undefined : list(cols),
      showDeleted: query.get('deleted') === '1',
      ...(query.get('group') ? { groupBy: query.get('group')! } : {}),
    }
  }
  if (third === 'runs' && fourth !== undefined && rest.length === 0 && experimentIds.length === 1) {
    const tab = query.get('tab') as RunTab | null
    const artifact = query.get('path')
    return {
      page: 'run',
      experimentId: experimentIds[0]!,
      runId: fourth,
      tab: tab && RUN_TABS.includes(tab) ? tab : 'overview',
      ...(artifact ? { artifact } : {}),
    }
  }
  if (third === 'permissions' && fourth === undefined && experimentIds.length === 1) return { page: 'experiment-permissions', experimentId: experimentIds[0]! }
  if (third === 'compare' && fourth === undefined) {
    return { page: 'compare', experimentIds, runIds: list(query.get('runs')), scatterX: query.get('sx') ?? '', scatterY: query.get('sy') ?? '' }
  }
  if (third === 'charts' && fourth === undefined) {
    const x = query.get('x')
    const smoothing = Number(query.get('smooth') ?? 0)
    return {
      page: 'charts',
      experimentIds,
      runIds: list(query.get('runs')),
      metric: query.get('metric') ?? '',
      ...(query.get('metrics') !== null ? { metrics: list(query.get('metrics')) } : {}),
      x: x === 'wall' || x === 'relative' ? x : 'step',
      smoothing: Number.isFinite(smoothing) ? Math.min(Math.max(smoothing, 0), 0.99) : 0,
      log: query.get('log') === '1',
    }
  }
  return { page: 'not-found', path: pathname }
}

function withQuery(path: string, entries: [string, string | undefined][]): string {
  const query = new URLSearchParams()
  for (const [key, value] of entries) if (value !== undefined) query.set(key, value)
  const text = query.toString()
  return text ? `${path}?${text}` : path
}

/** The URL of a route; parseRoute(routePath(r)) gives r back. */
export function routePath(route: Route): string {
  switch (route.page) {
    case 'home':
      return '/'
    case 'not-found':
      return route.path
    case 'runs':
      return withQuery(`/experiments/${route.experimentIds.map(enc).join(',')}`, [
        ['filter', route.filter || undefined],
        ['order', route.order || undefined],
        // An empty cols= is kept: it means "no optional columns", unlike an absent one.
        ['cols', route.columns?.join(',')],
        ['deleted', route.showDeleted ? '1' : undefined],
        ['group', route.groupBy || undefined],
      ])
    case 'run':
      return withQuery(`/experiments/${enc(route.experimentId)}/runs/${enc(route.runId)}`, [
        ['tab', route.tab === 'overview' ? undefined : route.tab],
        ['path', route.artifact],
      ])
    case 'compare':
      return withQuery(`/experiments/${route.experimentIds.map(enc).join(',')}/compare`, [
        ['runs', route.runIds.join(',') || undefined],
        ['sx', route.scatterX || undefined],
        ['sy', route.scatterY || undefined],
      ])
    case 'models':
      return withQuery('/models', [['filter', route.filter || undefined]])
    case 'model':
      return `/models/${enc(route.name)}`
    case 'model-version':
      return `/models/${enc(route.name)}/versions/${enc(route.version)}`
    case 'model-permissions':
      return `/models/${enc(route.name)}/permissions`
    case 'admin':
      return withQuery('/admin', [['tab', route.tab === 'users' ? undefined : route.tab]])
    case 'experiment-permissions':
      return `/experiments/${enc(route.experimentId)}/permissions`
    case 'charts':
      return withQuery(`/experiments/${route.experimentIds.map(enc).join(',')}/charts`, [
        ['runs', route.runIds.join(',') || undefined],
        ['metric', route.metric || undefined],
        ['metrics', route.metrics?.join(',')],
        ['x', route.x === 'step' ? undefined : route.x],
        ['smooth', route.smoothing > 0 ? String(route.smoothing) : undefined],
        ['log', route.log ? '1' : undefined],
      ])
  }
}

export const runsRoute = (experimentIds: readonly string[], view: Partial<RunsView> = {}): Route => ({
  page: 'runs',
  experimentIds,
  filter: view.filter ?? '',
  order: view.order ?? '',
  columns: view.columns,
  showDeleted: view.showDeleted ?? false,
})
