import { useState } from 'react'
import { formatTime } from '../lib/format.ts'
import { sourceMlmodelPath } from '../lib/model-source.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { deleteVersionTag, getModelVersion, searchRegistryEvents, setVersionTag, updateVersionDescription } from '../registry-api.ts'
import { isMissing, useAsync } from '../use-async.ts'
import { AuditTrail, EditableDescription, StageBadge, TagsEditor } from './registry-widgets.tsx'
import { RunLink } from './run-link.tsx'
import { ErrorBox, Loading, NotFound } from './status.tsx'

interface Props {
  readonly name: string
  readonly version: string
  readonly navigate: Navigate
}

export function ModelVersionPage({ name, version, navigate }: Props) {
  const [revision, setRevision] = useState(0)
  const mv = useAsync(() => getModelVersion(name, version), [name, version, revision])
  const events = useAsync(() => searchRegistryEvents(name, version), [name, version, revision])
  const after = <T,>(action: Promise<T>) => action.then((value) => (setRevision((r) => r + 1), value))
  if (isMissing(mv)) {
    return (
      <NotFound title={`${name} has no version ${version}`}>
        <p className="muted">{mv.status === 'error' ? mv.message : null}</p>
        <a {...linkProps({ page: 'model', name }, navigate)}>See the versions of {name}</a>
      </NotFound>
    )
  }
  return (
    <section className="model-version-page" aria-label="Model version">
      <nav className="crumbs">
        <a {...linkProps({ page: 'models', filter: '' }, navigate)}>Models</a> › <a {...linkProps({ page: 'model', name }, navigate)}>{name}</a> ›
      </nav>
      <header className="page-head">
        <h1>
          {name} · version {version}
        </h1>
        {mv.status === 'ready' ? <StageBadge stage={mv.value.stage} /> : null}
      </header>
      {mv.status === 'loading' ? <Loading what="the model version" /> : null}
      {mv.status === 'error' ? <ErrorBox title="Could not load the model version" message={mv.message} /> : null}
      {mv.status === 'ready' ? (
        <>
          <table className="kv version-facts">
            <tbody>
              <tr>
                <th>Stage</th>
                <td>{mv.value.stage}</td>
              </tr>
              <tr>
                <th>Aliases</th>
                <td>{mv.value.aliases.length ? mv.value.aliases.map((a) => <span key={a} className="alias">@{a}</span>) : <span className="muted">none</span>}</td>
              </tr>
              <tr>
                <th>Status</th>
                <td>{mv.value.status}</td>
              </tr>
              <tr>
                <th>Created</th>
                <td>
                  {formatTime(mv.value.creationTimestamp)}
                  {mv.value.userId ? ` by ${mv.value.userId}` : ''}
                </td>
              </tr>
              <tr>
                <th>Source run</th>
                <td>{mv.value.runId ? <RunLink runId={mv.value.runId} navigate={navigate} /> : <span className="muted">none</span>}</td>
              </tr>
              <tr>
                <th>Source</th>
                <td>
                  <Source source={mv.value.source} runId={mv.value.runId} navigate={navigate} />
                </td>
              </tr>
            </tbody>
          </table>
          <h2>Description</h2>
          <EditableDescription text={mv.value.description} onSave={(text) => after(updateVersionDescription(name, version, text))} />
          <h2>Tags</h2>
          <TagsEditor tags={mv.value.tags} onSet={(k, v) => after(setVersionTag(name, version, k, v))} onDelete={(k) => after(deleteVersionTag(name, version, k))} />
        </>
      ) : null}
      <h2>Audit trail</h2>
      <AuditTrail events={events} showVersion={false} />
    </section>
  )
}

function Source({ source, runId, navigate }: { readonly source: string; readonly runId: string | undefined; readonly navigate: Navigate }) {
  const mlmodel = sourceMlmodelPath(source, runId)
  if (!runId || !mlmodel) return <code>{source}</code>
  return (
    <code>
      <RunLink runId={runId} navigate={navigate} artifact={mlmodel} label={source} />
    </code>
  )
}
