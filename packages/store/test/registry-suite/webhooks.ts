import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { WebhookEvent } from '@orchard/core'
import type { RegistryStore } from '../../src/registry/registry-store.ts'
import type { Open } from './opener.ts'

const VERSION_CREATED: WebhookEvent = { entity: 'model_version', action: 'created' }
const hook = (name: string, events: readonly WebhookEvent[] = [VERSION_CREATED]) => ({ name, url: 'https://example.com/hook', events })

/** Every delivery of every webhook, oldest first, as `<event> <data as JSON>`. */
async function outbox(store: RegistryStore, webhookId: string): Promise<string[]> {
  const { items } = await store.listWebhookDeliveries({ webhookId, maxResults: 1000 })
  return [...items].reverse().map((d) => {
    const body = JSON.parse(d.payload) as { entity: string; action: string; data: unknown }
    return `${body.entity}.${body.action} ${JSON.stringify(body.data)}`
  })
}

const delivered = { startedAt: 0, durationMs: 1, responseStatus: 200, delivered: true }

export function describeWebhooks(open: Open): void {
  describe('webhooks', () => {
    it('creates, reads, lists newest first, updates and soft-deletes webhooks, never showing the secret', async () => {
      const { store, clock } = await open()
      const a = await store.createWebhook({ ...hook('a'), description: 'first', secret: 's3cret' })
      clock.advance(5)
      const b = await store.createWebhook({ ...hook('b', [{ entity: 'registered_model', action: 'created' }]), status: 'DISABLED' })
      assert.equal('secret' in a, false)
      assert.deepEqual(await store.getWebhook(a.webhookId), a)
      assert.equal((await store.getWebhookWithSecret(a.webhookId)).secret, 's3cret')
      assert.deepEqual([a.status, b.status, a.description, a.creationTimestamp + 5], ['ACTIVE', 'DISABLED', 'first', b.creationTimestamp])

      const first = await store.listWebhooks({ maxResults: 1 })
      assert.deepEqual(first.items.map((w) => w.name), ['b'])
      const second = await store.listWebhooks({ maxResults: 1, pageToken: first.nextPageToken as string })
      assert.deepEqual([second.items.map((w) => w.name), second.nextPageToken], [['a'], undefined])

      clock.advance(5)
      const events: WebhookEvent[] = [
        { entity: 'model_version_tag', action: 'set' },
        { entity: 'model_version', action: 'stage_transitioned' },
      ]
      const updated = await store.updateWebhook(a.webhookId, { url: 'https://example.org/x', events })
      assert.deepEqual(
        [updated.name, updated.url, updated.description, updated.lastUpdatedTimestamp - updated.creationTimestamp],
        ['a', 'https://example.org/x', 'first', 10],
      )
      assert.deepEqual(new Set(updated.events.map((e) => `${e.entity}.${e.action}`)), new Set(['model_version_tag.set', 'model_version.stage_transitioned']))
      assert.equal((await store.getWebhookWithSecret(a.webhookId)).secret, 's3cret', 'an update without a secret keeps it')

      await store.deleteWebhook(a.webhookId)
      await assert.rejects(store.getWebhook(a.webhookId), { code: 'RESOURCE_DOES_NOT_EXIST', message: `Webhook with ID ${a.webhookId} not found.` })
      await assert.rejects(store.updateWebhook(a.webhookId, { name: 'x' }), { code: 'RESOURCE_DOES_NOT_EXIST' })
      await assert.rejects(store.deleteWebhook(a.webhookId), { code: 'RESOURCE_DOES_NOT_EXIST' })
      assert.deepEqual((await store.listWebhooks({ maxResults: 10 })).items.map((w) => w.name), ['b'])
    })

    it('queues one delivery per subscribed active webhook with MLflow payloads, and stage transitions of ours', async () => {
      const { store } = await open()
      const all = await store.createWebhook(
        hook('all', [
          { entity: 'registered_model', action: 'created' },
          VERSION_CREATED,
          { entity: 'model_version_tag', action: 'set' },
          { entity: 'model_version_tag', action: 'deleted' },
          { entity: 'model_version_alias', action: 'created' },
          { entity: 'model_version_alias', action: 'deleted' },
          { entity: 'model_version', action: 'stage_transitioned' },
          { entity: 'model_version', action: 'monitoring_alert' },
        ]),
      )
      const versionsOnly = await store.createWebhook(hook('versions'))
      const disabled = await store.createWebhook({ ...hook('off'), status: 'DISABLED' })

      await store.createRegisteredModel({ name: 'm', tags: [{ key: 't', value: '1' }] })
      await store.createModelVersion({ name: 'm', source: 's3://b/1', runId: 'r1', description: 'd', tags: [{ key: 'k', value: 'v' }] })
      await store.createModelVersion({ name: 'm', source: 's3://b/2' })
      await store.setModelVersionTag('m', '1', { key: 'k', value: 'w' })
      await store.setModelVersionTag('m', '1', { key: 'k', value: 'w' })
      await store.deleteModelVersionTag('m', '1', 'k')
      await store.setModelVersionTag('m', '2', { key: 'orchard.monitoring.alert', value: '{"job":"drift","share_drifted":0.75}' })
      await store.transitionModelVersionStage('m', '1', 'Production', false)
      await store.transitionModelVersionStage('m', '2', 'Production', true)
      await store.setRegisteredModelAlias('m', 'champion', '1')
      await store.setRegisteredModelAlias('m', 'champion', '2')
      await store.deleteRegisteredModelAlias('m', 'champion')
      await store.setRegisteredModelAlias('m', 'old', '1')
      await store.deleteModelVersion('m', '1')

      assert.deepEqual(await outbox(store, all.webhookId), [
        'registered_model.created {"name":"m","tags":{"t":"1"},"description":null}',
        'model_version.created {"name":"m","version":"1","source":"s3://b/1","run_id":"r1","tags":{"k":"v"},"description":"d"}',
        'model_version.created {"name":"m","version":"2","source":"s3://b/2","run_id":null,"tags":{},"description":null}',
        'model_version_tag.set {"name":"m","version":"1","key":"k","value":"w"}',
        'model_version_tag.deleted {"name":"m","version":"1","key":"k"}',
        'model_version_tag.set {"name":"m","version":"2","key":"orchard.monitoring.alert","value":"{\\"job\\":\\"drift\\",\\"share_drifted\\":0.75}"}',
        'model_version.monitoring_alert {"name":"m","version":"2","alert":{"job":"drift","share_drifted":0.75}}',
        'model_version.stage_transitioned {"name":"m","version":"1","from_stage":"None","to_stage":"Production"}',
        'model_version.stage_transitioned {"name":"m","version":"1","from_stage":"Production","to_stage":"Archived"}',
        'model_version.stage_transitioned {"name":"m","version":"2","from_stage":"None","to_stage":"Production"}',
        'model_version_alias.created {"name":"m","alias":"champion","version":"1"}',
        'model_version_alias.created {"name":"m","alias":"champion","version":"2"}',
        'model_version_alias.deleted {"name":"m","alias":"champion"}',
        'model_version_alias.created {"name":"m","alias":"old","version":"1"}',
        'model_version_alias.deleted {"name":"m","alias":"old"}',
      ])
      assert.equal((await outbox(store, versionsOnly.webhookId)).length, 2)
      assert.deepEqual(await outbox(store, disabled.webhookId), [])
      const [first] = [...(await store.listWebhookDeliveries({ webhookId: all.webhookId, maxResults: 1000 })).items].reverse()
      const body = JSON.parse(first?.payload ?? '{}') as { timestamp: string }
      assert.match(body.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/)
      assert.deepEqual([first?.status, first?.attempts], ['PENDING', 0])
      await assert.rejects(store.listWebhookDeliveries({ webhookId: 'nope', maxResults: 10 }), { code: 'RESOURCE_DOES_NOT_EXIST' })
    })

    it('queues nothing for a change that fails and rolls back', async () => {
      const { store } = await open()
      const created = await store.createWebhook(hook('h', [{ entity: 'registered_model', action: 'created' }, VERSION_CREATED]))
      await store.createRegisteredModel({ name: 'm' })
      await assert.rejects(store.createRegisteredModel({ name: 'm' }), { code: 'RESOURCE_ALREADY_EXISTS' })
      await assert.rejects(store.createModelVersion({ name: 'missing', source: 's' }), { code: 'RESOURCE_DOES_NOT_EXIST' })
      assert.equal((await outbox(store, created.webhookId)).length, 1)
    })

    it('claims the oldest pending delivery of each webhook under a lease, and records each attempt', async () => {
      const { store, clock } = await open()
      const one = await store.createWebhook(hook('one'))
      const two = await store.createWebhook(hook('two'))
      await store.createRegisteredModel({ name: 'm' })
      for (let i = 0; i < 3; i++) await store.createModelVersion({ name: 'm', source: `s${i}` })

      const claimed = await store.claimWebhookDeliveries('replica-a', 1000, 10)
      assert.deepEqual(claimed.map((c) => c.delivery.webhookId).sort(), [one.webhookId, two.webhookId].sort())
      assert.ok(claimed.every((c) => JSON.parse(c.delivery.payload).data.version === '1'), 'the oldest first')
      assert.deepEqual(await store.claimWebhookDeliveries('replica-b', 1000, 10), [], 'leased rows and the rows behind them wait')

      const toOne = claimed.find((c) => c.delivery.webhookId === one.webhookId)!
      const toTwo = claimed.find((c) => c.delivery.webhookId === two.webhookId)!
      await store.recordWebhookAttempt(toOne.delivery.deliveryId, 'replica-a', { ...delivered, startedAt: clock.now() })
      await store.recordWebhookAttempt(toTwo.delivery.deliveryId, 'replica-a', {
        startedAt: clock.now(),
        durationMs: 3,
        responseStatus: 503,
        error: 'HTTP 503',
        delivered: false,
        retryAt: clock.now() + 500,
      })
      const next = await store.claimWebhookDeliveries('replica-b', 1000, 10)
      assert.deepEqual(
        next.map((c) => [c.delivery.webhookId, JSON.parse(c.delivery.payload).data.version]),
        [[one.webhookId, '2']],
        'webhook two waits for its retry: the next version is not sent before the first',
      )
      clock.advance(500)
      const retried = await store.claimWebhookDeliveries('replica-b', 1000, 10)
      assert.deepEqual(retried.map((c) => [c.delivery.webhookId, c.delivery.attempts]), [[two.webhookId, 1]])
      await store.recordWebhookAttempt(retried[0]!.delivery.deliveryId, 'replica-b', { startedAt: clock.now(), durationMs: 1, error: 'refused', delivered: false })

      const records = (await store.listWebhookDeliveries({ webhookId: two.webhookId, maxResults: 10 })).items
      const failed = records.find((d) => d.deliveryId === toTwo.delivery.deliveryId)!
      assert.deepEqual([failed.status, failed.attempts, failed.lastError, failed.lastResponseStatus], ['FAILED', 2, 'refused', undefined])
      const ok = (await store.listWebhookDeliveries({ webhookId: one.webhookId, maxResults: 10 })).items.find((d) => d.deliveryId === toOne.delivery.deliveryId)!
      assert.deepEqual([ok.status, ok.attempts, ok.lastResponseStatus, ok.deliveredAt], ['DELIVERED', 1, 200, clock.now() - 500 + 1])

      // A lease that runs out (its replica died mid-send) lets another replica take the row.
      clock.advance(1001)
      const taken = await store.claimWebhookDeliveries('replica-c', 1000, 10)
      assert.deepEqual(taken.map((c) => [c.delivery.webhookId, JSON.parse(c.delivery.payload).data.version]).sort(), [
        [one.webhookId, '2'],
        [two.webhookId, '2'],
      ].sort())
      await store.recordWebhookAttempt(taken[0]!.delivery.deliveryId, 'replica-b', delivered)
      const stale = (await store.listWebhookDeliveries({ webhookId: taken[0]!.delivery.webhookId, maxResults: 10 })).items
      assert.equal(stale.find((d) => d.deliveryId === taken[0]!.delivery.deliveryId)?.attempts, 0, 'a replica that lost its lease records nothing')
    })

    it('gives each delivery to one replica when several claim at once', async () => {
      const { store, clock, uri } = await open()
      const replicas = [store, await open.again(uri, clock), await open.again(uri, clock)]
      const hooks = []
      for (let i = 0; i < 6; i++) hooks.push(await store.createWebhook(hook(`h${i}`)))
      await store.createRegisteredModel({ name: 'm' })
      await store.createModelVersion({ name: 'm', source: 's' })
      const claims = await Promise.all(replicas.flatMap((r, i) => [r.claimWebhookDeliveries(`r${i}a`, 60_000, 10), r.claimWebhookDeliveries(`r${i}b`, 60_000, 10)]))
      const ids = claims.flat().map((c) => c.delivery.deliveryId)
      assert.equal(ids.length, 6)
      assert.equal(new Set(ids).size, 6)
    })

    it('holds deliveries of a disabled webhook and cancels those of a deleted one', async () => {
      const { store } = await open()
      const paused = await store.createWebhook(hook('paused'))
      const gone = await store.createWebhook(hook('gone'))
      await store.createRegisteredModel({ name: 'm' })
      await store.createModelVersion({ name: 'm', source: 's' })
      await store.updateWebhook(paused.webhookId, { status: 'DISABLED' })
      await store.deleteWebhook(gone.webhookId)
      assert.deepEqual(await store.claimWebhookDeliveries('r', 1000, 10), [])
      const records = (await store.listWebhookDeliveries({ webhookId: gone.webhookId, maxResults: 10 })).items
      assert.deepEqual(records.map((d) => d.status), ['CANCELLED'])
      await store.updateWebhook(paused.webhookId, { status: 'ACTIVE' })
      assert.deepEqual((await store.claimWebhookDeliveries('r', 1000, 10)).map((c) => c.delivery.webhookId), [paused.webhookId])
    })
  })
}
