import { useCallback, useEffect, useState } from 'react'
import { isOrchardError } from '@orchard/sdk/rest'
import { errorMessage, listExperiments, transport } from './api.ts'
import type { Experiment } from './api.ts'
import { ChartsPage } from './components/charts-page.tsx'
import { ComparePage } from './components/compare-page.tsx'
import { ExperimentsSidebar } from './components/experiments-sidebar.tsx'
import { WorkspaceSwitcher } from './components/workspace-switcher.tsx'
import { ModelPage } from './components/model-page.tsx'
import { ModelVersionPage } from './components/model-version-page.tsx'
import { ModelsPage } from './components/models-page.tsx'
import { PermissionsPage } from './components/permissions-page.tsx'
import { RunPage } from './components/run-page.tsx'
import { RunsTable } from './components/runs-table.tsx'
import { Empty, NotFound } from './components/status.tsx'
import { UserMenu } from './components/user-menu.tsx'
import { runsRoute } from './lib/routes.ts'
import type { RunsView } from './lib/routes.ts'
import { linkProps, useRoute } from './router.ts'
import type { AsyncState } from './use-async.ts'

function useTheme(): [string, () => void] {
  const [theme, setTheme] = useState(() => document.documentElement.dataset.theme ?? 'light')
  const toggle = useCallback(() => {
    const next = theme === 'dark' ? 'light' : 'dark'
    document.documentElement.dataset.theme = next
    try {
      localStorage.setItem('orchard.theme', next)
    } catch {
      // Private windows may refuse storage; the theme then lasts for this page only.
    }
    setTheme(next)
  }, [theme])
  return [theme, toggle]
}

/**
 * `/` focuses the page's main search box (runs filter, models search, else the experiments search),
 * as on GitHub; typing in a field is left alone.
 */
function useSearchShortcut(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return
      const target = event.target as HTMLElement | null
      if (target?.closest('input, textarea, select, [contenteditable=true], dialog')) return
      const box = document.querySelector<HTMLInputElement>('main [data-search]') ?? document.querySelector<HTMLInputElement>('[data-search]')
      if (!box) return
      event.preventDefault()
      box.focus()
      box.select()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}

/**
 * Which of these experiment IDs do not exist. The list already loaded answers for the usual case; an
 * ID it lacks (deleted, or never made) is asked of the server once.
 */
function useMissingExperiments(ids: readonly string[], experiments: AsyncState<readonly Experiment[]>): readonly string[] {
  const [missing, setMissing] = useState<readonly string[]>([])
  const known = experiments.status === 'ready' ? experiments.value : undefined
  const unknown = known ? ids.filter((id) => !known.some((e) => e.experimentId === id)) : []
  const key = unknown.join(',')
  useEffect(() => {
    let live = true
    setMissing([])
    if (!key) return
    void Promise.all(
      key.split(',').map((id) =>
        transport.getExperiment(id).then(
          () => undefined,
          (error: unknown) => (isOrchardError(error) && (error.code === 'RESOURCE_DOES_NOT_EXIST' || error.code === 'INVALID_PARAMETER_VALUE') ? id : undefined),
        ),
      ),
    ).then((found) => live && setMissing(found.filter((id): id is string => id !== undefined)))
    return () => {
      live = false
    }
  }, [key])
  return missing
}

export function App() {
  const [route, navigate] = useRoute()
  const [theme, toggleTheme] = useTheme()
  const [showDeleted, setShowDeleted] = useState(false)
  const [experiments, setExperiments] = useState<AsyncState<readonly Experiment[]>>({ status: 'loading' })

  const reload = useCallback(async () => {
    try {
      setExperiments({ status: 'ready', value: await listExperiments(showDeleted) })
    } catch (error) {
      setExperiments({ status: 'error', message: errorMessage(error) })
    }
  }, [showDeleted])
  useEffect(() => {
    void reload()
  }, [reload])

  const known = experiments.status === 'ready' ? experiments.value : []
  const selectedIds = route.page === 'runs' || route.page === 'charts' || route.page === 'compare' ? route.experimentIds : route.page === 'run' || route.page === 'experiment-permissions' ? [route.experimentId] : []
  const missing = useMissingExperiments(route.page === 'run' ? [] : selectedIds, experiments)
  const nameOf = (id: string) => known.find((e) => e.experimentId === id)?.name ?? `#${id}`
  const title =
    route.page === 'runs' ? route.experimentIds.map(nameOf).join(', ')
    : route.page === 'run' ? `Run ${route.runId.slice(0, 8)} · ${nameOf(route.experimentId)}`
    : route.page === 'charts' ? `${route.metric || 'Charts'} · ${route.experimentIds.map(nameOf).join(', ')}`
    : route.page === 'models' ? 'Models'
    : route.page === 'model' ? `${route.name} · Models`
    : route.page === 'model-version' ? `${route.name} v${route.version} · Models`
    : route.page === 'experiment-permissions' ? `Permissions · ${nameOf(route.experimentId)}`
    : route.page === 'model-permissions' ? `Permissions · ${route.name} · Models`
    : route.page === 'compare' ? `Compare ${route.runIds.length} runs · ${route.experimentIds.map(nameOf).join(', ')}`
    : ''
  useEffect(() => {
    document.title = title ? `${title} · Orchard` : 'Orchard'
  }, [title])

  useSearchShortcut()
  const registry = route.page === 'models' || route.page === 'model' || route.page === 'model-version' || route.page === 'model-permissions'

  const onView = (view: Partial<RunsView>) => {
    if (route.page === 'runs') navigate({ ...route, ...view })
  }

  let main: React.ReactNode
  if (missing.length > 0) {
    main = (
      <NotFound title={missing.length === 1 ? `Experiment ${missing[0]} does not exist` : `Experiments ${missing.join(', ')} do not exist`}>
        <p className="muted">It may have been deleted for good, or the link is mistyped.</p>
        <a {...linkProps({ page: 'home' }, navigate)}>Go to the experiments</a>
      </NotFound>
    )
  } else switch (route.page) {
    case 'home':
      main = (
        <Empty>
          {known.length ? 'Choose an experiment on the left (ctrl-click or tick several to compare).' : 'Create an experiment to start, or log a run with the SDK or mlflow.'}
        </Empty>
      )
      break
    case 'runs':
      main = <RunsTable key={route.experimentIds.join(',')} experimentIds={route.experimentIds} experiments={known} view={route} onView={onView} navigate={navigate} />
      break
    case 'run':
      main = <RunPage experimentId={route.experimentId} runId={route.runId} tab={route.tab} artifact={route.artifact} experiments={known} theme={theme} navigate={navigate} />
      break
    case 'charts':
      main = <ChartsPage experimentIds={route.experimentIds} view={route} experiments={known} theme={theme} navigate={navigate} />
      break
    case 'compare':
      main = <ComparePage experimentIds={route.experimentIds} view={route} experiments={known} theme={theme} navigate={navigate} />
      break
    case 'models':
      main = <ModelsPage filter={route.filter} navigate={navigate} />
      break
    case 'model':
      main = <ModelPage key={route.name} name={route.name} navigate={navigate} />
      break
    case 'model-version':
      main = <ModelVersionPage key={`${route.name}\u0000${route.version}`} name={route.name} version={route.version} navigate={navigate} />
      break
    case 'experiment-permissions':
      main = <PermissionsPage key={route.experimentId} target={{ kind: 'experiment', experimentId: route.experimentId }} title={nameOf(route.experimentId)} navigate={navigate} />
      break
    case 'model-permissions':
      main = <PermissionsPage key={route.name} target={{ kind: 'model', name: route.name }} title={route.name} navigate={navigate} />
      break
    case 'not-found':
      main = (
        <NotFound title="Page not found">
          <p className="muted">
            Nothing lives at <code>{route.path}</code>.
          </p>
          <a {...linkProps({ page: 'home' }, navigate)}>Go to the experiments</a>
        </NotFound>
      )
      break
  }

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" {...linkProps({ page: 'home' }, navigate)}>
          Orchard
        </a>
        <nav className="sections" aria-label="Sections">
          <a {...linkProps({ page: 'home' }, navigate)} aria-current={registry ? undefined : 'page'}>
            Experiments
          </a>
          <a {...linkProps({ page: 'models', filter: '' }, navigate)} aria-current={registry ? 'page' : undefined}>
            Models
          </a>
        </nav>
        <span className="spacer" />
        <WorkspaceSwitcher />
        <button type="button" className="theme-toggle" onClick={toggleTheme} aria-label="Toggle dark theme">
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
        <UserMenu />
      </header>
      <div className="layout">
        {registry ? null : <ExperimentsSidebar
          experiments={experiments}
          selectedIds={selectedIds}
          showDeleted={showDeleted}
          onShowDeleted={setShowDeleted}
          onSelect={(ids) => navigate(ids.length ? runsRoute(ids) : { page: 'home' })}
          onChanged={reload}
        />}
        <main className="main" id="main">{main}</main>
      </div>
    </div>
  )
}
