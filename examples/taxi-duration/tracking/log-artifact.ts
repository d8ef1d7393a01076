// Writes one artifact of a run, wherever the run's artifacts live: through the server's artifact
// proxy when tracking over HTTP with an `mlflow-artifacts:` root (MLflow's PUT upload route), or
// straight into the repository (local folder, S3) otherwise, as MLflow's clients do. The SDK has no
// artifact upload yet; this is the example's stand-in for it.
import { openArtifactRepository, proxiedArtifactPath } from '@orchard/artifacts'

export async function logArtifactBytes(trackingUri: string, artifactUri: string, path: string, bytes: Uint8Array | string): Promise<void> {
  const proxied = proxiedArtifactPath(artifactUri)
  if (/^https?:\/\//i.test(trackingUri) && artifactUri.startsWith('mlflow-artifacts:') && proxied !== undefined) {
    const target = `${trackingUri.replace(/\/+$/, '')}/api/2.0/mlflow-artifacts/artifacts/${[proxied, path].filter(Boolean).map(encodePath).join('/')}`
    const response = await fetch(target, { method: 'PUT', body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes) })
    if (!response.ok) throw new Error(`uploading ${path} failed: ${response.status} ${await response.text()}`)
    return
  }
  await openArtifactRepository(artifactUri).writeArtifact(path, bytes)
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}
