import { createServer, request as httpRequest } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the proxy does to the next request whose path ends with `route`. */
export type Fault = { route: string; action: 'drop-after-forwarding' | 'answer-503' }

/** A proxy's address, its scripted faults (consumed as they fire) and the paths it has seen. */
export interface Proxy {
  readonly url: string
  readonly faults: Fault[]
  readonly seen: string[]
  close(): Promise<void>
}

/**
 * A proxy in front of the real server that misbehaves once per scripted fault: it either forwards
 * the request, lets the server act on it, and then drops the client's connection without an answer
 * (the worst case for a retry: the work is done, the client cannot know), or refuses with a 503.
 */
export function startProxy(upstream: URL): Promise<Proxy> {
  const faults: Fault[] = []
  const seen: string[] = []
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/'
    seen.push(path)
    const index = faults.findIndex((f) => path.split('?')[0]?.endsWith(f.route))
    const fault = index === -1 ? undefined : faults.splice(index, 1)[0]
    if (fault?.action === 'answer-503') {
      req.resume()
      res.writeHead(503, { 'content-type': 'text/plain' }).end('overloaded')
      return
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, path, method: req.method, headers: req.headers },
      (answer) => {
        if (fault?.action === 'drop-after-forwarding') {
          answer.resume()
          answer.on('end', () => req.socket.destroy())
          return
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        faults,
        seen,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    }),
  )
}
