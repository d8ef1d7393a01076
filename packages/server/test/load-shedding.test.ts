import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { AdmissionGate, isLimitedPath } from '../src/load-shedding.ts'
import { startServer } from '../src/start.ts'
import type { RunningServer } from '../src/start.ts'

const limits = { maxConcurrent: 2, maxQueued: 1, queueTimeoutMs: 200, requestTimeoutMs: 1000 }

describe('AdmissionGate', () => {
  it('admits up to the limit, queues first come first served, refuses past the queue', async () => {
    const gate = new AdmissionGate(limits)
    const first = await gate.enter()
    const second = await gate.enter()
    const order: string[] = []
    const third = gate.enter().then((release) => {
      order.push('third')
      return release
    })
    await assert.rejects(gate.enter(), (error: Error) => /at capacity \(2 requests in progress, 1 waiting/.test(error.message))
    assert.equal(gate.inFlight, 2)
    assert.equal(gate.queued, 1)
    first()
    first() // a second release of the same slot changes nothing
    const released = await third
    assert.deepEqual(order, ['third'])
    assert.equal(gate.inFlight, 2)
    second()
    released()
    assert.equal(gate.inFlight, 0)
  })

  it('gives up on a queued request after the queue timeout', async () => {
    const gate = new AdmissionGate({ ...limits, maxConcurrent: 1 })
    const held = await gate.enter()
    const started = Date.now()
    await assert.rejects(gate.enter(), (error: Error) => /waited 200 ms/.test(error.message))
    assert.ok(Date.now() - started >= 190)
    assert.equal(gate.queued, 0)
    held()
    assert.equal(gate.inFlight, 0)
  })

  it('limits the APIs, not artifact transfers or probes', () => {
    assert.equal(isLimitedPath('/api/2.0/mlflow/runs/get'), true)
    assert.equal(isLimitedPath('/ajax-api/2.0/mlflow/runs/search'), true)
    assert.equal(isLimitedPath('/api/3.0/mlflow/logged-models/search'), true)
    assert.equal(isLimitedPath('/graphql'), true)
    assert.equal(isLimitedPath('/api/2.0/mlflow-artifacts/artifacts/a/b'), false)
    assert.equal(isLimitedPath('/health'), false)
    assert.equal(isLimitedPath('/metrics'), false)
  })
})

describe('orchard server under overload (SQLite write lock held by another process)', () => {
  let dir: string
  let server: RunningServer
  let runId: string

  const post = (path: string, body: unknown) =>
    fetch(`${server.url}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-load-'))
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: `sqlite:///${join(dir, 'mlflow.db')}`,
      defaultArtifactRoot: join(dir, 'artifacts'),
      loadLimits: { ...limits, queueTimeoutMs: 5000, requestTimeoutMs: 1000 },
    })
    const experiment = (await (await post('experiments/create', { name: 'overload' })).json()) as { experiment_id: string }
    const run = (await (await post('runs/create', { experiment_id: experiment.experiment_id })).json()) as { run: { info: { run_id: string } } }
    runId = run.run.info.run_id
  })

  after(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('answers 503 with Retry-After past the queue and past the deadline, keeps serving probes, and applies late writes', async () => {
    const other = new Database(join(dir, 'mlflow.db'))
    other.exec('BEGIN IMMEDIATE')
    try {
      const replies = [0, 1, 2, 3].map((step) =>
        post('runs/log-metric', { run_id: runId, key: 'loss', value: step, timestamp: 1, step }).then(async (r) => ({
          status: r.status,
          retryAfter: r.headers.get('retry-after'),
          body: (await r.json()) as { error_code?: string; message?: string },
        })),
      )
      // Two in progress (waiting for the lock) and one queued: the fourth is refused at once.
      const first = await Promise.race(replies)
      assert.equal(first.status, 503)
      assert.equal(first.retryAfter, '1')
      assert.equal(first.body.error_code, 'TEMPORARILY_UNAVAILABLE')
      assert.match(first.body.message ?? '', /at capacity \(2 requests in progress, 1 waiting; --max-concurrent-requests, --max-queued-requests\)/)
      // Probes are not queued behind the API.
      assert.equal((await fetch(`${server.url}/health`)).status, 200)
      // The two in progress miss their 1 s deadline.
      await new Promise((resolve) => setTimeout(resolve, 1300))
      other.exec('ROLLBACK')
      const all = await Promise.all(replies)
      const late = all.filter((r) => /did not finish within 1 s \(--request-timeout\)/.test(r.body.message ?? ''))
      assert.equal(late.length, 2, JSON.stringify(all))
      for (const reply of late) {
        assert.equal(reply.status, 503)
        assert.equal(reply.retryAfter, '1')
      }
      // The queued one got its turn once the lock was released.
      assert.equal(all.filter((r) => r.status === 200).length, 1, JSON.stringify(all))
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK')
      other.close()
    }
    // The late writes were still applied, as their message warns: three points, the refused one absent.
    let steps: number[] = []
    for (let attempt = 0; attempt < 50 && steps.length < 3; attempt++) {
      const reply = await fetch(`${server.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`)
      steps = ((await reply.json()) as { metrics?: { step: number }[] }).metrics?.map((m) => m.step).sort() ?? []
      if (steps.length < 3) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    assert.equal(steps.length, 3)
    assert.ok(steps.every((step) => step >= 0 && step <= 3))
    // And the server serves normally again.
    assert.equal((await post('runs/log-metric', { run_id: runId, key: 'loss', value: 9, timestamp: 1, step: 9 })).status, 200)
  })
})
