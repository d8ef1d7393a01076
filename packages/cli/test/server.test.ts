import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { orchard, STACK_FRAME, startCli, tempDir } from './harness.ts'
import type { RunningCli } from './harness.ts'

/** Resolves once `text` shows up in the process's stderr. */
async function waitForStderr(server: RunningCli, text: string): Promise<void> {
  for (let i = 0; i < 200 && !server.output().stderr.includes(text); i++) await sleep(25)
  assert.ok(server.output().stderr.includes(text), server.output().stderr)
}

/** A POST whose body is sent in two halves; `finish()` sends the rest and resolves with the reply. */
async function startSlowPost(url: string, body: string) {
  const req = request(url, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  })
  const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('error', reject)
    req.on('response', (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
  })
  const half = Math.floor(body.length / 2)
  await new Promise<void>((resolve) => req.write(body.slice(0, half), () => resolve()))
  return {
    finish() {
      req.end(body.slice(half))
      return reply
    },
  }
}

describe('orchard server', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  before(async () => {
    dir = await tempDir()
  })
  after(() => dir.remove())

  it('serves on a free port, drains an in-flight request on SIGTERM and exits 0', async (t) => {
    const server = await startCli(dir.path, ['server', '--port', '0'])
    t.after(() => server.kill())
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.ok(existsSync(join(dir.path, 'mlruns', 'orchard.db')), 'creates ./mlruns and the database')

    const health = await fetch(`${server.url}/health`)
    assert.equal(health.status, 200)
    assert.equal(await health.text(), 'OK')
    const created = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'before-shutdown' }),
    })
    assert.equal(created.status, 200)
    assert.match(((await created.json()) as { experiment_id: string }).experiment_id, /^\d+$/)

    const slow = await startSlowPost(`${server.url}/api/2.0/mlflow/experiments/create`, JSON.stringify({ name: 'in-flight' }))
    await sleep(100)
    server.child.kill('SIGTERM')
    await waitForStderr(server, 'SIGTERM')
    await assert.rejects(fetch(`${server.url}/health`), 'no new connections once shutting down')
    const reply = await slow.finish()
    assert.equal(reply.status, 200, reply.body)
    assert.equal((await server.exited).code, 0)
    assert.doesNotMatch(server.output().stderr, STACK_FRAME)

    // The request that was in flight committed before the store closed.
    const search = await orchard(dir.path, ['experiments', 'search', '--json', '--tracking-uri', `sqlite:///${join(dir.path, 'mlruns', 'orchard.db')}`])
    assert.equal(search.code, 0, search.stderr)
    const names = (JSON.parse(search.stdout) as { experiments: { name: string }[] }).experiments.map((e) => e.name)
    assert.ok(names.includes('in-flight') && names.includes('before-shutdown'), names.join(','))
  })

  it('runs several workers on one port, replaces a killed one, and stops them all on SIGTERM', { timeout: 20_000 }, async (t) => {
    const server = await startCli(dir.path, ['server', '--port', '0', '--workers', '2'])
    t.after(() => server.kill())
    assert.match(server.output().stdout, /\(2 workers\)/)
    // Children running the binary: tsx may also have an esbuild helper process.
    const workers = () =>
      execFileSync('pgrep', ['-P', String(server.child.pid), '-f', 'orchard.mjs'], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .filter(Boolean)
    const [victim] = workers()
    assert.ok(victim)
    process.kill(Number(victim), 'SIGKILL')
    await waitForStderr(server, `worker ${victim} stopped (signal SIGKILL); starting a replacement`)
    for (let i = 0; i < 200 && (workers().length < 2 || workers().includes(victim)); i++) await sleep(25)
    assert.equal(workers().length, 2)
    for (let i = 0; i < 4; i++) assert.equal((await fetch(`${server.url}/health`)).status, 200)

    server.child.kill('SIGTERM')
    assert.equal((await server.exited).code, 0)
  })

  it('reads MLFLOW_BACKEND_STORE_URI, and hands out the destination itself with --no-serve-artifacts', async (t) => {
    const database = join(dir.path, 'elsewhere.db')
    const destination = join(dir.path, 'plain-artifacts')
    const server = await startCli(dir.path, ['server', '--port', '0', '--no-serve-artifacts', '--artifacts-destination', destination], {
      MLFLOW_BACKEND_STORE_URI: `sqlite:///${database}`,
    })
    t.after(() => server.kill())
    assert.ok(existsSync(database))
    const reply = await fetch(`${server.url}/api/2.0/mlflow/experiments/get?experiment_id=0`)
    const { experiment } = (await reply.json()) as { experiment: { artifact_location: string } }
    assert.equal(experiment.artifact_location, join(destination, '0'))
    server.child.kill('SIGINT')
    assert.equal((await server.exited).code, 0)
  })

  it('takes every flag from its MLFLOW_* variable, as a container is configured: MLFLOW_SERVE_ARTIFACTS=false too', async (t) => {
    const destination = join(dir.path, 'from-env-artifacts')
    const server = await startCli(dir.path, ['server'], {
      MLFLOW_PORT: '0',
      MLFLOW_BACKEND_STORE_URI: `sqlite:///${join(dir.path, 'from-env.db')}`,
      MLFLOW_ARTIFACTS_DESTINATION: destination,
      MLFLOW_SERVE_ARTIFACTS: 'false',
    })
    t.after(() => server.kill())
    const reply = await fetch(`${server.url}/api/2.0/mlflow/experiments/get?experiment_id=0`)
    const { experiment } = (await reply.json()) as { experiment: { artifact_location: string } }
    assert.equal(experiment.artifact_location, join(destination, '0'))
  })

  it('says plainly when the port is taken, and exits 1', async (t) => {
    const first = await startCli(dir.path, ['server', '--port', '0'])
    t.after(() => first.kill())
    const port = new URL(first.url).port
    const second = await orchard(dir.path, ['server', '--port', port])
    assert.equal(second.code, 1)
    assert.equal(second.stderr, `error: port ${port} on 127.0.0.1 is already in use; stop what holds it or pick another --port\n`)
  })
})
