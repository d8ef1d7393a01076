import type { Context, Hono } from 'hono'
import { normalizeArtifactPath, openArtifactRepository } from '@orchard/artifacts'
import type { ArtifactRepository } from '@orchard/artifacts'
import { OrchardError, invalidParameter, mlflowArtifactRoutes, parseRequest, queryToObject } from '@orchard/protocol'
import type { RouteDef, WireArtifactFileInfo } from '@orchard/protocol'
import type { RegistryStore, TrackingStore } from '@orchard/store'
import { getArtifactHandler, getModelVersionArtifactHandler } from './get-artifact.ts'
import { multipartHandlers } from './multipart.ts'
import { clientGone, requestBody } from './request-body.ts'
import { sendArtifact } from './send-artifact.ts'
import { uploadRunArtifactHandler } from './upload-run-artifact.ts'

export interface ArtifactServiceOptions {
  /**
   * `--artifacts-destination`: where `mlflow-artifacts:/…` paths live (a folder, a `file:` or `s3://` URI,
   * or a repository). Absent is `mlflow server --no-serve-artifacts`: the proxy routes stay, answering
   * MLflow's 503, and `/get-artifact` serves only runs whose artifacts the server reaches directly.
   */
  readonly destination?: ArtifactRepository | string | undefined
  /** Enables MLflow's UI download route, `GET /get-artifact`. Leave it out with `--artifacts-only`. */
  readonly trackingStore?: Pick<TrackingStore, 'getRun'> | undefined
  /** Enables MLflow's registry UI route, `GET /model-versions/get-artifact`. */
  readonly registryStore?: Pick<RegistryStore, 'getModelVersionDownloadUri'> | undefined
  /** With workspaces: the stores of the request's workspace, used instead of the two above. */
  readonly scope?: (c: Context) => Promise<{ trackingStore?: Pick<TrackingStore, 'getRun'>; registryStore?: Pick<RegistryStore, 'getModelVersionDownloadUri'> | undefined }>
}

const API_PREFIXES = ['/api/2.0', '/ajax-api/2.0'] as const
const ARTIFACT_PATH = '{artifact_path}'

/** The multi-segment `{artifact_path}` of a request, decoded once as Flask decodes `<path:…>`. */
function artifactPathOf(c: Context, routePrefix: string): string {
  const pathname = new URL(c.req.url).pathname
  const raw = pathname.slice(routePrefix.length)
  let decoded: string
  try {
    decoded = decodeURIComponent(raw)
  } catch {
    throw invalidParameter(`Invalid path ${JSON.stringify(raw)}: it is not valid percent-encoding.`)
  }
  return normalizeArtifactPath(decoded)
}

/** A request naming the destination root itself where a file or folder is required. */
function requireArtifactPath(path: string): string {
  if (!path) throw invalidParameter('An artifact path is required after /mlflow-artifacts/artifacts/.')
  return path
}

/** MLflow's wording for every proxy route of a `--no-serve-artifacts` server (a plain-text 503). */
function disabled(flaskRule: string): Response {
  return new Response(
    `Endpoint: ${flaskRule} disabled due to the mlflow server running with \`--no-serve-artifacts\`. ` +
      'To enable artifacts server functionality, run `mlflow server` with `--serve-artifacts`',
    { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } },
  )
}

const toWire = (info: { path: string; isDir: boolean; fileSize?: number }): WireArtifactFileInfo => {
  const name = info.path.slice(info.path.lastIndexOf('/') + 1)
  return info.isDir ? { path: name, is_dir: true } : { path: name, is_dir: false, file_size: info.fileSize ?? 0 }
}

type PathHandler = (c: Context, path: string, destination: ArtifactRepository) => Promise<Response>

const pathHandlers: Record<'downloadArtifact' | 'uploadArtifact' | 'deleteArtifact', PathHandler> = {
  downloadArtifact: (c, path, destination) => sendArtifact(c, destination, requireArtifactPath(path)),
  async uploadArtifact(c, path, destination) {
    const signal = clientGone(c)
    try {
      await destination.writeArtifact(requireArtifactPath(path), requestBody(c), { signal })
    } catch (error) {
      // A client that hangs up is not a server failure: no reply can reach it, and nothing is logged.
      if (signal.aborted) throw new OrchardError('BAD_REQUEST', 'The client closed the connection before the upload was complete; nothing was stored.', { cause: error })
      throw error
    }
    return c.json({})
  },
  async deleteArtifact(c, path, destination) {
    await destination.deleteArtifacts(requireArtifactPath(path))
    return c.json({})
  },
}

/**
 * MLflow's artifact proxy (`mlflow server --serve-artifacts`, the 2.x default) on `app`: upload, download,
 * list and delete under `/api/2.0/mlflow-artifacts/artifacts`, multipart uploads under `…/mpu/`, the same
 * under `/ajax-api/2.0`, and the UI's `GET /get-artifact` and `POST /ajax-api/2.0/mlflow/upload-artifact`. Bytes stream through in both directions.
 */
export function registerArtifactService(app: Hono, options: ArtifactServiceOptions): void {
  const destination = typeof options.destination === 'string' ? openArtifactRepository(options.destination) : options.destination

  for (const prefix of API_PREFIXES) {
    // Exact paths first: Hono's `…/artifacts/*` would also match the bare list route `…/artifacts`.
    const entries = (Object.entries(mlflowArtifactRoutes) as [keyof typeof mlflowArtifactRoutes, RouteDef][]).sort(
      ([, a], [, b]) => Number(a.path.endsWith(ARTIFACT_PATH)) - Number(b.path.endsWith(ARTIFACT_PATH)),
    )
    for (const [name, def] of entries) {
      const method = def.methods[0] ?? 'GET'
      const hasPath = def.path.endsWith(ARTIFACT_PATH)
      const routePrefix = `${prefix}${def.path.slice(0, def.path.length - (hasPath ? ARTIFACT_PATH.length : 0))}`
      const flaskRule = `${prefix}${def.path.replace(ARTIFACT_PATH, '<path:artifact_path>')}`
      app.on(method, hasPath ? `${routePrefix}*` : routePrefix, async (c) => {
        if (!destination) return disabled(flaskRule)
        if (name === 'listArtifactsMlflowArtifacts') {
          const request = parseRequest(def.request, queryToObject(def.request, new URL(c.req.url).searchParams)) as { path?: string }
          const files = (await destination.listArtifacts(normalizeArtifactPath(request.path))).map(toWire)
          return c.json(files.length ? { files } : {})
        }
        const path = artifactPathOf(c, routePrefix)
        if (name === 'downloadArtifact' || name === 'uploadArtifact' || name === 'deleteArtifact') return pathHandlers[name](c, path, destination)
        return c.json(await multipartHandlers[name](c, path, destination))
      })
    }
  }

  const { trackingStore, scope } = options
  const trackingOf = async (c: Context, store: Pick<TrackingStore, 'getRun'>) => (scope ? ((await scope(c)).trackingStore ?? store) : store)
  if (trackingStore) {
    app.get('/get-artifact', async (c) => getArtifactHandler(c, await trackingOf(c, trackingStore), destination))
    app.post('/ajax-api/2.0/mlflow/upload-artifact', async (c) => uploadRunArtifactHandler(c, await trackingOf(c, trackingStore), destination))
  }
  const { registryStore } = options
  if (registryStore) {
    app.get('/model-versions/get-artifact', async (c) =>
      getModelVersionArtifactHandler(c, scope ? ((await scope(c)).registryStore ?? registryStore) : registryStore, destination),
    )
  }
}
