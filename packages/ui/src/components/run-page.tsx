import { useMemo, useRef, useState } from 'react'
import type { FormEvent } from 'react'
import { errorMessage, metricHistoryBuckets, readAll, transport } from '../api.ts'
import type { Experiment, Run } from '../api.ts'
import { formatDuration, formatMetric, formatTime } from '../lib/format.ts'
import type { Route, RunTab } from '../lib/routes.ts'
import { PARENT_RUN_TAG } from '../lib/run-tree.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { isMissing, useAsync } from '../use-async.ts'
import { searchVersionsOfRun } from '../registry-api.ts'
import { ArtifactBrowser } from './artifact-browser.tsx'
import { ConfirmDialog } from './confirm-dialog.tsx'
import { StageBadge } from './registry-widgets.tsx'
import { MarkdownView } from './markdown-view.tsx'
import { InlineEdit } from './inline-edit.tsx'
import { MarkdownEditor } from './markdown-editor.tsx'
import { LoggedModelsSection } from './logged-models-section.tsx'
import { MetricChart } from './metric-chart.tsx'
import { ProjectSection } from './project-section.tsx'
import { Empty, ErrorBox, Loading, NotFound } from './status.tsx'

const NOTE_TAG = 'mlflow.note.content'
const TABS: readonly { id: RunTab; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'params', label: 'Params' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'tags', label: 'Tags' },
  { id: 'artifacts', label: 'Artifacts' },
]

interface Props {
  readonly experimentId: string
  readonly runId: string
  readonly tab: RunTab
  /** The artifact previewed on the artifacts tab. */
  readonly artifact: string | undefined
  readonly experiments: readonly Experiment[]
  readonly theme: string
  readonly navigate: Navigate
}

export function RunPage({ experimentId, runId, tab, artifact, experiments, theme, navigate }: Props) {
  // Every edit bumps the revision, which reads the run again.
  const [revision, setRevision] = useState(0)
  const reload = () => setRevision((r) => r + 1)
  const run = useAsync(() => transport.getRun(runId), [runId, revision])
  const [renaming, setRenaming] = useState(false)
  const [confirming, setConfirming] = useState<'delete' | 'restore'>()
  // While an edit re-reads the run, the page keeps showing the run as it was.
  const shown = useRef<Run | undefined>(undefined)
  if (run.status === 'ready') shown.current = run.value
  const experimentName = experiments.find((e) => e.experimentId === experimentId)?.name ?? `#${experimentId}`
  const back: Route = { page: 'runs', experimentIds: [experimentId], filter: '', order: '', columns: undefined, showDeleted: false }

  if (run.status === 'loading' && shown.current?.info.runId !== runId) return <Loading what="the run" />
  if (isMissing(run)) {
    return (
      <NotFound title="This run does not exist">
        <p className="muted">
          No run has the ID <code>{runId}</code>.
        </p>
        <a {...linkProps(back, navigate)}>Back to {experimentName}</a>
      </NotFound>
    )
  }
  if (run.status === 'error') {
    return (
      <section className="run-page">
        <a {...linkProps(back, navigate)}>← {experimentName}</a>
        <ErrorBox title="Could not load the run" message={run.message} />
      </section>
    )
  }
  const r = run.status === 'ready' ? run.value : shown.current!
  const deleted = r.info.lifecycleStage === 'deleted'
  const rename = async (name: string) => {
    if (!name.trim()) throw new Error('A run needs a name.')
    await transport.updateRun(runId, { runName: name.trim() })
    reload()
  }
  return (
    <section className="run-page" aria-label="Run">
      <nav className="crumbs">
        <a {...linkProps(back, navigate)}>{experimentName}</a> ›
      </nav>
      <header className="page-head">
        {renaming ? (
          <InlineEdit className="rename" value={r.info.runName} label="Run name" maxLength={250} onSave={rename} onDone={() => setRenaming(false)} />
        ) : (
          <h1 title="Double-click to rename" onDoubleClick={() => setRenaming(true)}>
            {r.info.runName || r.info.runId}
          </h1>
        )}
        <span className={`pill status-${r.info.status.toLowerCase()}`}>{r.info.status}</span>
        {deleted ? <span className="pill deleted">deleted</span> : null}
        <span className="spacer" />
        {renaming ? null : (
          <button type="button" onClick={() => setRenaming(true)} title="Rename in place: Enter saves, Escape cancels">
            Rename
          </button>
        )}
        <button type="button" className={deleted ? '' : 'danger'} onClick={() => setConfirming(deleted ? 'restore' : 'delete')}>
          {deleted ? 'Restore run' : 'Delete run'}
        </button>
      </header>
      {confirming ? (
        <ConfirmDialog
          title={confirming === 'delete' ? `Delete run “${r.info.runName || r.info.runId}”?` : `Restore run “${r.info.runName || r.info.runId}”?`}
          confirmLabel={confirming === 'delete' ? 'Delete run' : 'Restore run'}
          onConfirm={async () => {
            if (confirming === 'delete') await transport.deleteRun(runId)
            else await transport.restoreRun(runId)
            reload()
          }}
          onClose={() => setConfirming(undefined)}
        >
          <p>
            {confirming === 'delete'
              ? 'The run moves to the deleted runs (“Show deleted” lists it) and can be restored until the server’s garbage collection removes it for good.'
              : 'The run comes back to the experiment’s runs table.'}
          </p>
        </ConfirmDialog>
      ) : null}
      <nav className="tabs" role="tablist" aria-label="Run sections" onKeyDown={(event) => {
        // ARIA's tab pattern: arrows move between tabs (and open them), Home and End jump to the ends.
        const at = TABS.findIndex((t) => t.id === tab)
        const next = event.key === 'ArrowRight' ? at + 1 : event.key === 'ArrowLeft' ? at - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? TABS.length - 1 : undefined
        if (next === undefined) return
        event.preventDefault()
        const target = TABS[(next + TABS.length) % TABS.length]!
        navigate({ page: 'run', experimentId, runId, tab: target.id })
        requestAnimationFrame(() => document.querySelector<HTMLElement>(`.tabs [data-tab="${target.id}"]`)?.focus())
      }}>
        {TABS.map((t) => (
          <a key={t.id} role="tab" data-tab={t.id} tabIndex={t.id === tab ? 0 : -1} aria-selected={t.id === tab} className={t.id === tab ? 'active' : ''} {...linkProps({ page: 'run', experimentId, runId, tab: t.id }, navigate)}>
            {t.label}
            {t.id === 'params' ? ` (${r.data.params.length})` : t.id === 'metrics' ? ` (${r.data.metrics.length})` : ''}
          </a>
        ))}
      </nav>
      {tab === 'overview' ? <Overview run={r} navigate={navigate} onChanged={reload} /> : null}
      {tab === 'params' ? <KeyValueTable title="Params" rows={r.data.params} /> : null}
      {tab === 'metrics' ? <MetricsTable run={r} navigate={navigate} theme={theme} /> : null}
      {tab === 'tags' ? <TagsEditor run={r} onChanged={reload} /> : null}
      {tab === 'artifacts' ? <ArtifactBrowser experimentId={experimentId} runId={r.info.runId} selected={artifact} navigate={navigate} /> : null}
    </section>
  )
}

function Overview({ run, navigate, onChanged }: { readonly run: Run; readonly navigate: Navigate; readonly onChanged: () => void }) {
  const { info } = run
  const tag = (key: string) => run.data.tags.find((t) => t.key === key)?.value
  const parentId = tag(PARENT_RUN_TAG)
  const children = useAsync(
    () =>
      readAll(
        (pageToken) =>
          transport.searchRuns({
            experimentIds: [info.experimentId],
            filter: `tags.\`${PARENT_RUN_TAG}\` = '${info.runId}'`,
            runViewType: 'ACTIVE_ONLY',
            maxResults: 1000,
            ...(pageToken ? { pageToken } : {}),
          }),
        1000,
      ),
    [info.runId],
  )
  const runLink = (runId: string, label: string) => <a {...linkProps({ page: 'run', experimentId: info.experimentId, runId, tab: 'overview' }, navigate)}>{label}</a>
  const commit = tag('mlflow.source.git.commit')
  const fields: [string, React.ReactNode][] = [
    ['Run ID', <code>{info.runId}</code>],
    ['Status', info.status],
    ['Started', formatTime(info.startTime)],
    ['Ended', formatTime(info.endTime)],
    ['Duration', formatDuration(info.startTime, info.endTime)],
    ['User', info.userId || tag('mlflow.user') || ''],
    ['Source', [tag('mlflow.source.type'), tag('mlflow.source.name')].filter(Boolean).join(': ')],
    ['Git commit', commit ? <code title={commit}>{commit.slice(0, 12)}</code> : ''],
    ['Parent run', parentId ? runLink(parentId, parentId) : ''],
    [
      'Child runs',
      children.status === 'ready'
        ? children.value.length === 0
          ? 'none'
          : <span className="links">{children.value.map((c) => <span key={c.info.runId}>{runLink(c.info.runId, c.info.runName || c.info.runId)}</span>)}</span>
        : children.status === 'error'
          ? children.message
          : '…',
    ],
    ['Artifact URI', <code>{info.artifactUri}</code>],
  ]
  const note = tag(NOTE_TAG)
  return (
    <div className="overview">
      <table className="kv">
        <tbody>
          {fields.map(([label, value]) => (
            <tr key={label}>
              <th>{label}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ProjectSection run={run} navigate={navigate} />
      <NoteEditor run={run} note={note} onChanged={onChanged} />
      <Datasets run={run} />
      <LoggedModelsSection run={run} />
      <RegisteredVersions runId={info.runId} navigate={navigate} />
    </div>
  )
}

function KeyValueTable({ title, rows }: { readonly title: string; readonly rows: readonly { key: string; value: string }[] }) {
  if (rows.length === 0) return <Empty>No {title.toLowerCase()} logged.</Empty>
  return (
    <table className="data" aria-label={title}>
      <thead>
        <tr>
          <th>Key</th>
          <th>Value</th>
        </tr>
      </thead>
      <tbody>
        {[...rows].sort((a, b) => a.key.localeCompare(b.key)).map((row) => (
          <tr key={row.key}>
            <td>{row.key}</td>
            <td className="value">{row.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

// Small multiples on the metrics tab: one chart per metric of this run, as MLflow's run page has.
const RUN_CHARTS = 12
// Small multiples are ~420 px wide: a bucket per pixel or so, each with its min/max band.
const RUN_CHART_BUCKETS = 400

const SYSTEM_PREFIX = 'system/'

function RunMetricCharts({ run, keys, theme }: { readonly run: Run; readonly keys: readonly string[]; readonly theme: string }) {
  const shown = useMemo(() => keys.slice(0, RUN_CHARTS), [keys])
  const runs = useMemo(() => [{ runId: run.info.runId, label: run.info.runName || run.info.runId.slice(0, 8) }], [run])
  const histories = useAsync(
    () => Promise.all(shown.map((key) => metricHistoryBuckets([run.info.runId], key, { xAxis: 'step', buckets: RUN_CHART_BUCKETS }).then((h) => h.points))),
    [run.info.runId, shown.join(',')],
  )
  if (shown.length === 0) return null
  if (histories.status === 'loading') return <Loading what="metric charts" />
  if (histories.status === 'error') return <ErrorBox title="Could not load metric history" message={histories.message} />
  return (
    <div className="chart-grid">
      {shown.map((key, i) => (
        <figure key={key} className="chart-cell">
          <figcaption>{key}</figcaption>
          <MetricChart runs={runs} points={histories.value[i] ?? []} metric={key} x="step" smoothing={0} log={false} theme={theme} height={220} />
        </figure>
      ))}
    </div>
  )
}

// Metrics the run logged itself, then the system metrics MLflow's monitor logs (`system/cpu_…`,
// `system/gpu_0_…`) in a section of their own, each with its table and charts.
function MetricsTable({ run, navigate, theme }: { readonly run: Run; readonly navigate: Navigate; readonly theme: string }) {
  const sorted = useMemo(() => [...run.data.metrics].sort((a, b) => a.key.localeCompare(b.key)), [run])
  const model = useMemo(() => sorted.filter((m) => !m.key.startsWith(SYSTEM_PREFIX)), [sorted])
  const system = useMemo(() => sorted.filter((m) => m.key.startsWith(SYSTEM_PREFIX)), [sorted])
  const modelKeys = useMemo(() => model.map((m) => m.key), [model])
  const systemKeys = useMemo(() => system.map((m) => m.key), [system])
  if (run.data.metrics.length === 0) return <Empty>No metrics logged.</Empty>
  const table = (label: string, metrics: typeof sorted) => (
    <table className="data" aria-label={label}>
      <thead>
        <tr>
          <th>Metric</th>
          <th className="num">Latest value</th>
          <th className="num">Step</th>
          <th>Logged</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {metrics.map((m) => (
          <tr key={m.key}>
            <td>{m.key}</td>
            <td className="num">{formatMetric(m.value)}</td>
            <td className="num">{m.step}</td>
            <td>{formatTime(m.timestamp)}</td>
            <td>
              <a
                {...linkProps(
                  { page: 'charts', experimentIds: [run.info.experimentId], runIds: [run.info.runId], metric: m.key, x: 'step', smoothing: 0, log: false },
                  navigate,
                )}
              >
                Chart
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
  return (
    <>
      {model.length > 0 ? (
        <section aria-label="Model metrics">
          {table('Metrics', model)}
          <RunMetricCharts run={run} keys={modelKeys} theme={theme} />
        </section>
      ) : null}
      {system.length > 0 ? (
        <section aria-label="System metrics">
          <h2>System metrics</h2>
          {table('System metrics', system)}
          <RunMetricCharts run={run} keys={systemKeys} theme={theme} />
        </section>
      ) : null}
    </>
  )
}

/**
 * The run's description (MLflow's `mlflow.note.content` tag), shown as markdown and edited in place:
 * Write and Preview (the markdown as it will show) side by side as tabs; Ctrl/⌘+Enter saves, Escape
 * cancels.
 */
function NoteEditor({ run, note, onChanged }: { readonly run: Run; readonly note: string | undefined; readonly onChanged: () => void }) {
  const [draft, setDraft] = useState<string>()
  const [error, setError] = useState<string>()
  const edit = (text: string | undefined) => {
    setDraft(text)
    setError(undefined)
  }
  const save = async (event?: FormEvent) => {
    event?.preventDefault()
    setError(undefined)
    try {
      await transport.setTag(run.info.runId, { key: NOTE_TAG, value: draft ?? '' })
      edit(undefined)
      onChanged()
    } catch (failure) {
      setError(errorMessage(failure))
    }
  }
  return (
    <section aria-label="Description">
      <h2>
        Description{' '}
        {draft === undefined ? (
          <button type="button" className="link" onClick={() => edit(note ?? '')}>
            {note ? 'Edit' : 'Add'}
          </button>
        ) : null}
      </h2>
      {draft === undefined ? (
        note ? (
          <div onDoubleClick={() => edit(note)} title="Double-click to edit">
            <MarkdownView source={note} />
          </div>
        ) : (
          <p className="muted">No description yet.</p>
        )
      ) : (
        <form
          className="note-editor"
          onSubmit={save}
          onKeyDown={(e) => {
            if (e.key === 'Escape') (e.preventDefault(), edit(undefined))
            else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) (e.preventDefault(), void save())
          }}
        >
          <MarkdownEditor label="Description (markdown)" value={draft} onChange={setDraft} />
          {error ? <ErrorBox message={error} /> : null}
          <div className="dialog-actions">
            <span className="muted">Markdown · Ctrl+Enter saves · Escape cancels</span>
            <button type="button" onClick={() => edit(undefined)}>
              Cancel
            </button>
            <button type="submit" className="primary">
              Save description
            </button>
          </div>
        </form>
      )}
    </section>
  )
}

const DATASET_CONTEXT_TAG = 'mlflow.data.context'

/** Column names and types from a dataset's schema (MLflow's `{"mlflow_colspec": [...]}` JSON), if it has one. */
function schemaColumns(schema: string | undefined): { name: string; type: string }[] | undefined {
  if (!schema) return undefined
  try {
    const parsed = JSON.parse(schema) as { mlflow_colspec?: { name?: unknown; type?: unknown }[] } | { name?: unknown; type?: unknown }[]
    const columns = Array.isArray(parsed) ? parsed : parsed.mlflow_colspec
    if (!Array.isArray(columns)) return undefined
    return columns.map((c) => ({ name: String(c.name ?? ''), type: String(c.type ?? '') }))
  } catch {
    return undefined
  }
}

function Datasets({ run }: { readonly run: Run }) {
  const inputs = run.inputs.datasetInputs
  return (
    <section aria-label="Datasets">
      <h2>Datasets</h2>
      {inputs.length === 0 ? (
        <p className="muted">No datasets logged with this run.</p>
      ) : (
        <table className="data datasets">
          <thead>
            <tr>
              <th>Name</th>
              <th>Digest</th>
              <th>Context</th>
              <th>Source</th>
              <th>Schema</th>
            </tr>
          </thead>
          <tbody>
            {inputs.map(({ dataset, tags }, i) => {
              const columns = schemaColumns(dataset.schema)
              return (
                <tr key={`${dataset.name}${dataset.digest}${i}`}>
                  <td>{dataset.name}</td>
                  <td>
                    <code title={dataset.digest}>{dataset.digest}</code>
                  </td>
                  <td>{tags.find((t) => t.key === DATASET_CONTEXT_TAG)?.value ?? ''}</td>
                  <td className="value">
                    {dataset.sourceType ? <span className="muted">{dataset.sourceType}: </span> : null}
                    {dataset.source}
                  </td>
                  <td>
                    {columns ? (
                      <details>
                        <summary>
                          {columns.length} column{columns.length === 1 ? '' : 's'}
                        </summary>
                        <ul className="schema">
                          {columns.map((c) => (
                            <li key={c.name}>
                              <code>{c.name}</code> <span className="muted">{c.type}</span>
                            </li>
                          ))}
                        </ul>
                      </details>
                    ) : dataset.schema ? (
                      <code className="value">{dataset.schema.slice(0, 200)}</code>
                    ) : (
                      <span className="muted">—</span>
                    )}
                    {dataset.profile ? <div className="muted">profile: {dataset.profile.slice(0, 200)}</div> : null}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}

function RegisteredVersions({ runId, navigate }: { readonly runId: string; readonly navigate: Navigate }) {
  const versions = useAsync(() => searchVersionsOfRun(runId), [runId])
  return (
    <section aria-label="Registered models">
      <h2>Registered models</h2>
      {versions.status === 'loading' ? <Loading what="model versions" /> : null}
      {versions.status === 'error' ? <ErrorBox message={versions.message} /> : null}
      {versions.status === 'ready' && versions.value.length === 0 ? <p className="muted">No model version was registered from this run.</p> : null}
      {versions.status === 'ready' && versions.value.length > 0 ? (
        <ul className="registered">
          {versions.value.map((v) => (
            <li key={`${v.name}/${v.version}`}>
              <a {...linkProps({ page: 'model-version', name: v.name, version: v.version }, navigate)}>
                {v.name} v{v.version}
              </a>{' '}
              <StageBadge stage={v.stage} />
              {v.aliases.map((a) => (
                <span key={a} className="pill alias">
                  @{a}
                </span>
              ))}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  )
}

/** Tags with add, change and delete; MLflow's own `mlflow.*` tags are shown but left alone. */
function TagsEditor({ run, onChanged }: { readonly run: Run; readonly onChanged: () => void }) {
  const [key, setKey] = useState('')
  const [value, setValue] = useState('')
  const [error, setError] = useState<string>()
  const act = async (action: () => Promise<unknown>) => {
    setError(undefined)
    try {
      await action()
      onChanged()
      return true
    } catch (failure) {
      setError(errorMessage(failure))
      return false
    }
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (await act(() => transport.setTag(run.info.runId, { key: key.trim(), value }))) {
      setKey('')
      setValue('')
    }
  }
  const rows = [...run.data.tags].filter((t) => t.key !== NOTE_TAG).sort((a, b) => a.key.localeCompare(b.key))
  return (
    <>
      <form className="inline-form tag-form" onSubmit={submit} aria-label="Set a tag">
        <input aria-label="Tag key" placeholder="key" value={key} maxLength={250} onChange={(e) => setKey(e.target.value)} />
        <input aria-label="Tag value" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} />
        <button type="submit" disabled={!key.trim()}>
          Set tag
        </button>
      </form>
      {error ? <ErrorBox message={error} /> : null}
      {rows.length === 0 ? (
        <Empty>No tags.</Empty>
      ) : (
        <table className="data" aria-label="Tags">
          <thead>
            <tr>
              <th>Key</th>
              <th>Value</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <td>{row.key}</td>
                <td className="value">{row.value}</td>
                <td>
                  {row.key.startsWith('mlflow.') ? null : (
                    <span className="row-buttons">
                      <button type="button" aria-label={`Edit tag ${row.key}`} onClick={() => (setKey(row.key), setValue(row.value))}>
                        ✎
                      </button>
                      <button type="button" aria-label={`Delete tag ${row.key}`} onClick={() => void act(() => transport.deleteTag(run.info.runId, row.key))}>
                        ✕
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
