import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { expectError, openRegistryTestApp } from './registry-harness.ts'
import type { RegistryTestApp } from './registry-harness.ts'

let app: RegistryTestApp
before(async () => {
  app = await openRegistryTestApp()
})
after(() => app.close())

const events = (query: Record<string, unknown>) => app.call('GET', '/api/2.0/orchard/registry/events', query)
const actions = (reply: { json: { events?: { action: string; version?: string; key?: string; from_value?: string; to_value?: string }[] } }) =>
  (reply.json.events ?? []).map((e) => [e.action, e.version ?? '', e.key ?? '', e.from_value ?? '', e.to_value ?? ''].join(' ').trim())

describe('GET /api/2.0/orchard/registry/events', () => {
  it('lists every change made over HTTP, newest first, with the comment MLflow clients never send', async () => {
    await app.call('POST', 'registered-models/create', { name: 'ev', description: 'd', comment: 'new model for fraud' })
    await app.call('PATCH', 'registered-models/update', { name: 'ev', description: 'd2' })
    await app.call('POST', 'registered-models/set-tag', { name: 'ev', key: 'team', value: 'risk' })
    await app.call('DELETE', 'registered-models/delete-tag', { name: 'ev', key: 'team' })
    await app.call('POST', 'model-versions/create', { name: 'ev', source: 's3://b/1' })
    await app.call('POST', 'model-versions/create', { name: 'ev', source: 's3://b/2' })
    await app.call('PATCH', 'model-versions/update', { name: 'ev', version: '1', description: 'v1' })
    await app.call('POST', 'model-versions/set-tag', { name: 'ev', version: '1', key: 'k', value: 'v' })
    await app.call('DELETE', 'model-versions/delete-tag', { name: 'ev', version: '1', key: 'k' })
    await app.call('POST', 'model-versions/transition-stage', { name: 'ev', version: '1', stage: 'Production', archive_existing_versions: false })
    await app.call('POST', 'model-versions/transition-stage', {
      name: 'ev',
      version: '2',
      stage: 'production',
      archive_existing_versions: true,
      comment: 'beats v1 on recall',
    })
    await app.call('POST', 'registered-models/alias', { name: 'ev', alias: 'champion', version: '1' })
    await app.call('POST', 'registered-models/alias', { name: 'ev', alias: 'champion', version: '2' })
    await app.call('DELETE', 'registered-models/alias', { name: 'ev', alias: 'champion' })
    await app.call('DELETE', 'model-versions/delete', { name: 'ev', version: '1' })
    await app.call('POST', 'registered-models/rename', { name: 'ev', new_name: 'ev2' })
    await app.call('DELETE', 'registered-models/delete', { name: 'ev2', comment: 'retired' })

    const reply = await events({ name: 'ev2' })
    assert.deepEqual(actions(reply).reverse(), [
      'CREATE    d',
      'UPDATE_DESCRIPTION   d d2',
      'SET_TAG  team  risk',
      'DELETE_TAG  team risk',
      'CREATE 1   s3://b/1',
      'CREATE 2   s3://b/2',
      'UPDATE_DESCRIPTION 1   v1',
      'SET_TAG 1 k  v',
      'DELETE_TAG 1 k v',
      'TRANSITION_STAGE 1  None Production',
      'TRANSITION_STAGE 1  Production Archived',
      'TRANSITION_STAGE 2  None Production',
      'SET_ALIAS  champion  1',
      'MOVE_ALIAS  champion 1 2',
      'DELETE_ALIAS  champion 2',
      'DELETE 1  s3://b/1',
      'RENAME   ev ev2',
      'DELETE',
    ])
    const [deleted] = reply.json.events
    assert.deepEqual([deleted.name, deleted.entity_type, deleted.comment], ['ev2', 'REGISTERED_MODEL', 'retired'])
    const created = reply.json.events.at(-1)
    assert.deepEqual([created.name, created.comment, typeof created.timestamp, typeof created.event_id], ['ev', 'new model for fraud', 'number', 'string'])
    const promoted = reply.json.events.find((e: { version?: string; to_value?: string }) => e.version === '2' && e.to_value === 'Production')
    assert.deepEqual([promoted.entity_type, promoted.comment], ['MODEL_VERSION', 'beats v1 on recall'])
    assert.deepEqual(actions(await events({ name: 'ev', version: '2' })), ['TRANSITION_STAGE 2  None Production', 'CREATE 2   s3://b/2'])
  })

  it('pages with max_results and page_token', async () => {
    await app.call('POST', 'registered-models/create', { name: 'ev-page' })
    for (let i = 0; i < 4; i++) await app.call('POST', 'registered-models/set-tag', { name: 'ev-page', key: 'k', value: String(i) })
    const first = await events({ name: 'ev-page', max_results: 3 })
    assert.deepEqual(actions(first), ['SET_TAG  k 2 3', 'SET_TAG  k 1 2', 'SET_TAG  k 0 1'])
    const second = await events({ name: 'ev-page', max_results: 3, page_token: first.json.next_page_token })
    assert.deepEqual(actions(second), ['SET_TAG  k  0', 'CREATE'])
    assert.equal(second.json.next_page_token, undefined)
  })

  it('is read-only and refuses bad paging input', async () => {
    expectError(await app.call('DELETE', '/api/2.0/orchard/registry/events', {}), 404, 'ENDPOINT_NOT_FOUND', 'No API endpoint')
    expectError(await events({ max_results: 0 }), 400, 'INVALID_PARAMETER_VALUE', "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer")
    expectError(await events({ version: '1' }), 400, 'INVALID_PARAMETER_VALUE', "needs 'name'")
    expectError(await events({ name: 'x', version: 'one' }), 400, 'INVALID_PARAMETER_VALUE', "must be an integer")
    expectError(await events({ name: 'x', page_token: 'bad' }), 400, 'INVALID_PARAMETER_VALUE', 'page token')
  })
})
