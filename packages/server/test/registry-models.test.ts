import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { expectError, openRegistryTestApp } from './registry-harness.ts'
import type { RegistryTestApp } from './registry-harness.ts'

let app: RegistryTestApp
before(async () => {
  app = await openRegistryTestApp()
})
after(() => app.close())

const createModel = (name: string, extra: object = {}) => app.call('POST', 'registered-models/create', { name, ...extra })
const createVersion = (name: string, extra: object = {}) => app.call('POST', 'model-versions/create', { name, source: 's3://bucket/model', ...extra })

describe('registered-models endpoints', () => {
  it('creates, gets, updates (PATCH), renames and deletes (DELETE with a JSON body)', async () => {
    const created = await createModel('rm-a', { description: 'first', tags: [{ key: 'team', value: 'risk' }] })
    assert.equal(created.status, 200)
    const model = created.json.registered_model
    assert.deepEqual(
      { ...model, creation_timestamp: 0, last_updated_timestamp: 0 },
      { name: 'rm-a', creation_timestamp: 0, last_updated_timestamp: 0, description: 'first', tags: [{ key: 'team', value: 'risk' }] },
    )
    assert.equal(typeof model.creation_timestamp, 'number')
    assert.deepEqual((await app.call('GET', 'registered-models/get', { name: 'rm-a' })).json, created.json)
    const updated = await app.call('PATCH', 'registered-models/update', { name: 'rm-a', description: 'second' })
    assert.equal(updated.json.registered_model.description, 'second')
    await createVersion('rm-a')
    const renamed = await app.call('POST', 'registered-models/rename', { name: 'rm-a', new_name: 'rm-b' })
    assert.equal(renamed.json.registered_model.name, 'rm-b')
    assert.equal(renamed.json.registered_model.latest_versions[0].name, 'rm-b')
    assert.deepEqual((await app.call('DELETE', 'registered-models/delete', { name: 'rm-b' })).json, {})
    expectError(await app.call('GET', 'registered-models/get', { name: 'rm-b' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=rm-b not found')
  })

  it('serves the same routes under /ajax-api/2.0', async () => {
    await createModel('rm-ajax')
    const reply = await app.call('GET', '/ajax-api/2.0/mlflow/registered-models/get?name=rm-ajax')
    assert.equal(reply.json.registered_model.name, 'rm-ajax')
  })

  it('answers bad input as MLflow does', async () => {
    await createModel('rm-dup')
    expectError(await createModel('rm-dup'), 400, 'RESOURCE_ALREADY_EXISTS', 'Registered Model (name=rm-dup) already exists.')
    expectError(await app.call('POST', 'registered-models/create', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'")
    expectError(await app.call('POST', 'registered-models/rename', { name: 'rm-dup' }), 400, 'INVALID_PARAMETER_VALUE', "'new_name'")
    expectError(await app.call('POST', 'registered-models/rename', { name: 'nope', new_name: 'x' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'name=nope')
    expectError(await app.call('PATCH', 'registered-models/update', { name: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'name=nope')
    expectError(await app.call('DELETE', 'registered-models/delete', { name: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'name=nope')
    expectError(
      await createModel('rm-bad-tag', { tags: [{ key: '../x', value: 'v' }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "tags[0].key",
    )
    expectError(
      await app.call('POST', 'registered-models/set-tag', { name: 'rm-dup', key: 'k', value: 'x'.repeat(100_001) }),
      400,
      'INVALID_PARAMETER_VALUE',
      "'value' exceeds the maximum length of 100000 characters",
    )
  })

  it('sets and deletes tags', async () => {
    await createModel('rm-tags')
    await app.call('POST', 'registered-models/set-tag', { name: 'rm-tags', key: 'k', value: 'v' })
    assert.deepEqual((await app.call('GET', 'registered-models/get', { name: 'rm-tags' })).json.registered_model.tags, [{ key: 'k', value: 'v' }])
    assert.deepEqual((await app.call('DELETE', 'registered-models/delete-tag', { name: 'rm-tags', key: 'k' })).json, {})
    assert.equal((await app.call('GET', 'registered-models/get', { name: 'rm-tags' })).json.registered_model.tags, undefined)
    expectError(await app.call('POST', 'registered-models/set-tag', { name: 'nope', key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'name=nope')
    expectError(await app.call('DELETE', 'registered-models/delete-tag', { name: 'rm-tags' }), 400, 'INVALID_PARAMETER_VALUE', "'key'")
  })

  it('searches with filter, order_by (repeated query keys), max_results and page_token', async () => {
    for (const name of ['srch-b', 'srch-a', 'srch-c']) await createModel(name, { tags: [{ key: 'kind', value: name === 'srch-c' ? 'x' : 'y' }] })
    const page = await app.call('GET', 'registered-models/search', { filter: "name LIKE 'srch-%'", order_by: ['name DESC'], max_results: 2 })
    assert.deepEqual(page.json.registered_models.map((m: { name: string }) => m.name), ['srch-c', 'srch-b'])
    const next = await app.call('GET', 'registered-models/search', {
      filter: "name LIKE 'srch-%'",
      order_by: ['name DESC'],
      max_results: 2,
      page_token: page.json.next_page_token,
    })
    assert.deepEqual(next.json.registered_models.map((m: { name: string }) => m.name), ['srch-a'])
    assert.equal(next.json.next_page_token, undefined)
    const tagged = await app.call('GET', 'registered-models/search', { filter: "tags.kind = 'x'" })
    assert.deepEqual(tagged.json.registered_models.map((m: { name: string }) => m.name), ['srch-c'])
    assert.deepEqual((await app.call('GET', 'registered-models/search', { filter: "name = 'none'" })).json, {})
    expectError(await app.call('GET', 'registered-models/search', { max_results: 1001 }), 400, 'INVALID_PARAMETER_VALUE', "Invalid value 1001 for parameter 'max_results' supplied:  Hint: Value was of type 'int'.")
    expectError(await app.call('GET', 'registered-models/search', { filter: 'run_id = 1' }), 400, 'INVALID_PARAMETER_VALUE', "invalid attribute key 'run_id'")
    expectError(await app.call('GET', 'registered-models/search', { order_by: ['owner'] }), 400, 'INVALID_PARAMETER_VALUE', "Invalid order by key 'owner'")
    expectError(await app.call('GET', 'registered-models/search', { page_token: 'garbage' }), 400, 'INVALID_PARAMETER_VALUE', 'page token')
  })

  it('gets latest versions by POST and GET, optionally by stage', async () => {
    await createModel('rm-latest')
    for (let i = 0; i < 3; i++) await createVersion('rm-latest')
    await app.call('POST', 'model-versions/transition-stage', { name: 'rm-latest', version: '2', stage: 'staging', archive_existing_versions: false })
    const all = await app.call('POST', 'registered-models/get-latest-versions', { name: 'rm-latest' })
    assert.deepEqual(all.json.model_versions.map((v: { version: string; current_stage: string }) => [v.current_stage, v.version]), [
      ['None', '3'],
      ['Staging', '2'],
    ])
    const staging = await app.call('GET', 'registered-models/get-latest-versions', { name: 'rm-latest', stages: ['STAGING'] })
    assert.deepEqual(staging.json.model_versions.map((v: { version: string }) => v.version), ['2'])
    expectError(
      await app.call('POST', 'registered-models/get-latest-versions', { name: 'rm-latest', stages: ['Live'] }),
      400,
      'INVALID_PARAMETER_VALUE',
      'Invalid Model Version stage: Live. Value must be one of None, Staging, Production, Archived.',
    )
    expectError(await app.call('POST', 'registered-models/get-latest-versions', { name: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'name=nope')
  })

  it('sets, moves, reads and deletes aliases', async () => {
    await createModel('rm-alias')
    await createVersion('rm-alias')
    await createVersion('rm-alias')
    assert.deepEqual((await app.call('POST', 'registered-models/alias', { name: 'rm-alias', alias: 'champion', version: '1' })).json, {})
    await app.call('POST', 'registered-models/alias', { name: 'rm-alias', alias: 'champion', version: '2' })
    const byAlias = await app.call('GET', 'registered-models/alias', { name: 'rm-alias', alias: 'champion' })
    assert.equal(byAlias.json.model_version.version, '2')
    assert.deepEqual(byAlias.json.model_version.aliases, ['champion'])
    const model = (await app.call('GET', 'registered-models/get', { name: 'rm-alias' })).json.registered_model
    assert.deepEqual(model.aliases, [{ alias: 'champion', version: '2' }])
    assert.deepEqual((await app.call('DELETE', 'registered-models/alias', { name: 'rm-alias', alias: 'champion' })).json, {})
    expectError(await app.call('GET', 'registered-models/alias', { name: 'rm-alias', alias: 'champion' }), 400, 'INVALID_PARAMETER_VALUE', 'Registered model alias champion not found')
  })

  it('refuses reserved and malformed aliases', async () => {
    await createModel('rm-alias-bad')
    await createVersion('rm-alias-bad')
    const set = (alias: string, version = '1') => app.call('POST', 'registered-models/alias', { name: 'rm-alias-bad', alias, version })
    expectError(await set('v3'), 400, 'INVALID_PARAMETER_VALUE', "Version alias name 'v3' is reserved.")
    expectError(await set('3'), 400, 'INVALID_PARAMETER_VALUE', "Version alias name '3' is reserved.")
    expectError(await set('Latest'), 400, 'INVALID_PARAMETER_VALUE', "'latest' alias name (case insensitive) is reserved.")
    expectError(await set('a b'), 400, 'INVALID_PARAMETER_VALUE', "Invalid alias name: 'a b'. Names may only contain alphanumerics")
    expectError(await set('a'.repeat(256)), 400, 'INVALID_PARAMETER_VALUE', 'exceeds the maximum length of 255 characters')
    expectError(await set('ok', 'one'), 400, 'INVALID_PARAMETER_VALUE', "Parameter 'version' must be an integer, got 'one'.")
    expectError(await set('ok', '9'), 404, 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=rm-alias-bad, version=9) not found')
    expectError(await app.call('POST', 'registered-models/alias', { name: 'nope', alias: 'ok', version: '1' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'name=nope')
    expectError(await app.call('DELETE', 'registered-models/alias', { name: 'nope', alias: 'ok' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'name=nope')
    expectError(await app.call('GET', 'registered-models/alias', { name: 'rm-alias-bad', alias: 'a/b' }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid alias name')
  })
})
