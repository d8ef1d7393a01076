import { useEffect, useState } from 'react'
import type { FormEvent } from 'react'
import { errorMessage, transport } from '../api.ts'
import type { RunsView } from '../lib/routes.ts'
import { SHARED_VIEW_PREFIX, SHARE_KEY_PARAM, newViewId, parseSavedView, savedViewValue } from '../lib/saved-views.ts'
import type { SavedView } from '../lib/saved-views.ts'
import { isChartLayout } from '../lib/chart-layout.ts'
import { chartsKey, readStored, writeStored } from '../lib/stored.ts'
import { useAsync } from '../use-async.ts'

interface Props {
  readonly experimentId: string
  readonly view: RunsView
  /** The columns shown now (the URL's, this browser's or the defaults). */
  readonly columns: readonly string[]
  readonly onApply: (view: Partial<RunsView>) => void
}

// Saved views of one experiment's runs table: listed from its `mlflow.sharedViewState.*` tags, opened
// from the list or by a link with `?viewStateShareKey=<id>` (as MLflow's own links), saved and
// deleted here. A view holds the filter, sort, deleted-runs toggle, the columns, and the chart grid's
// layout as this browser last left it (opening the view makes it the layout the Charts page opens on).
export function SavedViews({ experimentId, view, columns, onApply }: Props) {
  const [revision, setRevision] = useState(0)
  const [name, setName] = useState('')
  const [error, setError] = useState<string>()
  const [copied, setCopied] = useState<string>()
  const experiment = useAsync(() => transport.getExperiment(experimentId), [experimentId, revision])
  const views: SavedView[] =
    experiment.status === 'ready'
      ? experiment.value.tags.flatMap((t) => parseSavedView(t.key, t.value) ?? []).sort((a, b) => a.name.localeCompare(b.name))
      : []

  const apply = (saved: SavedView) => {
    if (saved.charts) writeStored(chartsKey([experimentId]), saved.charts)
    onApply(saved.view)
  }

  // A shared link opens its view once the experiment's tags are in.
  const [shareKey] = useState(() => new URLSearchParams(window.location.search).get(SHARE_KEY_PARAM))
  useEffect(() => {
    if (!shareKey || experiment.status !== 'ready') return
    const shared = views.find((v) => v.id === shareKey)
    if (shared) apply(shared)
    else setError(`No saved view “${shareKey}” in this experiment.`)
  }, [shareKey, experiment.status])

  const act = async (action: () => Promise<unknown>) => {
    setError(undefined)
    try {
      await action()
      setRevision((r) => r + 1)
      return true
    } catch (failure) {
      setError(errorMessage(failure))
      return false
    }
  }
  const save = async (event: FormEvent) => {
    event.preventDefault()
    const trimmed = name.trim()
    const existing = views.find((v) => v.name === trimmed)
    const id = existing?.id ?? newViewId()
    const value = savedViewValue(trimmed, view, columns, Date.now(), existing?.createdAt, readStored(chartsKey([experimentId]), isChartLayout))
    if (await act(() => transport.setExperimentTag(experimentId, { key: `${SHARED_VIEW_PREFIX}${id}`, value }))) setName('')
  }
  const link = (id: string) => `${window.location.origin}/experiments/${encodeURIComponent(experimentId)}?${SHARE_KEY_PARAM}=${encodeURIComponent(id)}`

  return (
    <details className="saved-views">
      <summary>Views{views.length ? ` (${views.length})` : ''}</summary>
      <div className="popover">
        {views.length === 0 ? <p className="muted">No saved views yet.</p> : null}
        <ul className="view-list">
          {views.map((v) => (
            <li key={v.id}>
              <button type="button" className="link" onClick={() => apply(v)} title={v.view.filter || 'no filter'}>
                {v.name}
              </button>
              <span className="row-buttons">
                <button
                  type="button"
                  aria-label={`Copy link to ${v.name}`}
                  title={link(v.id)}
                  onClick={() => {
                    void navigator.clipboard?.writeText(link(v.id)).catch(() => undefined)
                    setCopied(v.id)
                  }}
                >
                  {copied === v.id ? 'Copied' : 'Link'}
                </button>
                <button type="button" aria-label={`Delete view ${v.name}`} onClick={() => void act(() => transport.deleteExperimentTag(experimentId, `${SHARED_VIEW_PREFIX}${v.id}`))}>
                  ✕
                </button>
              </span>
            </li>
          ))}
        </ul>
        <form className="inline-form" onSubmit={save}>
          <input aria-label="View name" placeholder="Name this view" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
          <button type="submit" disabled={!name.trim()}>
            Save view
          </button>
        </form>
        {error ? (
          <p className="status error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </details>
  )
}
