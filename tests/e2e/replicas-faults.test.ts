// The organization setup under faults: two `orchard server` replicas on one PostgreSQL (a cluster of
// the test's own, so it can be restarted) and one S3 bucket (moto), behind a round-robin proxy.
// Artifacts written through one replica are read through the other; each webhook event is delivered
// once although both replicas run delivery loops; a PostgreSQL restart and a replica killed with
// SIGKILL under write load lose no acknowledged write.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startMoto, useMotoEnvironment } from '../../packages/artifacts/test/moto.ts'
import type { MotoServer } from '../../packages/artifacts/test/moto.ts'
import { startCli, tempDir } from '../../packages/cli/test/harness.ts'
import type { RunningCli } from '../../packages/cli/test/harness.ts'
import { startReceiver } from '../../packages/server/test/webhook-receiver.ts'
import type { Receiver } from '../../packages/server/test/webhook-receiver.ts'
import { startPrivatePostgres } from './private-postgres.ts'
import type { PrivatePostgres } from './private-postgres.ts'
import { call } from './http-call.ts'
import { roundRobin } from './round-robin.ts'
import type { RoundRobin } from './round-robin.ts'

const SECRET = 'replica-secret'

/** The MLflow REST API of the server at `url`. */
const api = (url: string, method: string, path: string, body?: unknown) => call(url, method, `/api/2.0/mlflow/${path}`, body)

async function ok(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const reply = await api(url, method, path, body)
  if (reply.status !== 200) throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.json)}`)
  return reply.json
}

/**
 * Writers logging 10-point batches with unique steps until `stop` resolves; a step counts as
 * acknowledged only when its request got 200. Failed requests (503 while the database is away, 502
 * from the proxy for a killed replica) are retried with the next batch, as a client would.
 */
async function writeUnderLoad(url: string, runId: string, stop: Promise<void>, writers = 4): Promise<{ acked: number[]; failed: number; ackedAfter: (t: number) => number }> {
  let stopped = false
  void stop.then(() => (stopped = true))
  const acked: { step: number; at: number }[] = []
  let failed = 0
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let batch = 0; !stopped; batch++) {
        const steps = Array.from({ length: 10 }, (_, i) => w * 1_000_000 + batch * 10 + i)
        const reply = await api(url, 'POST', 'runs/log-batch', {
          run_id: runId,
          metrics: steps.map((step) => ({ key: 'loss', value: step, timestamp: 1, step })),
        }).catch(() => ({ status: 0, json: undefined }))
        if (reply.status === 200) acked.push(...steps.map((step) => ({ step, at: Date.now() })))
        else {
          failed++
          await sleep(50)
        }
      }
    }),
  )
  return { acked: acked.map((a) => a.step), failed, ackedAfter: (t) => acked.filter((a) => a.at > t).length }
}

async function storedSteps(url: string, runId: string): Promise<Set<number>> {
  const history = await ok(url, 'GET', `metrics/get-history?run_id=${runId}&metric_key=loss&max_results=1000000`)
  return new Set((history.metrics as { step: number }[]).map((m) => Number(m.step)))
}

describe('replicas on one PostgreSQL and one S3 bucket, under faults', () => {
  let postgres: PrivatePostgres
  let moto: MotoServer
  let receiver: Receiver
  let dir: Awaited<ReturnType<typeof tempDir>>
  const replicas: RunningCli[] = []
  let proxy: RoundRobin

  before(async () => {
    postgres = await startPrivatePostgres()
    moto = await startMoto()
    useMotoEnvironment(moto.endpoint)
    await moto.createBucket('replicas')
    receiver = await startReceiver(SECRET)
    dir = await tempDir()
    const args = ['server', '--port', '0', '--backend-store-uri', postgres.url, '--artifacts-destination', 's3://replicas/artifacts']
    const env = {
      MLFLOW_S3_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_DEFAULT_REGION: 'us-east-1',
      MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'true',
      MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'http,https',
    }
    // One after the other: the first initialises the schema.
    replicas.push(await startCli(dir.path, args, env))
    replicas.push(await startCli(dir.path, args, env))
    proxy = await roundRobin(replicas.map((replica) => replica.url))
  })

  after(async () => {
    await proxy?.close()
    for (const replica of replicas) await replica.kill()
    await receiver?.close()
    await moto?.stop()
    await postgres?.stop()
    await dir?.remove()
  })

  it('reads through one replica the artifacts written through the other', async () => {
    const runId = (await ok(proxy.url, 'POST', 'runs/create', { experiment_id: '0' })).run.info.run_id as string
    const path = `/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/model/weights.bin`
    const bytes = Buffer.alloc(300_000, 7)
    const before = [...proxy.counts]
    assert.equal((await fetch(`${proxy.url}${path}`, { method: 'PUT', body: bytes })).status, 200)
    // Two reads in a row land on both replicas (round robin).
    for (let i = 0; i < 2; i++) {
      const download = await fetch(`${proxy.url}${path}`)
      assert.equal(download.status, 200)
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes)
    }
    assert.ok(proxy.counts.every((count, i) => count > (before[i] ?? 0)), `both replicas served: ${proxy.counts.join(', ')}`)
    const listed = await ok(proxy.url, 'GET', `artifacts/list?run_id=${runId}&path=model`)
    assert.deepEqual(listed.files.map((f: { path: string }) => f.path), ['model/weights.bin'])
  })

  it('delivers each webhook event once, although both replicas run delivery loops', async () => {
    await ok(proxy.url, 'POST', 'webhooks', {
      name: 'ci',
      url: receiver.url,
      events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }],
      secret: SECRET,
    })
    await ok(proxy.url, 'POST', 'registered-models/create', { name: 'fanned-out' })
    const runId = (await ok(proxy.url, 'POST', 'runs/create', { experiment_id: '0' })).run.info.run_id as string
    const COUNT = 12
    await Promise.all(
      Array.from({ length: COUNT }, () => ok(proxy.url, 'POST', 'model-versions/create', { name: 'fanned-out', source: `runs:/${runId}/model`, run_id: runId })),
    )
    await receiver.waitFor(COUNT, 30_000)
    // Give a duplicate time to show up: both loops poll every second.
    await sleep(2500)
    const deliveries = receiver.received.filter((r) => r.body.entity === 'model_version' || r.body.entity === 'MODEL_VERSION')
    assert.equal(deliveries.length, COUNT, JSON.stringify(receiver.received.map((r) => r.body)))
    assert.equal(new Set(deliveries.map((d) => d.deliveryId)).size, COUNT)
    assert.ok(deliveries.every((d) => d.signatureValid))
    const versions = deliveries.map((d) => Number(d.body.data.version)).sort((a, b) => a - b)
    assert.deepEqual(versions, Array.from({ length: COUNT }, (_, i) => i + 1))
  })

  it('loses no acknowledged write when PostgreSQL restarts under load, and both replicas recover', async () => {
    const runId = (await ok(proxy.url, 'POST', 'runs/create', { experiment_id: '0' })).run.info.run_id as string
    let restartedAt = 0
    const load = writeUnderLoad(
      proxy.url,
      runId,
      (async () => {
        await sleep(1500)
        await postgres.restart()
        restartedAt = Date.now()
        await sleep(2500)
      })(),
    )
    const { acked, ackedAfter } = await load
    assert.ok(acked.length > 0)
    assert.ok(ackedAfter(restartedAt) > 0, 'writes are acknowledged again after the restart')
    const stored = await storedSteps(proxy.url, runId)
    const lost = acked.filter((step) => !stored.has(step))
    assert.deepEqual(lost, [], `${lost.length} acknowledged points lost of ${acked.length}`)
    for (const replica of replicas) assert.equal(replica.child.exitCode, null, 'no replica exited')
  })

  it('loses no acknowledged write when a replica is killed under load', async () => {
    const runId = (await ok(proxy.url, 'POST', 'runs/create', { experiment_id: '0' })).run.info.run_id as string
    let killedAt = 0
    const { acked, ackedAfter } = await writeUnderLoad(
      proxy.url,
      runId,
      (async () => {
        await sleep(1000)
        replicas[1]?.child.kill('SIGKILL')
        killedAt = Date.now()
        await sleep(1500)
      })(),
    )
    assert.ok(ackedAfter(killedAt) > 0, 'the surviving replica goes on acknowledging writes')
    assert.ok(proxy.down.has(1), 'the proxy saw the killed replica go away')
    const stored = await storedSteps(proxy.url, runId)
    const lost = acked.filter((step) => !stored.has(step))
    assert.deepEqual(lost, [], `${lost.length} acknowledged points lost of ${acked.length}`)
  })
})
