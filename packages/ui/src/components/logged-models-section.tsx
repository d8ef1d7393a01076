import type { Run } from '../api.ts'
import { formatMetric, formatTime } from '../lib/format.ts'
import { loggedModelsOfRun } from '../logged-models-api.ts'
import { useAsync } from '../use-async.ts'
import { ErrorBox, Loading } from './status.tsx'

const STATUS_LABELS: Readonly<Record<string, string>> = {
  LOGGED_MODEL_READY: 'ready',
  LOGGED_MODEL_PENDING: 'pending',
  LOGGED_MODEL_UPLOAD_FAILED: 'upload failed',
}

/** MLflow 3's logged models of the run: those it created and those it logged as outputs. */
export function LoggedModelsSection({ run }: { readonly run: Run }) {
  const models = useAsync(() => loggedModelsOfRun(run), [run.info.runId, run.outputs.modelOutputs.length])
  return (
    <section aria-label="Logged models">
      <h2>Logged models</h2>
      {models.status === 'loading' ? <Loading what="logged models" /> : null}
      {models.status === 'error' ? <ErrorBox message={models.message} /> : null}
      {models.status === 'ready' && models.value.length === 0 ? <p className="muted">No model was logged by this run.</p> : null}
      {models.status === 'ready' && models.value.length > 0 ? (
        <table className="data logged-models">
          <thead>
            <tr>
              <th>Name</th>
              <th>Model ID</th>
              <th>Status</th>
              <th>Type</th>
              <th className="num">Step</th>
              <th>Created</th>
              <th>Metrics</th>
            </tr>
          </thead>
          <tbody>
            {models.value.map((m) => (
              <tr key={m.modelId}>
                <td>{m.name}</td>
                <td>
                  <code title={m.artifactUri}>{m.modelId}</code>
                </td>
                <td>{STATUS_LABELS[m.status] ?? m.status}</td>
                <td>{m.modelType ?? ''}</td>
                <td className="num">{m.step ?? ''}</td>
                <td>{Number.isFinite(m.creationTimestampMs) ? formatTime(m.creationTimestampMs) : ''}</td>
                <td className="value">{m.metrics.map((x) => `${x.key}=${formatMetric(x.value)}`).join('  ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
