import type { Context } from 'hono'
import { MAX_ORDER_BY_KEYS, MAX_QUERY_STRING_BYTES, OrchardError, invalidParameter } from '@orchard/protocol/base'

// Bounds checked on the raw request before it is parsed into a route's schema, let alone reaches
// the store: the body's size while it streams in, the query string's length, NUL characters and
// the number of order_by keys. Each refusal names the limit.

/**
 * 413 Payload Too Large with MLflow's error JSON. MLflow has no error code of its own for it (Flask
 * answers an HTML 413), so the code is BAD_REQUEST and only the status says more.
 */
class PayloadTooLarge extends OrchardError {
  constructor(message: string) {
    super('BAD_REQUEST', message)
  }
  override get status(): number {
    return 413
  }
}

const tooLarge = (bytes: number | string, limit: number) =>
  new PayloadTooLarge(`Request body of ${bytes} bytes exceeds the limit of ${limit} bytes.`)

/**
 * The request body as text, read chunk by chunk and abandoned as soon as it passes `limit` bytes:
 * a 600 MB chunked body costs the server at most `limit` bytes of memory, not 600 MB.
 */
// The access-control middleware reads a body's fields before the handler does; both get the same
// text from one read of the stream.
const bodyTexts = new WeakMap<Request, Promise<string>>()

export function readBodyText(c: Context, limit: number): Promise<string> {
  let text = bodyTexts.get(c.req.raw)
  if (!text) {
    text = readBodyOnce(c, limit)
    bodyTexts.set(c.req.raw, text)
  }
  return text
}

// As text() decodes a body read whole: invalid bytes as U+FFFD, a leading byte-order mark dropped.
const utf8 = new TextDecoder()

async function readBodyOnce(c: Context, limit: number): Promise<string> {
  const length = c.req.header('content-length')
  const declared = Number(length ?? 0)
  if (declared > limit) throw tooLarge(declared, limit)
  // A declared length is what Node's HTTP parser reads, no more: the body is read whole, straight
  // from the socket's stream (on Node, @hono/node-server's text() builds no Request or web stream).
  if (length !== undefined) return c.req.raw.text()
  const body = c.req.raw.body
  if (!body) return ''
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    received += value.byteLength
    if (received > limit) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge(`more than ${limit}`, limit)
    }
    chunks.push(value)
  }
  return utf8.decode(Buffer.concat(chunks, received))
}

/** The query string's length, before anything parses it. */
export function checkQueryString(url: string): void {
  const start = url.indexOf('?')
  if (start < 0) return
  const bytes = url.length - start - 1
  if (bytes > MAX_QUERY_STRING_BYTES) {
    throw invalidParameter(`The query string of ${bytes} bytes exceeds the limit of ${MAX_QUERY_STRING_BYTES} bytes; send large requests as POST bodies where the API allows.`)
  }
}

const NUL_MESSAGE = 'strings may not contain the NUL character (\\u0000)'

/** Query and path values: no NUL, which PostgreSQL cannot store and no file name may hold. */
export function checkNoNul(values: Iterable<[string, string]>): void {
  for (const [key, value] of values) {
    if (value.includes('\0') || key.includes('\0')) throw invalidParameter(`Invalid value for parameter '${key.replace(/\0/g, '')}': ${NUL_MESSAGE}.`)
  }
}

/** Any order_by list of any route: at most MAX_ORDER_BY_KEYS keys. */
export function checkOrderBy(raw: Record<string, unknown>): void {
  const orderBy = raw.order_by
  if (Array.isArray(orderBy) && orderBy.length > MAX_ORDER_BY_KEYS) {
    throw invalidParameter(`Invalid value for parameter 'order_by': ${orderBy.length} keys given, at most ${MAX_ORDER_BY_KEYS} order_by keys are allowed.`)
  }
}
