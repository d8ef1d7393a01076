import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sendWebhook } from '../src/webhooks/send.ts'
import { webhookSettingsFromEnv } from '../src/webhooks/settings.ts'
import { expectError, openRegistryTestApp } from './registry-harness.ts'
import type { RegistryTestApp } from './registry-harness.ts'
import { startReceiver } from './webhook-receiver.ts'
import type { Receiver } from './webhook-receiver.ts'

const SECRET = 'test-secret-key'
const VERSION_CREATED = { entity: 'MODEL_VERSION', action: 'CREATED' }

// `strict` has MLflow's defaults (https only, no private addresses); `open` allows the local receiver.
let strict: RegistryTestApp
let open: RegistryTestApp
let receiver: Receiver
before(async () => {
  strict = await openRegistryTestApp({ webhookSettings: webhookSettingsFromEnv({}) })
  open = await openRegistryTestApp({
    webhookSettings: webhookSettingsFromEnv({ MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'true', MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'https, http' }),
  })
  receiver = await startReceiver(SECRET)
})
after(async () => {
  await strict.close()
  await open.close()
  await receiver.close()
})

describe('/api/2.0/mlflow/webhooks', () => {
  it('creates, gets, lists, updates and deletes a webhook in MLflow wire format, never returning the secret', async () => {
    const created = await open.call('POST', 'webhooks', { name: 'ci.deploy', url: receiver.url, events: [VERSION_CREATED], secret: SECRET, description: 'CI' })
    assert.equal(created.status, 200)
    const webhook = created.json.webhook
    assert.deepEqual(Object.keys(webhook).sort(), ['creation_timestamp', 'description', 'events', 'last_updated_timestamp', 'name', 'status', 'url', 'webhook_id'])
    assert.deepEqual([webhook.name, webhook.url, webhook.events, webhook.status], ['ci.deploy', receiver.url, [VERSION_CREATED], 'ACTIVE'])
    const id = webhook.webhook_id as string

    assert.deepEqual((await open.call('GET', `webhooks/${id}`)).json, { webhook })
    assert.deepEqual((await open.call('GET', `/ajax-api/2.0/mlflow/webhooks/${id}`)).json, { webhook })
    assert.ok((await open.call('GET', 'webhooks')).json.webhooks.some((w: { webhook_id: string }) => w.webhook_id === id))

    const updated = await open.call('PATCH', `webhooks/${id}`, {
      events: [{ entity: 'MODEL_VERSION', action: 'STAGE_TRANSITIONED' }, { entity: 3, action: 4 }],
      status: 'DISABLED',
      name: '',
    })
    assert.equal(updated.status, 200)
    assert.deepEqual(updated.json.webhook.events, [
      { entity: 'MODEL_VERSION', action: 'STAGE_TRANSITIONED' },
      { entity: 'MODEL_VERSION_TAG', action: 'SET' },
    ])
    assert.deepEqual([updated.json.webhook.name, updated.json.webhook.status, updated.json.webhook.description], ['ci.deploy', 'DISABLED', 'CI'])
    assert.equal(JSON.stringify(updated.json).includes(SECRET), false)

    assert.deepEqual((await open.call('DELETE', `webhooks/${id}`)).json, {})
    expectError(await open.call('GET', `webhooks/${id}`), 404, 'RESOURCE_DOES_NOT_EXIST', `Webhook with ID ${id} not found.`)
    expectError(await open.call('PATCH', `webhooks/${id}`, { url: 'https://localhost/' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'not found')
    expectError(await open.call('DELETE', `webhooks/${id}`), 404, 'RESOURCE_DOES_NOT_EXIST', 'not found')
    expectError(await open.call('POST', `webhooks/${id}/test`, {}), 404, 'RESOURCE_DOES_NOT_EXIST', 'not found')
  })

  it('refuses bad input with MLflow error codes and messages', async () => {
    const base = { name: 'h', url: 'https://example.com/hook', events: [VERSION_CREATED] }
    expectError(await strict.call('POST', 'webhooks', { url: base.url, events: base.events }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'")
    expectError(await strict.call('POST', 'webhooks', { name: 'h', url: base.url }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'events'")
    expectError(await strict.call('POST', 'webhooks', { ...base, events: [] }), 400, 'INVALID_PARAMETER_VALUE', 'Webhook events must be a non-empty list')
    expectError(await strict.call('POST', 'webhooks', { ...base, name: '-bad name' }), 400, 'INVALID_PARAMETER_VALUE', "Webhook name '-bad name' is invalid")
    expectError(await strict.call('POST', 'webhooks', { ...base, name: 'x'.repeat(64) }), 400, 'INVALID_PARAMETER_VALUE', 'is invalid')
    expectError(
      await strict.call('POST', 'webhooks', { ...base, events: [{ entity: 'REGISTERED_MODEL', action: 'DELETED' }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid action 'deleted' for entity 'registered_model'. Valid actions are: ['created']",
    )
    expectError(await strict.call('POST', 'webhooks', { ...base, events: [{ entity: 'EXPERIMENT', action: 'CREATED' }] }), 400, 'INVALID_PARAMETER_VALUE', "'events[0].entity'")
    expectError(await strict.call('POST', 'webhooks', { ...base, events: [{ entity: 'PROMPT', action: 'CREATED' }] }), 400, 'INVALID_PARAMETER_VALUE', 'no prompt registry')
    expectError(await strict.call('POST', 'webhooks', { ...base, status: 'PAUSED' }), 400, 'INVALID_PARAMETER_VALUE', "parameter 'status'")
    expectError(await strict.call('POST', 'webhooks', { ...base, url: 'x'.repeat(501) }), 400, 'INVALID_PARAMETER_VALUE', 'over the limit of 500')
    expectError(await strict.call('POST', 'webhooks', { ...base, url: 'not a url' }), 400, 'INVALID_PARAMETER_VALUE', "Invalid webhook URL 'not a url'")
    expectError(await strict.call('GET', 'webhooks', { max_results: 1001 }), 400, 'INVALID_PARAMETER_VALUE', 'between 1 and 1000')
  })

  it('refuses plain http and private, loopback and link-local hosts unless the environment allows them', async () => {
    const make = (app: RegistryTestApp, url: string) => app.call('POST', 'webhooks', { name: 'h', url, events: [VERSION_CREATED] })
    expectError(await make(strict, 'http://example.com/hook'), 400, 'INVALID_PARAMETER_VALUE', "Invalid webhook URL scheme: 'http'. Allowed schemes are: https.")
    for (const url of ['https://127.0.0.1/h', 'https://localhost:8443/h', 'https://10.1.2.3/h', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/h', 'https://[::ffff:192.168.0.1]/h']) {
      expectError(await make(strict, url), 400, 'INVALID_PARAMETER_VALUE', 'must not resolve to a non-public IP address')
    }
    assert.equal((await make(strict, 'https://93.184.215.14/h')).status, 200, 'a public address is fine')
    // A name is checked when a delivery connects, not when the webhook is saved (MLflow checks only
    // the scheme then): one that does not resolve right now is accepted, on create and on update.
    const unresolvable = await make(strict, 'https://hooks.no-such-host.invalid/h')
    assert.equal(unresolvable.status, 200, JSON.stringify(unresolvable.json))
    const updated = await strict.call('PATCH', `webhooks/${unresolvable.json.webhook.webhook_id}`, { url: 'https://other.no-such-host.invalid/h' })
    assert.equal(updated.status, 200, JSON.stringify(updated.json))
    expectError(await make(strict, 'https://api.localhost/h'), 400, 'INVALID_PARAMETER_VALUE', 'must not resolve to a non-public IP address')
    assert.equal((await make(open, receiver.url)).status, 200)
    const id = (await make(open, 'https://127.0.0.1/h')).json.webhook.webhook_id
    expectError(await strict.call('PATCH', `webhooks/${id}`, { url: 'https://192.168.1.1/' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'not found')
  })

  it('tests a webhook synchronously with a signed example payload and reports the response', async () => {
    const id = (await open.call('POST', 'webhooks', { name: 't', url: receiver.url, events: [VERSION_CREATED], secret: SECRET })).json.webhook.webhook_id
    const before = receiver.received.length
    const ok = await open.call('POST', `webhooks/${id}/test`, {})
    assert.deepEqual(ok.json, { result: { success: true, response_status: 200, response_body: '{"status":"received"}' } })
    const request = receiver.received[before]!
    assert.equal(request.signatureValid, true)
    assert.deepEqual([request.body.entity, request.body.action, request.body.data.name, request.body.data.source], ['model_version', 'created', 'example_model', 'models:/123'])

    receiver.replies.push(500)
    const failed = await open.call('POST', `webhooks/${id}/test`, { event: { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' } })
    assert.deepEqual([failed.json.result.success, failed.json.result.response_status], [false, 500])
    assert.deepEqual(receiver.received.at(-1)?.body.data, { name: 'example_model', alias: 'example_alias' })

  })

  it('sends nothing to a private address or over plain http when the environment does not allow it', async () => {
    const count = receiver.received.length
    const strictSettings = webhookSettingsFromEnv({ MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'http,https' })
    const refused = await sendWebhook(receiver.url, '{}', SECRET, strictSettings)
    assert.deepEqual([refused.refused, refused.status], [true, undefined])
    assert.match(refused.error ?? '', /127\.0\.0\.1 is not a public IP address/)
    const byName = await sendWebhook(receiver.url.replace('127.0.0.1', 'localhost'), '{}', SECRET, strictSettings)
    assert.match(byName.error ?? '', /localhost resolves to .* which is not a public IP address/)
    const http = await sendWebhook(receiver.url, '{}', SECRET, webhookSettingsFromEnv({ MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'true' }))
    assert.match(http.error ?? '', /Invalid webhook URL scheme: 'http'/)
    assert.equal(receiver.received.length, count)
  })

  it('records the user of X-Orchard-User in the audit trail, and unknown without it', async () => {
    await open.call('POST', 'registered-models/create', { name: 'who' }, { 'X-Orchard-User': 'ada@example.com' })
    await open.call('POST', 'registered-models/set-tag', { name: 'who', key: 'k', value: 'v' })
    const events = (await open.call('GET', '/api/2.0/orchard/registry/events', { name: 'who' })).json.events
    assert.deepEqual(events.map((e: { action: string; user_id: string }) => [e.action, e.user_id]), [
      ['SET_TAG', 'unknown'],
      ['CREATE', 'ada@example.com'],
    ])
    assert.equal((await open.call('GET', 'registered-models/get', { name: 'who' })).json.registered_model.user_id, 'ada@example.com')
    expectError(
      await open.call('POST', 'registered-models/set-tag', { name: 'who', key: 'k', value: 'w' }, { 'X-Orchard-User': 'x'.repeat(300) }),
      400,
      'INVALID_PARAMETER_VALUE',
      'X-Orchard-User',
    )
  })

  it('lists the deliveries queued for a webhook', async () => {
    const id = (await strict.call('POST', 'webhooks', { name: 'd', url: 'https://93.184.215.14/h', events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }] })).json
      .webhook.webhook_id
    await strict.call('POST', 'registered-models/create', { name: 'queued', tags: [{ key: 'team', value: 'risk' }] })
    const reply = await strict.call('GET', '/api/2.0/orchard/webhooks/deliveries', { webhook_id: id })
    assert.equal(reply.json.deliveries.length, 1)
    const [delivery] = reply.json.deliveries
    assert.deepEqual([delivery.event, delivery.status, delivery.attempts, delivery.webhook_id], ['registered_model.created', 'PENDING', 0, id])
    assert.deepEqual(JSON.parse(delivery.payload).data, { name: 'queued', tags: { team: 'risk' }, description: null })
    expectError(await strict.call('GET', '/api/2.0/orchard/webhooks/deliveries', { webhook_id: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'Webhook with ID nope not found.')
    expectError(await strict.call('GET', '/api/2.0/orchard/webhooks/deliveries', {}), 400, 'INVALID_PARAMETER_VALUE', "'webhook_id'")
  })
})
