import { transport } from '../api.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { useAsync } from '../use-async.ts'

// Run pages live under their experiment, which a model version does not name: look the run up once
// (cached for the page's life) to link it.
const experimentOf = new Map<string, Promise<{ experimentId: string; name: string }>>()

function lookUp(runId: string) {
  let found = experimentOf.get(runId)
  if (!found) {
    found = transport.getRun(runId).then((run) => ({ experimentId: run.info.experimentId, name: run.info.runName || runId }))
    found.catch(() => experimentOf.delete(runId))
    experimentOf.set(runId, found)
  }
  return found
}

interface Props {
  readonly runId: string
  readonly navigate: Navigate
  /** Link to this file on the run's artifacts tab instead of the run's overview. */
  readonly artifact?: string
  /** The link text; the run's name by default. */
  readonly label?: string
}

export function RunLink({ runId, navigate, artifact, label }: Props) {
  const run = useAsync(() => lookUp(runId), [runId])
  if (run.status !== 'ready') return <code title={run.status === 'error' ? run.message : undefined}>{label ?? runId.slice(0, 12)}</code>
  const route = artifact
    ? ({ page: 'run', experimentId: run.value.experimentId, runId, tab: 'artifacts', artifact } as const)
    : ({ page: 'run', experimentId: run.value.experimentId, runId, tab: 'overview' } as const)
  return <a {...linkProps(route, navigate)}>{label ?? run.value.name}</a>
}
