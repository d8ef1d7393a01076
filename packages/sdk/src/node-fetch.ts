import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web'

// The part of fetch that OrchardClient uses, over node:http. Node's global fetch is undici, which Node
// loads on the first call: about 0.2 s of a short process's life (a CLI command against a server, a
// training script's first log call), more than the requests themselves. This covers what the SDK's
// HTTP client and artifact proxy send and read: a method, headers, a string, byte or stream body, an
// abort signal, redirects, and a response's status, headers, text, JSON and body stream. It fails
// the way fetch fails (a TypeError 'fetch failed' with the system error as its cause, the signal's
// reason on abort), so retries and messages do not depend on which one ran.

const MAX_REDIRECTS = 20
const REDIRECTS = new Set([301, 302, 303, 307, 308])
// Idle connections are kept for the next request and do not hold the process open (Node unrefs a
// kept-alive socket while it is free).
const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) }

type Body = string | Uint8Array | ReadableStream<Uint8Array> | Readable

/** A fetch Response as far as OrchardClient reads one. */
class NodeResponse {
  readonly ok: boolean
  readonly status: number
  readonly statusText: string
  readonly headers: { get(name: string): string | null }
  readonly url: string
  private stream: ReadableStream<Uint8Array> | undefined

  constructor(
    private readonly message: IncomingMessage,
    url: string,
  ) {
    this.status = message.statusCode ?? 0
    this.ok = this.status >= 200 && this.status < 300
    this.statusText = message.statusMessage ?? ''
    this.url = url
    this.headers = {
      get: (name) => {
        const value = message.headers[name.toLowerCase()]
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : String(value)
      },
    }
  }

  get body(): ReadableStream<Uint8Array> {
    this.stream ??= Readable.toWeb(this.message) as unknown as ReadableStream<Uint8Array>
    return this.stream
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const chunks: Buffer[] = []
    for await (const chunk of this.message) chunks.push(chunk as Buffer)
    const bytes = Buffer.concat(chunks)
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  }

  async text(): Promise<string> {
    return Buffer.from(await this.arrayBuffer()).toString('utf8')
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text())
  }
}

function headersOf(init: RequestInit): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {}
  const given = init.headers
  if (given === undefined) return headers
  const entries: Iterable<[string, string]> = Symbol.iterator in given ? (given as Iterable<[string, string]>) : Object.entries(given)
  for (const [name, value] of entries) headers[name.toLowerCase()] = value
  return headers
}

/** A body that can be sent again after a redirect (streams cannot). */
const replayable = (body: unknown) => body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array

function send(url: URL, method: string, headers: OutgoingHttpHeaders, body: Body | undefined, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method,
      headers,
      agent: url.protocol === 'https:' ? agents['https:'] : agents['http:'],
    })
    const onAbort = () => request.destroy(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    request.once('response', (response) => {
      // The signal still ends a response whose body is being read, as fetch's does.
      response.once('close', () => signal?.removeEventListener('abort', onAbort))
      resolve(response)
    })
    request.once('error', (error) => {
      signal?.removeEventListener('abort', onAbort)
      reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }))
    })
    if (body === undefined) request.end()
    else if (typeof body === 'string' || body instanceof Uint8Array) {
      // A known length, as fetch sends it (some servers and object stores refuse chunked uploads).
      request.setHeader('content-length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength)
      request.end(body)
    }
    else {
      const stream = body instanceof Readable ? body : Readable.fromWeb(body as unknown as NodeWebReadableStream<Uint8Array>)
      stream.once('error', (error) => request.destroy(error))
      stream.pipe(request)
    }
  })
}

/**
 * fetch over node:http and node:https for the SDK's requests; see the note at the top of this file.
 * A Request object is read for its URL only: the SDK passes URLs and an init.
 */
export const nodeFetch: typeof fetch = async (input, init = {}) => {
  let url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url)
  let method = (init.method ?? 'GET').toUpperCase()
  let body = (init.body ?? undefined) as Body | undefined
  const headers = headersOf(init)
  // As fetch: a text body is labelled text/plain unless the caller says otherwise.
  if (typeof body === 'string' && headers['content-type'] === undefined) headers['content-type'] = 'text/plain;charset=UTF-8'
  const signal = init.signal ?? undefined
  for (let redirects = 0; ; redirects++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${url.protocol}`) })
    const response = await send(url, method, headers, body, signal)
    const location = response.headers.location
    const status = response.statusCode ?? 0
    if (!REDIRECTS.has(status) || location === undefined || init.redirect === 'manual') return new NodeResponse(response, url.href) as unknown as Response
    response.resume()
    if (init.redirect === 'error' || redirects >= MAX_REDIRECTS) throw new TypeError('fetch failed', { cause: new Error('redirect refused or too many redirects') })
    // 303, and 301/302 after a POST, turn into a GET without a body, as fetch does.
    if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
      method = 'GET'
      body = undefined
      delete headers['content-type']
      delete headers['content-length']
    } else if (!replayable(body)) {
      throw new TypeError('fetch failed', { cause: new Error(`cannot follow a ${status} redirect with a streamed body`) })
    }
    const next = new URL(location, url)
    // Credentials go only to the origin they were given for.
    if (next.origin !== url.origin) delete headers.authorization
    url = next
  }
}
