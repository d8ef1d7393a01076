import type { Context } from 'hono'
import { normalizeArtifactPath, openArtifactRepository } from '@orchard/artifacts'
import type { ArtifactRepository } from '@orchard/artifacts'
import { validateRunId } from '@orchard/core'
import { invalidParameter } from '@orchard/protocol/base'
import type { TrackingStore } from '@orchard/store'

/** MLflow's cap on this route: the UI uploads small files through it, not models. */
export const UPLOAD_ARTIFACT_MAX_BYTES = 10 * 1024 * 1024

/** Reads at most `limit` bytes of the body; a longer one is refused before it is all in memory. */
async function boundedBody(c: Context, limit: number): Promise<Uint8Array> {
  const declared = Number(c.req.header('content-length'))
  const tooLarge = () => invalidParameter(`Artifact size is too large. Max size is ${limit / (1024 * 1024)}MB.`)
  if (Number.isFinite(declared) && declared > limit) throw tooLarge()
  const body = c.req.raw.body
  if (!body) return new Uint8Array()
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength
    if (size > limit) throw tooLarge()
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/**
 * MLflow's `POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=…&path=…` (the UI's upload): the raw body
 * becomes the file `path` under the run's artifact root, through the proxy destination when the run's
 * root is `mlflow-artifacts:`, otherwise straight to the run's own artifact URI.
 */
export async function uploadRunArtifactHandler(
  c: Context,
  trackingStore: Pick<TrackingStore, 'getRun'>,
  destination: ArtifactRepository | undefined,
): Promise<Response> {
  const query = new URL(c.req.url).searchParams
  const runId = query.get('run_uuid') || query.get('run_id')
  if (!runId) throw invalidParameter('Request must specify run_uuid.')
  const rawPath = query.get('path')
  if (!rawPath) throw invalidParameter('Request must specify path.')
  validateRunId(runId)
  const path = normalizeArtifactPath(rawPath)
  if (!path) throw invalidParameter('Request must specify path.')
  const data = await boundedBody(c, UPLOAD_ARTIFACT_MAX_BYTES)
  if (data.byteLength === 0) throw invalidParameter('Request must specify data.')
  const run = await trackingStore.getRun(runId)
  const repository = openArtifactRepository(run.info.artifactUri, destination ? { mlflowArtifacts: destination } : {})
  await repository.writeArtifact(path, data)
  return c.json({})
}
