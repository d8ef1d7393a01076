import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startServer } from '../src/start.ts'
import type { RunningServer } from '../src/start.ts'

// What Node's HTTP layer answers before the app sees a request, and how long shutdown may take.

/** Send raw bytes on a fresh connection; resolves with everything the server wrote before closing. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (answer += chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(answer))
    socket.write(request)
  })
}

async function openServer(dir: string, shutdownDeadlineMs?: number): Promise<RunningServer> {
  return startServer({
    host: '127.0.0.1',
    port: 0,
    backendStoreUri: `sqlite:///${join(dir, `orchard-${Math.random().toString(16).slice(2)}.db`)}`,
    defaultArtifactRoot: 'mlflow-artifacts:/',
    artifactsDestination: join(dir, 'artifacts'),
    // The request cut at the deadline fails in its handler; that is expected here, not a fault.
    logError: () => undefined,
    ...(shutdownDeadlineMs === undefined ? {} : { shutdownDeadlineMs }),
  })
}

describe('the HTTP layer', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-http-guards-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('answers oversized headers with 431 and malformed requests with 400, in MLflow error JSON', async () => {
    const server = await openServer(dir)
    try {
      const huge = await fetch(`${server.url}/api/2.0/mlflow/experiments/search`, { headers: { 'x-padding': 'x'.repeat(300 * 1024) } })
      assert.equal(huge.status, 431)
      assert.match(huge.headers.get('content-type') ?? '', /application\/json/)
      const json = (await huge.json()) as { error_code: string; message: string }
      assert.equal(json.error_code, 'BAD_REQUEST')
      assert.match(json.message, /exceed the limit of 262144 bytes/)

      const garbage = await rawExchange(server.port, 'NOT HTTP AT ALL\r\n\r\n')
      assert.match(garbage, /^HTTP\/1\.1 400 Bad Request/)
      assert.match(garbage, /"error_code":"BAD_REQUEST"/)
    } finally {
      await server.close()
    }
  })

  it('cuts requests still in flight at the shutdown deadline instead of waiting for them', async () => {
    const server = await openServer(dir, 300)
    // A body announced at 1,000 bytes of which 10 arrive: the request can never finish by itself.
    const stalled = rawExchange(
      server.port,
      'POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name": "',
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    const started = Date.now()
    await server.close()
    const took = Date.now() - started
    // Generous: the point is that it ends at all (Node's own request timeout is 5 minutes).
    assert.ok(took < 15_000, `close() took ${took} ms`)
    await stalled
  })
})
