import type { Context } from 'hono'
import { normalizeArtifactPath, openArtifactRepository } from '@orchard/artifacts'
import type { ArtifactRepository } from '@orchard/artifacts'
import { validateRunId } from '@orchard/core'
import { getArtifactRoute, invalidParameter, parseRequest, queryToObject } from '@orchard/protocol'
import type { RegistryStore, TrackingStore } from '@orchard/store'
import { sendArtifact } from './send-artifact.ts'

/**
 * MLflow's `GET /get-artifact?path=…&run_uuid=…` (the UI's file preview and download): one file of a run,
 * from the proxy destination when the run's root is `mlflow-artifacts:` and the server serves artifacts,
 * otherwise straight from the run's own artifact URI.
 */
export async function getArtifactHandler(
  c: Context,
  trackingStore: Pick<TrackingStore, 'getRun'>,
  destination: ArtifactRepository | undefined,
): Promise<Response> {
  const request = parseRequest(getArtifactRoute.request, queryToObject(getArtifactRoute.request, new URL(c.req.url).searchParams))
  const runId = request.run_id || request.run_uuid
  if (!runId) throw invalidParameter("Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.")
  validateRunId(runId)
  const path = normalizeArtifactPath(request.path)
  const run = await trackingStore.getRun(runId)
  const repository = openArtifactRepository(run.info.artifactUri, destination ? { mlflowArtifacts: destination } : {})
  return sendArtifact(c, repository, path)
}

/**
 * MLflow's `GET /model-versions/get-artifact?path=…&name=…&version=…` (the registry UI's file view): one
 * file of a registered version, from wherever its download URI leads.
 */
export async function getModelVersionArtifactHandler(
  c: Context,
  registryStore: Pick<RegistryStore, 'getModelVersionDownloadUri'>,
  destination: ArtifactRepository | undefined,
): Promise<Response> {
  const query = new URL(c.req.url).searchParams
  const name = query.get('name')
  const version = query.get('version')
  const rawPath = query.get('path')
  if (!name) throw invalidParameter("Missing value for required parameter 'name'.")
  if (!version) throw invalidParameter("Missing value for required parameter 'version'.")
  if (rawPath === null) throw invalidParameter("Missing value for required parameter 'path'.")
  const path = normalizeArtifactPath(rawPath)
  const uri = await registryStore.getModelVersionDownloadUri(name, version)
  const repository = openArtifactRepository(uri, destination ? { mlflowArtifacts: destination } : {})
  return sendArtifact(c, repository, path)
}
