// The ceiling for one-request-per-metric on this machine: the shared workload's exact pattern (fetch,
// POST JSON, concurrency 4) against a bare node:http server that reads the body and answers `{}`.
// No server can beat it with this client, so it sits next to Orchard's figure in the table.
import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'

const run = promisify(execFile)

const CLIENT = `
const [url, total] = [process.argv[1], Number(process.argv[2])]
let next = 0
const send = (k) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ run_id: 'a'.repeat(32), key: 'loss', value: Math.random(), timestamp: Date.now(), step: k }) }).then((r) => r.text())
for (let i = 0; i < 200; i++) await send(i)
const t0 = performance.now()
await Promise.all(Array.from({ length: 4 }, async () => { while (next < total) await send(next++) }))
console.log(Math.round(total / ((performance.now() - t0) / 1000)))
`

/** A node:http server that reads each body and answers `{}`: the most any server can do per request here. */
export async function startBareServer(): Promise<{ url: string; close(): void }> {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      response.setHeader('content-type', 'application/json')
      response.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
}

export async function httpCeiling(requests: number): Promise<{ bare_node_http_requests_per_s: number }> {
  const server = await startBareServer()
  try {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CLIENT, `${server.url}/`, String(requests)])
    return { bare_node_http_requests_per_s: Number(stdout.trim()) }
  } finally {
    server.close()
  }
}
