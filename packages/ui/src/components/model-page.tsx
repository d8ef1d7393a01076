import { useState } from 'react'
import type { FormEvent } from 'react'
import { formatTime } from '../lib/format.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import {
  deleteRegisteredModel,
  STAGES,
  deleteAlias,
  deleteModelTag,
  getRegisteredModel,
  searchModelVersions,
  searchRegistryEvents,
  setAlias,
  setModelTag,
  transitionStage,
  updateModelDescription,
} from '../registry-api.ts'
import type { ModelVersion, RegisteredModel, Stage } from '../registry-api.ts'
import { isMissing, useAsync } from '../use-async.ts'
import { ConfirmDialog } from './confirm-dialog.tsx'
import { AuditTrail, EditableDescription, StageBadge, TagsEditor } from './registry-widgets.tsx'
import { RunLink } from './run-link.tsx'
import { Empty, ErrorBox, Loading, NotFound } from './status.tsx'
import { PermissionsLink } from './permissions-page.tsx'

interface Props {
  readonly name: string
  readonly navigate: Navigate
}

type Pending =
  | { readonly kind: 'transition'; readonly version: ModelVersion; readonly stage: Stage }
  | { readonly kind: 'set-alias'; readonly alias: string; readonly version: string; readonly from: string | undefined }
  | { readonly kind: 'delete-alias'; readonly alias: string; readonly version: string }

export function ModelPage({ name, navigate }: Props) {
  // Every change bumps `revision`, which reloads the model, its versions and the audit trail.
  const [revision, setRevision] = useState(0)
  const refresh = () => setRevision((r) => r + 1)
  const model = useAsync(() => getRegisteredModel(name), [name, revision])
  const versions = useAsync(() => searchModelVersions(name), [name, revision])
  // The versions table can be narrowed by a model-version filter; aliases still see every version.
  const [versionFilter, setVersionFilter] = useState('')
  const [versionDraft, setVersionDraft] = useState('')
  const filtered = useAsync(() => (versionFilter ? searchModelVersions(name, versionFilter) : Promise.resolve(undefined)), [name, revision, versionFilter])
  const events = useAsync(() => searchRegistryEvents(name), [name, revision])
  const [pending, setPending] = useState<Pending>()
  const [deletingModel, setDeletingModel] = useState(false)
  const after = <T,>(action: Promise<T>) => action.then((value) => (refresh(), value))

  if (isMissing(model)) {
    return (
      <NotFound title={`No registered model named “${name}”`}>
        <p className="muted">{model.status === 'error' ? model.message : null}</p>
        <a {...linkProps({ page: 'models', filter: '' }, navigate)}>See all models</a>
      </NotFound>
    )
  }
  return (
    <section className="model-page" aria-label="Registered model">
      <nav className="crumbs">
        <a {...linkProps({ page: 'models', filter: '' }, navigate)}>Models</a> ›
      </nav>
      <header className="page-head">
        <h1>{name}</h1>
        <span className="spacer" />
        <PermissionsLink target={{ kind: 'model', name }} navigate={navigate} />
        {model.status === 'ready' ? (
          <button type="button" className="danger" onClick={() => setDeletingModel(true)}>
            Delete model
          </button>
        ) : null}
      </header>
      {deletingModel ? (
        <ConfirmDialog
          title={`Delete the model ${name}?`}
          confirmLabel="Delete model"
          withComment
          onConfirm={async (comment) => {
            await deleteRegisteredModel(name, { comment })
            navigate({ page: 'models', filter: '' })
          }}
          onClose={() => setDeletingModel(false)}
        >
          <p>
            The model and all {versions.status === 'ready' ? versions.value.length : 'its'} version{versions.status === 'ready' && versions.value.length === 1 ? '' : 's'} go for good,
            with their aliases and tags; the runs and their artifacts stay.
          </p>
        </ConfirmDialog>
      ) : null}
      {model.status === 'loading' ? <Loading what="the model" /> : null}
      {model.status === 'error' ? <ErrorBox title="Could not load the model" message={model.message} /> : null}
      {model.status === 'ready' ? (
        <>
          <p className="muted">
            Created {formatTime(model.value.creationTimestamp)} · last modified {formatTime(model.value.lastUpdatedTimestamp)}
          </p>
          <h2>Description</h2>
          <EditableDescription text={model.value.description} onSave={(text) => after(updateModelDescription(name, text))} />
          <h2>Aliases</h2>
          <Aliases model={model.value} versions={versions.status === 'ready' ? versions.value : []} onPending={setPending} />
        </>
      ) : null}
      <h2>Versions</h2>
      <form
        className="inline-form version-filter"
        role="search"
        aria-label="Search versions"
        onSubmit={(e) => {
          e.preventDefault()
          setVersionFilter(versionDraft.trim())
        }}
      >
        <input
          aria-label="Filter versions"
          placeholder="version_number > 2 AND tags.validated = 'yes'  ·  run_id = '…'"
          value={versionDraft}
          onChange={(e) => setVersionDraft(e.target.value)}
        />
        <button type="submit">Search</button>
        {versionFilter ? (
          <button type="button" onClick={() => (setVersionDraft(''), setVersionFilter(''))}>
            Clear
          </button>
        ) : null}
      </form>
      {versionFilter && filtered.status === 'error' ? <ErrorBox title="Bad version filter" message={filtered.message} /> : null}
      {versions.status === 'loading' || (versionFilter && filtered.status === 'loading') ? <Loading what="versions" /> : null}
      {versions.status === 'error' ? <ErrorBox title="Could not load the versions" message={versions.message} /> : null}
      {versions.status === 'ready' && !(versionFilter && filtered.status !== 'ready') ? (
        versions.value.length === 0 ? (
          <Empty>No versions yet. Register a run's model to create version 1.</Empty>
        ) : versionFilter && filtered.status === 'ready' && filtered.value?.length === 0 ? (
          <Empty>No version matches this filter.</Empty>
        ) : (
          <VersionsTable
            name={name}
            versions={versionFilter && filtered.status === 'ready' && filtered.value ? filtered.value : versions.value}
            navigate={navigate}
            onTransition={(version, stage) => setPending({ kind: 'transition', version, stage })}
          />
        )
      ) : null}
      {model.status === 'ready' ? (
        <>
          <h2>Tags</h2>
          <TagsEditor tags={model.value.tags} onSet={(k, v) => after(setModelTag(name, k, v))} onDelete={(k) => after(deleteModelTag(name, k))} />
        </>
      ) : null}
      <h2>Audit trail</h2>
      <AuditTrail events={events} showVersion />
      {pending ? <PendingDialog name={name} pending={pending} onDone={after} onClose={() => setPending(undefined)} /> : null}
    </section>
  )
}

function VersionsTable({ name, versions, navigate, onTransition }: { readonly name: string; readonly versions: readonly ModelVersion[]; readonly navigate: Navigate; readonly onTransition: (version: ModelVersion, stage: Stage) => void }) {
  return (
    <div className="table-scroll">
      <table className="data versions" aria-label="Versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Stage</th>
            <th>Transition</th>
            <th>Aliases</th>
            <th>Created</th>
            <th>Run</th>
            <th>Description</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-version={v.version}>
              <td>
                <a {...linkProps({ page: 'model-version', name, version: v.version }, navigate)}>Version {v.version}</a>
              </td>
              <td>
                <StageBadge stage={v.stage} />
              </td>
              <td>
                <select aria-label={`Transition version ${v.version}`} value="" onChange={(e) => e.target.value && onTransition(v, e.target.value as Stage)}>
                  <option value="">Move to…</option>
                  {STAGES.filter((s) => s !== v.stage).map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </td>
              <td>{v.aliases.map((a) => <span key={a} className="alias">@{a}</span>)}</td>
              <td>{formatTime(v.creationTimestamp)}</td>
              <td>{v.runId ? <RunLink runId={v.runId} navigate={navigate} /> : <span className="muted">—</span>}</td>
              <td className="description-cell">{v.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Aliases({ model, versions, onPending }: { readonly model: RegisteredModel; readonly versions: readonly ModelVersion[]; readonly onPending: (p: Pending) => void }) {
  const [alias, setAliasName] = useState('')
  const [version, setVersion] = useState('')
  const chosenVersion = version || versions[0]?.version || ''
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const name = alias.trim()
    if (!name || !chosenVersion) return
    onPending({ kind: 'set-alias', alias: name, version: chosenVersion, from: model.aliases.find((a) => a.alias === name)?.version })
    setAliasName('')
  }
  return (
    <div className="aliases-editor">
      {model.aliases.length === 0 ? <p className="muted">No aliases.</p> : null}
      <ul className="alias-list">
        {model.aliases.map((a) => (
          <li key={a.alias}>
            <span className="alias">@{a.alias}</span> → version {a.version}{' '}
            <button type="button" aria-label={`Remove alias ${a.alias}`} onClick={() => onPending({ kind: 'delete-alias', alias: a.alias, version: a.version })}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      {versions.length > 0 ? (
        <form className="inline-form alias-form" onSubmit={submit}>
          <input aria-label="Alias" placeholder="alias, e.g. champion" value={alias} onChange={(e) => setAliasName(e.target.value)} required />
          <select aria-label="Alias version" value={chosenVersion} onChange={(e) => setVersion(e.target.value)}>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                version {v.version}
              </option>
            ))}
          </select>
          <button type="submit">Set alias</button>
        </form>
      ) : null}
    </div>
  )
}

function PendingDialog({ name, pending, onDone, onClose }: { readonly name: string; readonly pending: Pending; readonly onDone: <T>(action: Promise<T>) => Promise<T>; readonly onClose: () => void }) {
  const [archive, setArchive] = useState(false)
  switch (pending.kind) {
    case 'transition': {
      const { version, stage } = pending
      const canArchive = stage === 'Staging' || stage === 'Production'
      return (
        <ConfirmDialog
          title={`Move version ${version.version} to ${stage}?`}
          confirmLabel={`Move to ${stage}`}
          withComment
          onConfirm={(comment) => onDone(transitionStage(name, version.version, stage, canArchive && archive, { comment }))}
          onClose={onClose}
        >
          <p>
            Version {version.version} of <strong>{name}</strong> is in {version.stage}.
          </p>
          {canArchive ? (
            <label className="toggle">
              <input type="checkbox" checked={archive} onChange={(e) => setArchive(e.target.checked)} /> Archive the versions now in {stage}
            </label>
          ) : null}
        </ConfirmDialog>
      )
    }
    case 'set-alias':
      return (
        <ConfirmDialog
          title={pending.from ? `Move alias @${pending.alias} to version ${pending.version}?` : `Set alias @${pending.alias} on version ${pending.version}?`}
          confirmLabel={pending.from ? 'Move alias' : 'Set alias'}
          withComment
          onConfirm={(comment) => onDone(setAlias(name, pending.alias, pending.version, { comment }))}
          onClose={onClose}
        >
          {pending.from ? <p>It points at version {pending.from} now; anything loading models:/{name}@{pending.alias} will get version {pending.version}.</p> : null}
        </ConfirmDialog>
      )
    case 'delete-alias':
      return (
        <ConfirmDialog
          title={`Remove alias @${pending.alias}?`}
          confirmLabel="Remove alias"
          withComment
          onConfirm={(comment) => onDone(deleteAlias(name, pending.alias, { comment }))}
          onClose={onClose}
        >
          <p>
            It points at version {pending.version}; models:/{name}@{pending.alias} will stop resolving.
          </p>
        </ConfirmDialog>
      )
  }
}
