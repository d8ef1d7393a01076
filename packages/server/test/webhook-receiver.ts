import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as the receiver saw it, with its signature checked the way MLflow's docs tell receivers to. */
export interface Received {
  readonly deliveryId: string
  readonly timestamp: string
  readonly signatureValid: boolean
  readonly body: { entity: string; action: string; timestamp: string; data: Record<string, unknown> }
  /** The status the receiver answered with. */
  readonly status: number
}

export interface Receiver {
  readonly url: string
  readonly received: Received[]
  /** The status for each next request, in order; 200 once the list is used up. */
  readonly replies: number[]
  /** While true, requests are held without an answer (a receiver that hangs). */
  stall: boolean
  /** Requests held unanswered. */
  pending(): number
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>
  close(): Promise<void>
}

/** An independent check of `X-MLflow-Signature`: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<raw body>">. */
export function verifySignature(secret: string, deliveryId: string, timestamp: string, rawBody: string, header: string | undefined): boolean {
  if (!header?.startsWith('v1,')) return false
  const expected = Buffer.from(createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${rawBody}`).digest('base64'))
  const given = Buffer.from(header.slice(3))
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** A webhook endpoint on 127.0.0.1 (a private address: the server must be told to allow it). */
export async function startReceiver(secret: string): Promise<Receiver> {
  const received: Received[] = []
  const replies: number[] = []
  const waiters: (() => void)[] = []
  let held = 0
  const state = { stall: false }
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const deliveryId = String(request.headers['x-mlflow-delivery-id'] ?? '')
      const timestamp = String(request.headers['x-mlflow-timestamp'] ?? '')
      const status = replies.shift() ?? 200
      if (state.stall) held++
      received.push({
        deliveryId,
        timestamp,
        signatureValid: verifySignature(secret, deliveryId, timestamp, raw, request.headers['x-mlflow-signature'] as string | undefined),
        body: JSON.parse(raw) as Received['body'],
        status,
      })
      if (!state.stall) response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: status < 400 ? 'received' : 'failed' }))
      for (const wake of waiters.splice(0)) wake()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    replies,
    get stall() {
      return state.stall
    },
    set stall(value: boolean) {
      state.stall = value
    },
    pending: () => held,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhook requests, got ${received.length}`)
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 100)
        })
      }
      return received
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
