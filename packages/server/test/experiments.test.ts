import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { expectError, openTestApp } from './harness.ts'
import type { TestApp } from './harness.ts'

describe('experiments routes', () => {
  let t: TestApp
  before(async () => {
    t = await openTestApp()
  })
  after(() => t.close())

  it('resolves a relative local artifact_location against the working directory, as MLflow, then checks it is allowed', async () => {
    // Where the operator allows these places (--allowed-artifact-locations), they are stored resolved.
    const allowing = await openTestApp({ allowedArtifactLocations: [resolve('rel'), 's3://bucket'] })
    try {
      for (const [name, location, expected] of [
        ['exp-relative', 'rel/mlruns', resolve('rel/mlruns')],
        ['exp-relative-file', 'file:rel/x', `file://${resolve('rel/x')}`],
        ['exp-s3', 's3://bucket/x', 's3://bucket/x'],
      ]) {
        const created = await allowing.call('POST', 'experiments/create', { name, artifact_location: location })
        assert.equal(created.status, 200, JSON.stringify(created.json))
        const id = created.json.experiment_id
        assert.equal((await allowing.call('GET', 'experiments/get', { experiment_id: id })).json.experiment.artifact_location, expected)
      }
    } finally {
      await allowing.close()
    }
    // Elsewhere the resolved path is outside every root: refused, not written anywhere.
    const refused = await t.call('POST', 'experiments/create', { name: 'exp-relative-refused', artifact_location: 'rel/mlruns' })
    assert.equal(refused.status, 400)
    assert.equal(refused.json.error_code, 'INVALID_PARAMETER_VALUE')
  })

  it('creates an experiment and gets it by id and by name, with tags', async () => {
    const created = await t.call('POST', 'experiments/create', { name: 'exp-a', tags: [{ key: 'team', value: 'x' }] })
    assert.equal(created.status, 200)
    assert.match(created.json.experiment_id, /^\d+$/)
    const byId = await t.call('GET', 'experiments/get', { experiment_id: created.json.experiment_id })
    assert.equal(byId.json.experiment.name, 'exp-a')
    assert.equal(byId.json.experiment.lifecycle_stage, 'active')
    assert.deepEqual(byId.json.experiment.tags, [{ key: 'team', value: 'x' }])
    assert.equal(byId.json.experiment.artifact_location, `mlflow-artifacts:/${created.json.experiment_id}`)
    assert.equal(typeof byId.json.experiment.creation_time, 'number')
    const byName = await t.call('GET', 'experiments/get-by-name', { experiment_name: 'exp-a' })
    assert.equal(byName.json.experiment.experiment_id, created.json.experiment_id)
  })

  it('serves every route under /ajax-api/2.0 as well', async () => {
    const reply = await t.call('GET', '/ajax-api/2.0/mlflow/experiments/get', { experiment_id: '0' })
    assert.equal(reply.json.experiment.name, 'Default')
  })

  it('rejects a duplicate name with RESOURCE_ALREADY_EXISTS and status 400, as MLflow', async () => {
    await t.call('POST', 'experiments/create', { name: 'dup' })
    expectError(await t.call('POST', 'experiments/create', { name: 'dup' }), 400, 'RESOURCE_ALREADY_EXISTS', 'dup')
  })

  it('names a missing required field in MLflow words', async () => {
    expectError(await t.call('POST', 'experiments/create', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'")
  })

  it('names a field of the wrong type and its value', async () => {
    expectError(await t.call('POST', 'experiments/create', { name: 123 }), 400, 'INVALID_PARAMETER_VALUE', "Invalid value 123 for parameter 'name'")
  })

  it('rejects malformed JSON without a 500', async () => {
    expectError(await t.call('POST', 'experiments/create', '{"name": '), 400, 'INVALID_PARAMETER_VALUE', 'Malformed JSON')
  })

  it('answers an unknown id with RESOURCE_DOES_NOT_EXIST and 404', async () => {
    expectError(await t.call('GET', 'experiments/get', { experiment_id: '987654' }), 404, 'RESOURCE_DOES_NOT_EXIST', '987654')
    expectError(await t.call('GET', 'experiments/get-by-name', { experiment_name: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'nope')
  })

  it('rejects an experiment id that is not an id', async () => {
    expectError(await t.call('GET', 'experiments/get', { experiment_id: '../x' }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid experiment ID')
  })

  it('searches with a filter, order and paging, by POST and by GET', async () => {
    for (const name of ['s-1', 's-2', 's-3']) await t.call('POST', 'experiments/create', { name })
    const first = await t.call('POST', 'experiments/search', { filter: "name LIKE 's-%'", order_by: ['name DESC'], max_results: 2 })
    assert.deepEqual(
      first.json.experiments.map((e: { name: string }) => e.name),
      ['s-3', 's-2'],
    )
    assert.ok(first.json.next_page_token)
    const second = await t.call('GET', 'experiments/search', {
      filter: "name LIKE 's-%'",
      order_by: 'name DESC',
      max_results: 2,
      page_token: first.json.next_page_token,
    })
    assert.deepEqual(
      second.json.experiments.map((e: { name: string }) => e.name),
      ['s-1'],
    )
    assert.equal(second.json.next_page_token, undefined)
  })

  it('rejects max_results above 50000 and an unparsable filter', async () => {
    expectError(await t.call('POST', 'experiments/search', { max_results: 50001 }), 400, 'INVALID_PARAMETER_VALUE', 'max_results')
    expectError(await t.call('POST', 'experiments/search', { filter: 'name =' }), 400, 'INVALID_PARAMETER_VALUE', 'name =')
  })

  it('renames, tags, deletes and restores', async () => {
    const { json } = await t.call('POST', 'experiments/create', { name: 'life' })
    const id = json.experiment_id
    assert.equal((await t.call('POST', 'experiments/update', { experiment_id: id, new_name: 'life-2' })).status, 200)
    assert.equal((await t.call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v' })).status, 200)
    assert.equal((await t.call('POST', 'experiments/delete-experiment-tag', { experiment_id: id, key: 'k' })).status, 200)
    assert.equal((await t.call('POST', 'experiments/delete', { experiment_id: id })).status, 200)
    let got = await t.call('GET', 'experiments/get', { experiment_id: id })
    assert.equal(got.json.experiment.name, 'life-2')
    assert.equal(got.json.experiment.lifecycle_stage, 'deleted')
    assert.equal(got.json.experiment.tags, undefined)
    const deleted = await t.call('POST', 'experiments/search', { view_type: 'DELETED_ONLY' })
    assert.ok(deleted.json.experiments.some((e: { experiment_id: string }) => e.experiment_id === id))
    await t.call('POST', 'experiments/restore', { experiment_id: id })
    got = await t.call('GET', 'experiments/get', { experiment_id: id })
    assert.equal(got.json.experiment.lifecycle_stage, 'active')
  })

  it('rejects an unknown view_type', async () => {
    expectError(await t.call('POST', 'experiments/search', { view_type: 'SOME' }), 400, 'INVALID_PARAMETER_VALUE', "'view_type'")
  })

  it('answers unknown endpoints with ENDPOINT_NOT_FOUND as JSON', async () => {
    expectError(await t.call('GET', '/api/2.0/mlflow/nothing/here'), 404, 'ENDPOINT_NOT_FOUND', '/api/2.0/mlflow/nothing/here')
  })

  it('answers /health and /version', async () => {
    assert.equal((await t.call('GET', '/health')).json, 'OK')
    // A 3.x client parses this with packaging's Version and switches features on it (>= 3.4).
    const version = String((await t.call('GET', '/version')).json)
    assert.match(version, /^\d+\.\d+\.\d+$/)
    const [major, minor] = version.split('.').map(Number) as [number, number]
    assert.ok(major > 3 || (major === 3 && minor >= 4), version)
  })
})

describe('an --artifacts-only server', () => {
  it('answers tracking routes with 503 naming the flag', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { openTrackingStore } = await import('@orchard/store')
    const { createApp } = await import('../src/app.ts')
    const dir = await mkdtemp(join(tmpdir(), 'orchard-artifacts-only-'))
    const store = await openTrackingStore(`sqlite:///${join(dir, 'o.db')}`)
    try {
      const app = createApp({ trackingStore: store, artifactsDestination: dir, artifactsOnly: true })
      const reply = await app.request('/api/2.0/mlflow/experiments/get?experiment_id=0')
      assert.equal(reply.status, 503)
      assert.match(((await reply.json()) as { message: string }).message, /--artifacts-only/)
      const listed = await app.request('/api/2.0/mlflow-artifacts/artifacts?path=')
      assert.equal(listed.status, 200)
    } finally {
      await store.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
