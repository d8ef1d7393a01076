import { useState } from 'react'
import { formatTime } from '../lib/format.ts'
import { sourceMlmodelPath } from '../lib/model-source.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { readArtifactHead } from '../api.ts'
import { readSignature } from '../lib/model-signature.ts'
import type { SignatureColumn } from '../lib/model-signature.ts'
import { deleteModelVersion, deleteVersionTag, getModelVersion, searchRegistryEvents, setVersionTag, updateVersionDescription } from '../registry-api.ts'
import { ConfirmDialog } from './confirm-dialog.tsx'
import { isMissing, useAsync } from '../use-async.ts'
import { AuditTrail, EditableDescription, StageBadge, TagsEditor } from './registry-widgets.tsx'
import { RunLink } from './run-link.tsx'
import { ErrorBox, Loading, NotFound } from './status.tsx'
import { MonitoringTab, VersionTabs } from './monitoring-tab.tsx'
import type { VersionTab } from './monitoring-tab.tsx'

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
  const [deleting, setDeleting] = useState(false)
  const [tab, setTab] = useState<VersionTab>('overview')
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
        <span className="spacer" />
        {mv.status === 'ready' ? (
          <button type="button" className="danger" onClick={() => setDeleting(true)}>
            Delete version
          </button>
        ) : null}
      </header>
      {deleting ? (
        <ConfirmDialog
          title={`Delete ${name} version ${version}?`}
          confirmLabel="Delete version"
          withComment
          onConfirm={async (comment) => {
            await deleteModelVersion(name, version, { comment })
            navigate({ page: 'model', name })
          }}
          onClose={() => setDeleting(false)}
        >
          <p>The version, its tags and aliases go for good; its run and artifacts stay.</p>
        </ConfirmDialog>
      ) : null}
      <VersionTabs tab={tab} onChange={setTab} />
      {tab === 'monitoring' ? <MonitoringTab name={name} version={version} alert={mv.status === 'ready' ? mv.value.tags.find((t) => t.key === 'orchard.monitoring.alert')?.value : undefined} navigate={navigate} /> : null}
      {mv.status === 'loading' ? <Loading what="the model version" /> : null}
      {mv.status === 'error' ? <ErrorBox title="Could not load the model version" message={mv.message} /> : null}
      {mv.status === 'ready' && tab === 'overview' ? (
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
          <Lineage name={name} version={version} runId={mv.value.runId} aliases={mv.value.aliases} navigate={navigate} />
          <Signature source={mv.value.source} runId={mv.value.runId} />
          <h2>Description</h2>
          <EditableDescription text={mv.value.description} onSave={(text) => after(updateVersionDescription(name, version, text))} />
          <h2>Tags</h2>
          <TagsEditor tags={mv.value.tags} onSet={(k, v) => after(setVersionTag(name, version, k, v))} onDelete={(k) => after(deleteVersionTag(name, version, k))} />
        </>
      ) : null}
      {tab === 'overview' ? <h2>Audit trail</h2> : null}
      {tab === 'overview' ? <AuditTrail events={events} showVersion={false} /> : null}
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

/** Where the version came from and what points at it: run → version → aliases. */
function Lineage({ name, version, runId, aliases, navigate }: { readonly name: string; readonly version: string; readonly runId: string | undefined; readonly aliases: readonly string[]; readonly navigate: Navigate }) {
  return (
    <section aria-label="Lineage">
      <h2>Lineage</h2>
      <p className="lineage">
        <span className="node">run {runId ? <RunLink runId={runId} navigate={navigate} /> : <span className="muted">unknown</span>}</span>
        <span className="arrow">→</span>
        <span className="node">
          {name} v{version}
        </span>
        <span className="arrow">→</span>
        <span className="node">{aliases.length ? aliases.map((a) => <span key={a} className="alias">@{a}</span>) : <span className="muted">no alias</span>}</span>
      </p>
    </section>
  )
}

const MLMODEL_BYTES = 256 * 1024
const EXAMPLE_BYTES = 8 * 1024

/** The model's signature and input example, read from the MLmodel in its run's artifacts. */
function Signature({ source, runId }: { readonly source: string; readonly runId: string | undefined }) {
  const mlmodelPath = sourceMlmodelPath(source, runId)
  const read = useAsync(async () => {
    if (!runId || !mlmodelPath) return undefined
    const head = await readArtifactHead(runId, mlmodelPath, MLMODEL_BYTES)
    const { signature, inputExample } = readSignature(new TextDecoder().decode(head.bytes))
    let example: string | undefined
    if (inputExample) {
      const folder = mlmodelPath.slice(0, mlmodelPath.lastIndexOf('/') + 1)
      const file = await readArtifactHead(runId, `${folder}${inputExample}`, EXAMPLE_BYTES).catch(() => undefined)
      if (file) example = new TextDecoder().decode(file.bytes) + (file.partial ? '\n…' : '')
    }
    return { signature, example }
  }, [source, runId])
  if (!mlmodelPath) return null
  const table = (title: string, columns: readonly SignatureColumn[] | undefined) =>
    columns ? (
      <table className="data signature" aria-label={`Signature ${title.toLowerCase()}`}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Required</th>
          </tr>
        </thead>
        <tbody>
          {columns.map((c, i) => (
            <tr key={`${c.name}${i}`}>
              <td>{c.name ? <code>{c.name}</code> : <span className="muted">(unnamed)</span>}</td>
              <td>{c.type}</td>
              <td>{c.required ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    ) : null
  return (
    <section aria-label="Signature">
      <h2>Signature</h2>
      {read.status === 'loading' ? <Loading what="the model signature" /> : null}
      {read.status === 'error' ? <p className="muted">Could not read the model’s MLmodel: {read.message}</p> : null}
      {read.status === 'ready' && !read.value?.signature ? <p className="muted">This model was logged without a signature.</p> : null}
      {read.status === 'ready' && read.value?.signature ? (
        <div className="signature-tables">
          {table('Inputs', read.value.signature.inputs)}
          {table('Outputs', read.value.signature.outputs)}
          {table('Params', read.value.signature.params)}
        </div>
      ) : null}
      {read.status === 'ready' && read.value?.example ? (
        <>
          <h3>Input example</h3>
          <pre className="code input-example">{read.value.example}</pre>
        </>
      ) : null}
    </section>
  )
}
