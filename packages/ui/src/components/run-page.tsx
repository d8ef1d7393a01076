import { useMemo } from 'react'
import { metricHistoryBuckets, readAll, transport } from '../api.ts'
import type { Experiment, Run } from '../api.ts'
import { formatDuration, formatMetric, formatTime } from '../lib/format.ts'
import type { Route, RunTab } from '../lib/routes.ts'
import { PARENT_RUN_TAG } from '../lib/run-tree.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { isMissing, useAsync } from '../use-async.ts'
import { ArtifactBrowser } from './artifact-browser.tsx'
import { MarkdownView } from './markdown-view.tsx'
import { MetricChart } from './metric-chart.tsx'
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
  const run = useAsync(() => transport.getRun(runId), [runId])
  const experimentName = experiments.find((e) => e.experimentId === experimentId)?.name ?? `#${experimentId}`
  const back: Route = { page: 'runs', experimentIds: [experimentId], filter: '', order: '', columns: undefined, showDeleted: false }

  if (run.status === 'loading') return <Loading what="the run" />
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
  const r = run.value
  return (
    <section className="run-page" aria-label="Run">
      <nav className="crumbs">
        <a {...linkProps(back, navigate)}>{experimentName}</a> ›
      </nav>
      <header className="page-head">
        <h1>{r.info.runName || r.info.runId}</h1>
        <span className={`pill status-${r.info.status.toLowerCase()}`}>{r.info.status}</span>
        {r.info.lifecycleStage === 'deleted' ? <span className="pill deleted">deleted</span> : null}
      </header>
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
      {tab === 'overview' ? <Overview run={r} navigate={navigate} /> : null}
      {tab === 'params' ? <KeyValueTable title="Params" rows={r.data.params} /> : null}
      {tab === 'metrics' ? <MetricsTable run={r} navigate={navigate} theme={theme} /> : null}
      {tab === 'tags' ? <KeyValueTable title="Tags" rows={r.data.tags.filter((t) => t.key !== NOTE_TAG)} /> : null}
      {tab === 'artifacts' ? <ArtifactBrowser experimentId={experimentId} runId={r.info.runId} selected={artifact} navigate={navigate} /> : null}
    </section>
  )
}

function Overview({ run, navigate }: { readonly run: Run; readonly navigate: Navigate }) {
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
      <h2>Description</h2>
      {note ? <MarkdownView source={note} /> : <p className="muted">No description. Set the tag {NOTE_TAG} to add one.</p>}
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

function RunMetricCharts({ run, theme }: { readonly run: Run; readonly theme: string }) {
  const keys = useMemo(() => [...run.data.metrics].map((m) => m.key).sort().slice(0, RUN_CHARTS), [run])
  const runs = useMemo(() => [{ runId: run.info.runId, label: run.info.runName || run.info.runId.slice(0, 8) }], [run])
  const histories = useAsync(
    () => Promise.all(keys.map((key) => metricHistoryBuckets([run.info.runId], key, { xAxis: 'step', buckets: RUN_CHART_BUCKETS }).then((h) => h.points))),
    [run.info.runId, keys.join(',')],
  )
  if (histories.status === 'loading') return <Loading what="metric charts" />
  if (histories.status === 'error') return <ErrorBox title="Could not load metric history" message={histories.message} />
  return (
    <div className="chart-grid">
      {keys.map((key, i) => (
        <figure key={key} className="chart-cell">
          <figcaption>{key}</figcaption>
          <MetricChart runs={runs} points={histories.value[i] ?? []} metric={key} x="step" smoothing={0} log={false} theme={theme} height={220} />
        </figure>
      ))}
    </div>
  )
}

function MetricsTable({ run, navigate, theme }: { readonly run: Run; readonly navigate: Navigate; readonly theme: string }) {
  if (run.data.metrics.length === 0) return <Empty>No metrics logged.</Empty>
  return (
    <>
      <table className="data" aria-label="Metrics">
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
          {[...run.data.metrics].sort((a, b) => a.key.localeCompare(b.key)).map((m) => (
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
      <RunMetricCharts run={run} theme={theme} />
    </>
  )
}
