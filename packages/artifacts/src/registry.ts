import { isAbsolute } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { S3Client } from '@aws-sdk/client-s3'
import { OrchardError, invalidParameter } from '@orchard/protocol/base'
import { LocalArtifactRepository } from './local/local-repository.ts'
import type { ArtifactFileInfo, ArtifactRepository } from './repository.ts'
import { proxiedArtifactPath } from './proxied-path.ts'
import { LazyS3Repository } from './s3/lazy-s3-repository.ts'

export interface OpenRepositoryOptions {
  /**
   * Where `mlflow-artifacts:` URIs (and `http(s)://…/api/2.0/mlflow-artifacts/artifacts/…`) lead: the
   * server passes its artifacts destination; the SDK, talking to a remote server, its HTTP repository.
   */
  readonly mlflowArtifacts?: ArtifactRepository | string
  /** An S3 client to use instead of the one built from MLFLOW_S3_ENDPOINT_URL and the AWS variables. */
  readonly s3Client?: S3Client
}

export { proxiedArtifactPath }

type Opener = (uri: string, options: OpenRepositoryOptions) => ArtifactRepository

const openLocal: Opener = (uri) => {
  let path: string
  try {
    path = uri.startsWith('file:') ? fileURLToPath(uri.startsWith('file://') ? uri : `file://${uri.slice('file:'.length)}`) : uri
  } catch (error) {
    throw invalidParameter(`Invalid file URI '${uri}': ${(error as Error).message}`)
  }
  return new LocalArtifactRepository(path, uri)
}

const openProxied: Opener = (uri, options) => {
  const path = proxiedArtifactPath(uri)
  const destination = options.mlflowArtifacts
  if (path === undefined || destination === undefined) {
    throw new OrchardError('NOT_IMPLEMENTED', `Artifacts at '${uri}' are served by an MLflow artifact proxy, and none is configured here.`)
  }
  // The destination is opened without a proxy of its own, so a misconfigured one cannot loop.
  const root = typeof destination === 'string' ? openArtifactRepository(destination, options.s3Client ? { s3Client: options.s3Client } : {}) : destination
  return root.child(path)
}

// The one registry of artifact stores, by URI scheme. Bare paths (no scheme) are local, as in MLflow.
const OPENERS: Readonly<Record<string, Opener>> = {
  file: openLocal,
  // The AWS SDK is loaded when an S3 repository is first used, not when Orchard starts.
  s3: (uri, options) => new LazyS3Repository(uri, options.s3Client ? { client: options.s3Client } : {}),
  'mlflow-artifacts': openProxied,
  http: openProxied,
  https: openProxied,
}

/**
 * Open the artifact repository a URI names: `file:` and plain paths are local folders, `s3://bucket/prefix`
 * is S3, `mlflow-artifacts:` resolves inside `options.mlflowArtifacts`.
 *
 * @example
 * const repository = openArtifactRepository('s3://models/0/abc/artifacts')
 * await repository.logArtifact('/tmp/model.pkl', 'model')
 */
export function openArtifactRepository(uri: string, options: OpenRepositoryOptions = {}): ArtifactRepository {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(uri)?.[1]
  if (scheme === undefined) {
    if (uri === '' || uri.includes('\0')) throw invalidParameter(`Invalid artifact location '${uri}'.`)
    return new LocalArtifactRepository(uri, isAbsolute(uri) ? uri : undefined)
  }
  const opener = Object.hasOwn(OPENERS, scheme.toLowerCase()) ? OPENERS[scheme.toLowerCase()] : undefined
  if (!opener) {
    throw new OrchardError('NOT_IMPLEMENTED', `No artifact store is registered for '${scheme}:' URIs (in '${uri}'). Orchard serves file:, s3: and mlflow-artifacts:.`)
  }
  return opener(uri, options)
}

/**
 * One level of the artifacts under any artifact URI (a run's or a logged model's), paths relative to
 * that URI. A missing path lists as empty.
 */
export function listArtifactsAt(artifactUri: string, path: string | undefined, options: OpenRepositoryOptions = {}): Promise<ArtifactFileInfo[]> {
  return openArtifactRepository(artifactUri, options).listArtifacts(path)
}
