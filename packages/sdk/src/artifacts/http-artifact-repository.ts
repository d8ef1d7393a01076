import { Readable } from 'node:stream'
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web'
import { downloadWithListing, joinArtifactPath, normalizeArtifactPath, uploadLocalPath } from '@orchard/artifacts'
import type { ArtifactBody, ArtifactFileInfo, ArtifactRepository, ByteRange, OpenedArtifact, WriteOptions } from '@orchard/artifacts'
import { ARTIFACT_PROXY_PATH, OrchardError } from '@orchard/protocol/base'
import { errorFromResponse } from '../rest/http-client.ts'
import { routeRequest, serverRoot } from '../rest/route-request.ts'

/** The proxy's base URL on a server, `…/api/2.0/mlflow-artifacts/artifacts`, as the route table builds it. */
const proxyBase = (server: string) => routeRequest(serverRoot(server), { methods: ['GET'], path: ARTIFACT_PROXY_PATH }, {}).url

const UPLOAD_CONCURRENCY = 4

function toWebBody(body: ArtifactBody): BodyInit {
  if (typeof body === 'string' || body instanceof Uint8Array) return body as BodyInit
  if (body instanceof Readable) return Readable.toWeb(body) as unknown as BodyInit
  return body as unknown as BodyInit
}

/**
 * A tracking server's artifact proxy as an ArtifactRepository (MLflow's HttpArtifactRepository): what
 * `mlflow-artifacts:/…` run roots resolve to in a client. Bytes stream both ways; nothing is buffered.
 *
 * @example
 * const proxy = new HttpArtifactRepository('http://localhost:5000', { authorization: 'Bearer …' })
 * await proxy.child('1/0123…/artifacts').logArtifact('model.onnx', 'model')
 */
export class HttpArtifactRepository implements ArtifactRepository {
  readonly uri: string
  private readonly base: string
  private readonly server: string

  /** `server` is the tracking server's root URL; `root` an artifact path under the proxy. */
  constructor(
    server: string,
    private readonly headers: Readonly<Record<string, string>> = {},
    private readonly root = '',
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {
    this.server = serverRoot(server)
    this.base = proxyBase(this.server)
    this.uri = root ? `${this.base}/${encodePath(root)}` : this.base
  }

  child(path: string): ArtifactRepository {
    return new HttpArtifactRepository(this.server, this.headers, joinArtifactPath(this.root, normalizeArtifactPath(path)), this.fetchImpl)
  }

  async logArtifact(localFile: string, artifactPath?: string): Promise<void> {
    await uploadLocalPath(this, localFile, artifactPath, { concurrency: UPLOAD_CONCURRENCY })
  }

  async logArtifacts(localDir: string, artifactPath?: string): Promise<void> {
    await uploadLocalPath(this, localDir, artifactPath, { concurrency: UPLOAD_CONCURRENCY })
  }

  async writeArtifact(path: string, body: ArtifactBody, options: WriteOptions = {}): Promise<void> {
    const url = this.urlOf(path)
    const response = await this.send(url, {
      method: 'PUT',
      body: toWebBody(body),
      headers: { 'content-type': options.contentType ?? 'application/octet-stream' },
      // Node's fetch needs this to stream a request body.
      duplex: 'half',
      ...(options.signal ? { signal: options.signal } : {}),
    } as RequestInit)
    await response.body?.cancel()
  }

  async listArtifacts(path?: string): Promise<ArtifactFileInfo[]> {
    const relative = normalizeArtifactPath(path)
    const url = `${this.base}?${new URLSearchParams({ path: joinArtifactPath(this.root, relative) })}`
    const reply = (await (await this.send(url, { method: 'GET' })).json()) as { files?: { path: string; is_dir?: boolean; file_size?: number | string }[] }
    return (reply.files ?? [])
      .map((f) => {
        const entryPath = joinArtifactPath(relative, f.path)
        return f.is_dir ? { path: entryPath, isDir: true } : { path: entryPath, isDir: false, fileSize: Number(f.file_size ?? 0) }
      })
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  }

  async openArtifact(path: string): Promise<OpenedArtifact> {
    const url = this.urlOf(path)
    const response = await this.send(url, { method: 'GET' })
    const size = Number(response.headers.get('content-length') ?? Number.NaN)
    const modified = response.headers.get('last-modified')
    let first: Response | undefined = response
    return {
      size,
      ...(modified ? { lastModified: new Date(modified) } : {}),
      read: async (range?: ByteRange) => {
        let reply = first
        first = undefined
        if (range) {
          await reply?.body?.cancel()
          reply = await this.send(url, { method: 'GET', headers: { range: `bytes=${range.start}-${range.end ?? ''}` } })
        } else if (!reply) {
          reply = await this.send(url, { method: 'GET' })
        }
        return reply.body ? Readable.fromWeb(reply.body as NodeWebReadableStream<Uint8Array>) : Readable.from([])
      },
    }
  }

  downloadArtifacts(path: string, localDir: string): Promise<string> {
    return downloadWithListing(this, path, localDir)
  }

  async deleteArtifacts(path?: string): Promise<void> {
    const response = await this.send(this.urlOf(path ?? ''), { method: 'DELETE' })
    await response.body?.cancel()
  }

  private urlOf(path: string): string {
    const full = joinArtifactPath(this.root, normalizeArtifactPath(path))
    return full ? `${this.base}/${encodePath(full)}` : this.base
  }

  /** One request; a refused one becomes the OrchardError the server's JSON names. */
  private async send(url: string, init: RequestInit): Promise<Response> {
    let response: Response
    try {
      response = await this.fetchImpl(url, { ...init, headers: { ...this.headers, ...(init.headers as Record<string, string> | undefined) } })
    } catch (error) {
      const reason = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message
      throw new OrchardError('TEMPORARILY_UNAVAILABLE', `Could not reach ${url}: ${reason}`, { cause: error })
    }
    if (!response.ok && response.status !== 206) throw await errorFromResponse(response, { method: (init.method ?? 'GET') as 'GET', url })
    return response
  }
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/')
