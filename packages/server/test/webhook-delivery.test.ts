import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, it } from 'node:test'
import { startServer } from '../src/start.ts'
import type { RunningServer } from '../src/start.ts'
import { webhookSettingsFromEnv } from '../src/webhooks/settings.ts'
import type { WebhookSettings } from '../src/webhooks/settings.ts'
import { startReceiver } from './webhook-receiver.ts'
import type { Receiver } from './webhook-receiver.ts'

// A real server (startServer, port 0) delivering to a real HTTP receiver on 127.0.0.1.

const SECRET = 'test-secret-key'
// The local receiver is private and plain http: allowed here as MLflow's own tests allow them.
const LOCAL: WebhookSettings = {
  ...webhookSettingsFromEnv({ MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'true', MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'http' }),
  backoffBaseMs: 20,
  backoffMaxMs: 100,
  jitterMs: 5,
}

let dir: string
let receiver: Receiver
const servers: RunningServer[] = []
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orchard-webhook-delivery-'))
})
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
  await receiver?.close()
})
after(() => rm(dir, { recursive: true, force: true }))

let databases = 0
const newDatabase = () => `sqlite:///${join(dir, `orchard-${++databases}.db`)}`

async function start(backendStoreUri: string, webhookSettings: WebhookSettings): Promise<RunningServer> {
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    backendStoreUri,
    defaultArtifactRoot: join(dir, 'artifacts'),
    webhookSettings,
    webhookDelivery: { pollIntervalMs: 25 },
  })
  servers.push(server)
  return server
}

async function stop(server: RunningServer): Promise<void> {
  servers.splice(servers.indexOf(server), 1)
  await server.close()
}

async function call(server: RunningServer, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path.startsWith('/') ? path : `/api/2.0/mlflow/${path}`}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const json = (await response.json()) as Record<string, any>
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
  return json
}

const createHook = (server: RunningServer, events: { entity: string; action: string }[]) =>
  call(server, 'POST', 'webhooks', { name: 'ci', url: receiver.url, secret: SECRET, events }).then((r) => r.webhook.webhook_id as string)

const deliveries = (server: RunningServer, webhookId: string) =>
  call(server, 'GET', `/api/2.0/orchard/webhooks/deliveries?webhook_id=${webhookId}`).then((r) => (r.deliveries ?? []) as Record<string, any>[])

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe('webhook delivery', () => {
  it('delivers signed events in the order of their changes, retrying a delivery the receiver failed', async () => {
    receiver = await startReceiver(SECRET)
    const server = await start(newDatabase(), LOCAL)
    const id = await createHook(server, [
      { entity: 'REGISTERED_MODEL', action: 'CREATED' },
      { entity: 'MODEL_VERSION', action: 'CREATED' },
      { entity: 'MODEL_VERSION', action: 'STAGE_TRANSITIONED' },
      { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
    ])
    receiver.replies.push(500)
    await call(server, 'POST', 'registered-models/create', { name: 'fraud' })
    for (let i = 1; i <= 3; i++) await call(server, 'POST', 'model-versions/create', { name: 'fraud', source: `s3://b/${i}`, run_id: `run${i}` })
    await call(server, 'POST', 'model-versions/transition-stage', { name: 'fraud', version: '2', stage: 'Production', archive_existing_versions: false })
    await call(server, 'POST', 'registered-models/alias', { name: 'fraud', alias: 'champion', version: '2' })

    const received = await receiver.waitFor(7)
    assert.ok(received.every((r) => r.signatureValid), 'every request carries a valid X-MLflow-Signature')
    assert.equal(received[0]?.status, 500)
    assert.equal(received[1]?.deliveryId, received[0]?.deliveryId, 'a retry keeps its delivery id')
    const delivered = received.filter((r) => r.status === 200)
    assert.deepEqual(
      delivered.map((r) => `${r.body.entity}.${r.body.action} ${String(r.body.data.version ?? '')}`.trim()),
      [
        'registered_model.created',
        'model_version.created 1',
        'model_version.created 2',
        'model_version.created 3',
        'model_version.stage_transitioned 2',
        'model_version_alias.created 2',
      ],
    )
    assert.equal(new Set(delivered.map((r) => r.deliveryId)).size, 6)
    assert.deepEqual(delivered[1]?.body.data, { name: 'fraud', version: '1', source: 's3://b/1', run_id: 'run1', tags: {}, description: null })
    assert.ok(Math.abs(Number(delivered[0]?.timestamp) - Date.now() / 1000) < 60, 'X-MLflow-Timestamp is Unix seconds')

    const records = await until('records', () => deliveries(server, id), (list) => list.every((d) => d.status === 'DELIVERED'))
    const first = records.at(-1)!
    assert.deepEqual([first.event, first.attempts, first.last_response_status], ['registered_model.created', 2, 200])
    assert.ok(records.slice(0, -1).every((d) => d.attempts === 1))
  })

  it('gives up after MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES and does not retry a 4xx other than 429', async () => {
    receiver = await startReceiver(SECRET)
    const server = await start(newDatabase(), { ...LOCAL, maxRetries: 2 })
    const id = await createHook(server, [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }])
    receiver.replies.push(503, 429, 502, 400)
    await call(server, 'POST', 'registered-models/create', { name: 'a' })
    await call(server, 'POST', 'registered-models/create', { name: 'b' })
    const records = await until('failures', () => deliveries(server, id), (list) => list.length === 2 && list.every((d) => d.status === 'FAILED'))
    assert.deepEqual(records.map((d) => [JSON.parse(d.payload).data.name, d.attempts, d.last_response_status]), [
      ['b', 1, 400],
      ['a', 3, 502],
    ])
    assert.match(records[1]?.last_error, /^HTTP 502/)
    assert.equal(receiver.received.length, 4)
  })

  it('keeps undelivered events in the outbox across a restart and delivers them from the next server', async () => {
    receiver = await startReceiver(SECRET)
    const uri = newDatabase()
    const first = await start(uri, { ...LOCAL, maxRetries: 1000 })
    const id = await createHook(first, [{ entity: 'MODEL_VERSION_TAG', action: 'SET' }])
    receiver.replies.push(...Array<number>(10_000).fill(503))
    await call(first, 'POST', 'registered-models/create', { name: 'm' })
    await call(first, 'POST', 'model-versions/create', { name: 'm', source: 's3://b/1' })
    await call(first, 'POST', 'model-versions/set-tag', { name: 'm', version: '1', key: 'approved', value: 'yes' })
    await receiver.waitFor(2)
    await stop(first)
    const second = await start(uri, { ...LOCAL, maxRetries: 1000 })
    receiver.replies.length = 0
    const [record] = await until('the delivery', () => deliveries(second, id), (list) => list[0]?.status === 'DELIVERED')
    assert.ok((record?.attempts as number) >= 3)
    const last = receiver.received.at(-1)!
    assert.deepEqual([last.status, last.signatureValid, last.body.data], [200, true, { name: 'm', version: '1', key: 'approved', value: 'yes' }])
    assert.ok(receiver.received.every((r) => r.deliveryId === last.deliveryId))
  })

  it('answers the API call without waiting for the receiver', async () => {
    receiver = await startReceiver(SECRET)
    const server = await start(newDatabase(), LOCAL)
    await createHook(server, [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }])
    receiver.stall = true
    const started = Date.now()
    await call(server, 'POST', 'registered-models/create', { name: 'fast' })
    await receiver.waitFor(1)
    assert.ok(Date.now() - started < LOCAL.requestTimeoutMs, 'the receiver holds the delivery; the API call is long done')
    assert.equal(receiver.pending(), 1)
    const closing = Date.now()
    await stop(server)
    assert.ok(Date.now() - closing < LOCAL.requestTimeoutMs, 'closing aborts the delivery in flight instead of waiting for its timeout')
  })

  it('refuses at delivery time an address that is no longer allowed, without sending anything', async () => {
    receiver = await startReceiver(SECRET)
    const uri = newDatabase()
    const permissive = await start(uri, LOCAL)
    const id = await createHook(permissive, [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }])
    await stop(permissive)
    const strict = await start(uri, { ...LOCAL, allowPrivateIps: false })
    await call(strict, 'POST', 'registered-models/create', { name: 'm' })
    const [record] = await until('the refusal', () => deliveries(strict, id), (list) => list[0]?.status === 'FAILED')
    assert.equal(record?.attempts, 1)
    assert.match(record?.last_error, /refused: 127\.0\.0\.1 is not a public IP address/)
    assert.equal(receiver.received.length, 0)
  })
})
