// A tiny HTTP round-robin proxy, as a load balancer puts replicas behind one address: each request
// goes to the next live backend in turn. A backend that refuses a connection is marked down (as a
// balancer's health check would) and that request is answered 502 — it reached no server, so a
// client treats it as unacknowledged.
import { createServer, request } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RoundRobin {
  readonly url: string
  /** Requests forwarded to each backend. */
  readonly counts: number[]
  /** Backends marked down after a failed connection. */
  readonly down: Set<number>
  close(): Promise<void>
}

export async function roundRobin(backends: readonly string[]): Promise<RoundRobin> {
  const counts = backends.map(() => 0)
  const down = new Set<number>()
  let next = 0
  const pick = () => {
    for (let tries = 0; tries < backends.length; tries++) {
      const index = next++ % backends.length
      if (!down.has(index)) return index
    }
    return undefined
  }
  const server: Server = createServer((incoming, outgoing) => {
    const index = pick()
    if (index === undefined) {
      outgoing.writeHead(503).end()
      return
    }
    counts[index] = (counts[index] ?? 0) + 1
    const target = new URL(incoming.url ?? '/', backends[index])
    const forwarded = request(target, { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(outgoing)
      answer.on('error', () => outgoing.destroy())
    })
    forwarded.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') down.add(index)
      if (!outgoing.headersSent) outgoing.writeHead(502).end()
      else outgoing.destroy()
    })
    incoming.pipe(forwarded)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    down,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
