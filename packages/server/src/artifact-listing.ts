import { listArtifactsAt } from '@orchard/artifacts'
import type { ServerContext } from './server-context.ts'

/**
 * One level of a run's (or logged model's) artifacts, as MLflow's artifacts/list answers: paths
 * relative to the root, sizes for files, and no `files` at all for a path that does not exist.
 * Works for local paths, `s3://` and `mlflow-artifacts:/` (through the server's destination).
 */
export async function listRunArtifacts(
  context: ServerContext,
  artifactUri: string,
  path: string | undefined,
): Promise<{ root_uri: string; files?: { path: string; is_dir: boolean; file_size?: number }[] }> {
  const files = await listArtifactsAt(artifactUri, path, {
    ...(context.artifactsDestination ? { mlflowArtifacts: context.artifactsDestination } : {}),
  })
  if (files.length === 0) return { root_uri: artifactUri }
  return {
    root_uri: artifactUri,
    files: files.map((f) => (f.isDir ? { path: f.path, is_dir: true } : { path: f.path, is_dir: false, file_size: f.fileSize ?? 0 })),
  }
}
