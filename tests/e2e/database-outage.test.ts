// The database going away must not take the server with it: a real `orchard server` process on
// PostgreSQL keeps serving while its connections are terminated under load (pg_terminate_backend,
// as a PostgreSQL restart or failover does), answers 503 TEMPORARILY_UNAVAILABLE with Retry-After
// while the database refuses connections, reports that on its readiness endpoint, and recovers on
// its own once the database is back. Only this test's own database is touched.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { runSql, testDatabase } from '@orchard/store/testing'
import { OrchardClient } from '@orchard/sdk'
import { startCli, tempDir } from '../../packages/cli/test/harness.ts'
import type { RunningCli } from '../../packages/cli/test/harness.ts'
import { call } from './http-call.ts'
import type { Answer } from './http-call.ts'

/** An answer the server may give while its database is unreliable: success, or a 503 to retry. */
function assertOkOrUnavailable(answer: Answer, what: string): void {
  if (answer.status === 200) return
  assert.equal(answer.status, 503, `${what}: ${answer.status} ${JSON.stringify(answer.json)}`)
  assert.equal(answer.json?.error_code, 'TEMPORARILY_UNAVAILABLE', what)
  assert.ok(answer.retryAfter && Number(answer.retryAfter) > 0, `${what}: Retry-After ${answer.retryAfter}`)
}

const terminateBackends = (admin: string, database: string) =>
  runSql(admin, `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = '${database}' AND pid <> pg_backend_pid()`)

describe('the server survives its PostgreSQL connections being terminated', () => {
  const database = testDatabase('orchard_outage')
  let dir: Awaited<ReturnType<typeof tempDir>>
  let server: RunningCli
  const admin = database.url.replace(/\/[^/]+$/, '/postgres')

  before(async () => {
    await database.create()
    dir = await tempDir()
    server = await startCli(dir.path, ['server', '--port', '0', '--backend-store-uri', database.url])
  })
  after(async () => {
    await server?.kill()
    await runSql(admin, `ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`).catch(() => undefined)
    await database.drop()
    await dir?.remove()
  })

  it('answers 200 or 503 with Retry-After while backends are killed mid-request, and never exits', async () => {
    const created = await call(server.url, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' })
    assert.equal(created.status, 200)
    const runId = created.json.run.info.run_id as string
    let stop = false
    let answers = 0
    const writers = Array.from({ length: 6 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const write = await call(server.url, 'POST', '/api/2.0/mlflow/runs/log-metric', { run_id: runId, key: 'm', value: i, timestamp: 1, step: w * 100_000 + i })
        assertOkOrUnavailable(write, 'log-metric')
        const read = await call(server.url, 'GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`)
        assertOkOrUnavailable(read, 'runs/get')
        answers += 2
      }
    })
    let terminated = 0
    const killer = (async () => {
      for (let round = 0; round < 15; round++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        terminated += Number((await terminateBackends(admin, database.name))?.n ?? 0)
      }
      stop = true
    })()
    await Promise.all([killer, ...writers]).catch(async (error: unknown) => {
      await Promise.race([server.exited, new Promise((resolve) => setTimeout(resolve, 2000))])
      throw new Error(`${String(error)}; server stderr:\n${server.output().stderr}`)
    })
    assert.ok(terminated > 0, 'the test terminated some of the server’s connections')
    assert.ok(answers > 0)
    assert.equal(server.child.exitCode, null, `server exited:\n${server.output().stderr}`)

    const after = await call(server.url, 'POST', '/api/2.0/mlflow/runs/log-metric', { run_id: runId, key: 'm', value: 1, timestamp: 1, step: -1 })
    assert.equal(after.status, 200, JSON.stringify(after.json))
    assert.doesNotMatch(server.output().stderr, /INTERNAL_ERROR|uncaught/i)
  })

  it('answers 503 with Retry-After while the database refuses connections, /ready follows it, and recovers', async () => {
    assert.equal((await call(server.url, 'GET', '/ready')).status, 200)
    await runSql(admin, `ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`)
    await terminateBackends(admin, database.name)
    try {
      const search = await call(server.url, 'POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['0'] })
      assertOkOrUnavailable(search, 'runs/search')
      assert.equal(search.status, 503)
      assert.match(search.json.message, /database/i)
      const write = await call(server.url, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'while-down' })
      assert.equal(write.status, 503, JSON.stringify(write.json))
      const ready = await call(server.url, 'GET', '/ready')
      assert.equal(ready.status, 503)
      assert.equal(ready.json.error_code, 'TEMPORARILY_UNAVAILABLE')
      // Liveness: the process itself is fine, so an orchestrator must not restart it.
      assert.equal((await call(server.url, 'GET', '/health')).status, 200)
    } finally {
      await runSql(admin, `ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`)
    }
    assert.equal((await call(server.url, 'GET', '/ready')).status, 200)
    const search = await call(server.url, 'POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['0'] })
    assert.equal(search.status, 200)
    assert.equal(server.child.exitCode, null)
  })

  it('the SDK rides out an outage by retrying on 503', async () => {
    const client = new OrchardClient(server.url, { retry: { maxRetries: 8, initialDelayMs: 100, maxDelayMs: 1000 } })
    try {
      await runSql(admin, `ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`)
      await terminateBackends(admin, database.name)
      const reopen = new Promise((resolve) => setTimeout(resolve, 1500)).then(() =>
        runSql(admin, `ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`),
      )
      const experimentId = await client.createExperiment('created-across-an-outage')
      await reopen
      assert.equal((await client.getExperiment(experimentId)).name, 'created-across-an-outage')
    } finally {
      await runSql(admin, `ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`)
      await client.close()
    }
  })
})
