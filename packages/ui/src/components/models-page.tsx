import { useEffect, useState } from 'react'
import type { FormEvent } from 'react'
import { formatTime } from '../lib/format.ts'
import { modelFilter } from '../lib/model-filter.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { searchRegisteredModels } from '../registry-api.ts'
import type { Stage } from '../registry-api.ts'
import { useAsync } from '../use-async.ts'
import { StageBadge } from './registry-widgets.tsx'
import { Empty, ErrorBox, Loading } from './status.tsx'

// Latest versions by how much they matter: what serves first.
const SHOWN_ORDER: readonly Stage[] = ['Production', 'Staging', 'None', 'Archived']

interface Props {
  readonly filter: string
  readonly navigate: Navigate
}

export function ModelsPage({ filter, navigate }: Props) {
  const [draft, setDraft] = useState(filter)
  useEffect(() => setDraft(filter), [filter])
  const result = useAsync(() => searchRegisteredModels(modelFilter(filter)), [filter])
  const submit = (event: FormEvent) => {
    event.preventDefault()
    navigate({ page: 'models', filter: draft.trim() })
  }
  return (
    <section className="models-page" aria-label="Registered models">
      <header className="page-head">
        <h1>Registered models</h1>
        {result.status === 'ready' ? <span className="muted">{result.value.models.length}{result.value.nextPageToken ? '+' : ''} models</span> : null}
      </header>
      <div className="toolbar">
        <form className="filter" onSubmit={submit} role="search">
          <input type="search" aria-label="Search models" data-search title="Search models (press / to focus)" placeholder="name, or a filter such as tags.team = 'risk'" value={draft} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit">Search</button>
        </form>
      </div>
      {result.status === 'loading' ? <Loading what="models" /> : null}
      {result.status === 'error' ? <ErrorBox title="Search failed" message={result.message} /> : null}
      {result.status === 'ready' && result.value.models.length === 0 ? (
        <Empty>{filter ? 'No models match this search.' : 'No registered models yet. Register one with mlflow.register_model() or the SDK.'}</Empty>
      ) : null}
      {result.status === 'ready' && result.value.models.length > 0 ? (
        <div className="table-scroll">
          <table className="data models" aria-label="Models">
            <thead>
              <tr>
                <th>Name</th>
                <th>Latest versions</th>
                <th>Aliases</th>
                <th>Last modified</th>
              </tr>
            </thead>
            <tbody>
              {result.value.models.map((m) => (
                <tr key={m.name} data-model={m.name}>
                  <td>
                    <a {...linkProps({ page: 'model', name: m.name }, navigate)}>{m.name}</a>
                  </td>
                  <td className="latest">
                    {m.latestVersions.length === 0 ? <span className="muted">none</span> : null}
                    {[...m.latestVersions].sort((a, b) => SHOWN_ORDER.indexOf(a.stage) - SHOWN_ORDER.indexOf(b.stage)).map((v) => (
                      <a key={v.version} className="version-chip" {...linkProps({ page: 'model-version', name: m.name, version: v.version }, navigate)}>
                        <StageBadge stage={v.stage} /> v{v.version}
                      </a>
                    ))}
                  </td>
                  <td className="aliases">
                    {m.aliases.map((a) => (
                      <span key={a.alias} className="alias">
                        @{a.alias} → v{a.version}
                      </span>
                    ))}
                  </td>
                  <td>{formatTime(m.lastUpdatedTimestamp)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.value.nextPageToken ? <p className="muted">Showing the first 100 models; narrow the search to find others.</p> : null}
        </div>
      ) : null}
    </section>
  )
}
