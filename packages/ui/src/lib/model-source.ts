// A model version's source, when it lies in its run's artifacts, as the artifact path of the model's
// MLmodel file, so the version page can open it in the run's artifact browser. MLflow writes sources
// as `runs:/<run>/<path>` or as the run's artifact URI plus the path (`…/<run>/artifacts/<path>`).

export function sourceMlmodelPath(source: string, runId: string | undefined): string | undefined {
  if (!runId) return undefined
  const runsUri = /^runs:\/([^/]+)\/(.+?)\/?$/.exec(source)
  if (runsUri) return runsUri[1] === runId ? `${runsUri[2]}/MLmodel` : undefined
  const marker = `/${runId}/artifacts/`
  const at = source.indexOf(marker)
  if (at < 0) return undefined
  const path = source.slice(at + marker.length).replace(/\/+$/, '')
  return path ? `${path}/MLmodel` : undefined
}
