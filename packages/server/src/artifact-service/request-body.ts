import type { IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web'
import type { Context } from 'hono'

/**
 * The upload body as a Node stream, without buffering. On @hono/node-server it is the raw request
 * itself (`c.env.incoming`), which errors if the client disconnects mid-body; elsewhere (in-process
 * tests, other runtimes) the web body is adapted.
 */
export function requestBody(c: Context): Readable {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  if (incoming && !incoming.readableDidRead && typeof incoming.pipe === 'function') return incoming
  const body = c.req.raw.body
  return body ? Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>) : Readable.from([])
}

/** Aborts when the client goes away before the body is complete, so stores can drop partial uploads. */
export function clientGone(c: Context): AbortSignal {
  const controller = new AbortController()
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  if (incoming) {
    incoming.once('close', () => {
      if (!incoming.complete) controller.abort(new Error('The client closed the connection before the upload was complete.'))
    })
  } else {
    c.req.raw.signal.addEventListener('abort', () => controller.abort(c.req.raw.signal.reason), { once: true })
  }
  return controller.signal
}
