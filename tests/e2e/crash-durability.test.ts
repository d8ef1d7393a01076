// "An acknowledged write survives a crash": a real `orchard server` process takes writes, is killed
// with SIGKILL (no shutdown code runs), and a new server on the same database must return every
// write it acknowledged, on SQLite and on PostgreSQL.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { startCli } from '../../packages/cli/test/harness.ts'

const PG_ADMIN_URL = process.env.ORCHARD_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'

async function post(url: string, path: string, body: unknown): Promise<Record<string, any>> {
  const response = await fetch(`${url}/api/2.0/mlflow/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const json = (await response.json()) as Record<string, any>
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`)
  return json
}

async function crashAndRecover(cwd: string, backendStoreUri: string): Promise<void> {
  const args = ['server', '--port', '0', '--backend-store-uri', backendStoreUri]
  const first = await startCli(cwd, args)
  const runId = (await post(first.url, 'runs/create', { experiment_id: '0' })).run.info.run_id as string
  let acknowledged = 0
  const writers = Array.from({ length: 4 }, async (_, w) => {
    for (let i = 0; i < 25; i++) {
      await post(first.url, 'runs/log-metric', { run_id: runId, key: 'm', value: i, timestamp: 1, step: w * 1000 + i })
      acknowledged++
    }
  })
  await Promise.all(writers)
  await post(first.url, 'runs/log-parameter', { run_id: runId, key: 'p', value: 'kept' })
  first.child.kill('SIGKILL')
  const exit = await first.exited
  assert.equal(exit.signal, 'SIGKILL')

  const second = await startCli(cwd, args)
  try {
    const history = await fetch(`${second.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=m`)
    const metrics = ((await history.json()) as { metrics: unknown[] }).metrics
    assert.equal(metrics.length, acknowledged)
    const run = await fetch(`${second.url}/api/2.0/mlflow/runs/get?run_id=${runId}`)
    assert.deepEqual(((await run.json()) as { run: { data: { params: unknown } } }).run.data.params, [{ key: 'p', value: 'kept' }])
  } finally {
    second.child.kill('SIGTERM')
    await second.exited
  }
}

describe('acknowledged writes survive SIGKILL', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-crash-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('on SQLite', async () => {
    await crashAndRecover(dir, `sqlite:///${join(dir, 'orchard.db')}`)
  })

  it('on PostgreSQL', async () => {
    const name = `orchard_crash_${process.pid}_${Date.now()}`
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
    try {
      const url = new URL(PG_ADMIN_URL)
      url.pathname = `/${name}`
      await crashAndRecover(dir, url.toString())
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.end()
    }
  })
})
