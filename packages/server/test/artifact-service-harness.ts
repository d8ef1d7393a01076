import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ArtifactRepository } from '@orchard/artifacts'
import { openStores } from '@orchard/store'
import type { TrackingStore } from '@orchard/store'
import { createApp } from '../src/app.ts'

export interface ArtifactTestApp {
  readonly dir: string
  /** The destination folder on disk, when the destination is local. */
  readonly artifactsDir: string
  readonly store: TrackingStore
  /** What the app's onError logged (it logs every 5xx, including NOT_IMPLEMENTED). */
  readonly errors: unknown[]
  fetch(path: string, init?: RequestInit): Promise<Response>
  /** JSON body of a reply, or its text when it is not JSON. */
  json(response: Response): Promise<any>
  /** A run created over the API, with its mlflow-artifacts:/ root resolved to a proxy URL path. */
  createRun(experimentId?: string): Promise<{ runId: string; artifactUri: string; proxyPath: string }>
  close(): Promise<void>
}

/**
 * The tracking app with the artifact service registered as `createApp` will, over a temp SQLite store,
 * driven in-process through its fetch handler. The destination defaults to a temp folder.
 */
export async function openArtifactTestApp(options: { destination?: ArtifactRepository | string; serveArtifacts?: boolean } = {}): Promise<ArtifactTestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-artifact-service-'))
  const artifactsDir = join(dir, 'artifacts')
  await mkdir(artifactsDir)
  const { trackingStore: store, registryStore } = await openStores(`sqlite:///${join(dir, 'orchard.db')}`, { defaultArtifactRoot: 'mlflow-artifacts:/' })
  const destination = options.destination ?? artifactsDir
  const errors: unknown[] = []
  const app = createApp({
    trackingStore: store,
    registryStore,
    ...(options.serveArtifacts === false ? {} : { artifactsDestination: destination }),
    // Experiments of these tests keep their artifacts in folders of the temp dir.
    allowedArtifactLocations: [dir],
    logError: (e) => errors.push(e),
  })
  const fetch = async (path: string, init?: RequestInit) => app.request(path, init)
  return {
    dir,
    artifactsDir,
    store,
    errors,
    fetch,
    async json(response) {
      const text = await response.text()
      try {
        return JSON.parse(text)
      } catch {
        return text
      }
    },
    async createRun(experimentId = '0') {
      const response = await fetch('/api/2.0/mlflow/runs/create', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ experiment_id: experimentId }),
      })
      const info = ((await response.json()) as { run: { info: { run_id: string; artifact_uri: string } } }).run.info
      return {
        runId: info.run_id,
        artifactUri: info.artifact_uri,
        proxyPath: info.artifact_uri.replace(/^mlflow-artifacts:\//, '/api/2.0/mlflow-artifacts/artifacts/'),
      }
    },
    async close() {
      await registryStore.close()
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Assert an MLflow error reply: status, error_code and a fragment of the message. */
export async function expectErrorReply(response: Response, status: number, code: string, fragment: string | RegExp): Promise<void> {
  const text = await response.text()
  let json: { error_code?: string; message?: string } = {}
  try {
    json = JSON.parse(text) as typeof json
  } catch {
    // fall through to the failure below
  }
  const message = String(json.message)
  const ok = response.status === status && json.error_code === code && (typeof fragment === 'string' ? message.includes(fragment) : fragment.test(message))
  if (!ok) throw new Error(`expected ${status} ${code} containing ${String(fragment)}, got ${response.status} ${text}`)
}
