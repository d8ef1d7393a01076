import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { expectError, openRegistryTestApp } from './registry-harness.ts'
import type { RegistryTestApp } from './registry-harness.ts'

let app: RegistryTestApp
before(async () => {
  app = await openRegistryTestApp({ allowedArtifactLocations: ['/srv/mlruns'] })
})
after(() => app.close())

const createModel = (name: string) => app.call('POST', 'registered-models/create', { name })
const createVersion = (name: string, extra: object = {}) => app.call('POST', 'model-versions/create', { name, source: 's3://bucket/model', ...extra })
const transition = (name: string, version: string, stage: string, archive: boolean) =>
  app.call('POST', 'model-versions/transition-stage', { name, version, stage, archive_existing_versions: archive })

describe('model-versions endpoints', () => {
  it('creates a version with every field MLflow sends and reads it back', async () => {
    await createModel('mv-a')
    const created = await createVersion('mv-a', {
      source: 'mlflow-artifacts:/0/abc/artifacts/model',
      run_id: 'abc',
      run_link: 'http://host/#/runs/abc',
      description: 'first',
      tags: [{ key: 'k', value: 'v' }],
    })
    const version = created.json.model_version
    assert.deepEqual(
      { ...version, creation_timestamp: 0, last_updated_timestamp: 0 },
      {
        name: 'mv-a',
        version: '1',
        creation_timestamp: 0,
        last_updated_timestamp: 0,
        current_stage: 'None',
        description: 'first',
        source: 'mlflow-artifacts:/0/abc/artifacts/model',
        run_id: 'abc',
        run_link: 'http://host/#/runs/abc',
        status: 'READY',
        tags: [{ key: 'k', value: 'v' }],
      },
    )
    assert.deepEqual((await app.call('GET', 'model-versions/get', { name: 'mv-a', version: '1' })).json, created.json)
    const download = await app.call('GET', 'model-versions/get-download-uri', { name: 'mv-a', version: '1' })
    assert.deepEqual(download.json, { artifact_uri: 'mlflow-artifacts:/0/abc/artifacts/model' })
    const updated = await app.call('PATCH', 'model-versions/update', { name: 'mv-a', version: '1', description: 'second' })
    assert.equal(updated.json.model_version.description, 'second')
  })

  it('hands out distinct version numbers to parallel requests and never reuses deleted ones', async () => {
    await createModel('mv-parallel')
    const replies = await Promise.all(Array.from({ length: 20 }, () => createVersion('mv-parallel')))
    assert.deepEqual(
      replies.map((r) => Number(r.json.model_version.version)).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
    )
    assert.deepEqual((await app.call('DELETE', 'model-versions/delete', { name: 'mv-parallel', version: '20' })).json, {})
    assert.equal((await createVersion('mv-parallel')).json.model_version.version, '21')
    expectError(await app.call('GET', 'model-versions/get', { name: 'mv-parallel', version: '20' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=mv-parallel, version=20) not found')
  })

  it('answers bad input as MLflow does', async () => {
    await createModel('mv-bad')
    expectError(await app.call('POST', 'model-versions/create', { name: 'mv-bad' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'source'")
    expectError(await createVersion('nope'), 404, 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=nope not found')
    expectError(await createVersion('mv-bad', { source: 's3://bucket/a/../../etc' }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid model version source')
    expectError(await createVersion('mv-bad', { source: 's3://bucket/a/%2E%2E/etc' }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid model version source')
    expectError(await app.call('GET', 'model-versions/get', { name: 'mv-bad', version: 'one' }), 400, 'INVALID_PARAMETER_VALUE', "Parameter 'version' must be an integer, got 'one'.")
    expectError(await app.call('GET', 'model-versions/get', { name: 'mv-bad' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'version'")
    expectError(await app.call('PATCH', 'model-versions/update', { name: 'mv-bad', version: '5' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'version=5')
    expectError(await app.call('DELETE', 'model-versions/delete', { name: 'mv-bad', version: '5' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'version=5')
    expectError(await app.call('GET', 'model-versions/get-download-uri', { name: 'mv-bad', version: '5' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'version=5')
  })

  it('transitions stages case-insensitively and archives the others on request', async () => {
    await createModel('mv-stage')
    for (let i = 0; i < 3; i++) await createVersion('mv-stage')
    assert.equal((await transition('mv-stage', '1', 'production', false)).json.model_version.current_stage, 'Production')
    await transition('mv-stage', '2', 'PRODUCTION', false)
    const third = await transition('mv-stage', '3', 'Production', true)
    assert.equal(third.json.model_version.current_stage, 'Production')
    for (const version of ['1', '2']) {
      assert.equal((await app.call('GET', 'model-versions/get', { name: 'mv-stage', version })).json.model_version.current_stage, 'Archived')
    }
    expectError(await transition('mv-stage', '1', 'Live', false), 400, 'INVALID_PARAMETER_VALUE', 'Invalid Model Version stage: Live')
    expectError(await transition('mv-stage', '1', 'None', true), 400, 'INVALID_PARAMETER_VALUE', "because 'None' is not an Active stage")
    expectError(
      await app.call('POST', 'model-versions/transition-stage', { name: 'mv-stage', version: '1', stage: 'Staging' }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'archive_existing_versions'",
    )
    expectError(
      await app.call('POST', 'model-versions/transition-stage', { name: 'mv-stage', version: '1', stage: 'Staging', archive_existing_versions: 'yes' }),
      400,
      'INVALID_PARAMETER_VALUE',
      'archive_existing_versions',
    )
    expectError(await transition('mv-stage', '9', 'Staging', false), 404, 'RESOURCE_DOES_NOT_EXIST', 'version=9')
  })

  it('sets and deletes version tags', async () => {
    await createModel('mv-tags')
    await createVersion('mv-tags')
    assert.deepEqual((await app.call('POST', 'model-versions/set-tag', { name: 'mv-tags', version: '1', key: 'k', value: 'v' })).json, {})
    assert.deepEqual((await app.call('GET', 'model-versions/get', { name: 'mv-tags', version: '1' })).json.model_version.tags, [{ key: 'k', value: 'v' }])
    assert.deepEqual((await app.call('DELETE', 'model-versions/delete-tag', { name: 'mv-tags', version: '1', key: 'k' })).json, {})
    assert.equal((await app.call('GET', 'model-versions/get', { name: 'mv-tags', version: '1' })).json.model_version.tags, undefined)
    expectError(await app.call('POST', 'model-versions/set-tag', { name: 'mv-tags', version: '2', key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'version=2')
    expectError(await app.call('POST', 'model-versions/set-tag', { name: 'mv-tags', version: '1', key: 'a//b', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE', "'key'")
    expectError(await app.call('DELETE', 'model-versions/delete-tag', { name: 'mv-tags', version: '2', key: 'k' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'version=2')
  })

  it('searches with MLflow filters, order_by and paging', async () => {
    await createModel('mv-search-a')
    await createModel('mv-search-b')
    await createVersion('mv-search-a', { run_id: 'r1' })
    await createVersion('mv-search-a', { run_id: 'r2', tags: [{ key: 'flavor', value: 'onnx' }] })
    await createVersion('mv-search-b', { run_id: 'r3', source: 's3://other/m' })
    const ids = (reply: { json: { model_versions?: { name: string; version: string }[] } }) =>
      (reply.json.model_versions ?? []).map((v) => `${v.name}/${v.version}`)
    const search = (query: Record<string, unknown>) => app.call('GET', 'model-versions/search', query)
    assert.deepEqual(ids(await search({ filter: "name = 'mv-search-a'", order_by: ['version_number ASC'] })), ['mv-search-a/1', 'mv-search-a/2'])
    assert.deepEqual(ids(await search({ filter: "run_id IN ('r1', 'r3')", order_by: ['name', 'version_number'] })), ['mv-search-a/1', 'mv-search-b/1'])
    assert.deepEqual(ids(await search({ filter: "name LIKE 'mv-search-%' AND version_number >= 2" })), ['mv-search-a/2'])
    assert.deepEqual(ids(await search({ filter: "source_path = 's3://other/m'" })), ['mv-search-b/1'])
    assert.deepEqual(ids(await search({ filter: "tags.flavor = 'onnx'" })), ['mv-search-a/2'])
    const first = await search({ filter: "name LIKE 'mv-search-%'", max_results: 2, order_by: ['name ASC', 'version_number ASC'] })
    assert.deepEqual(ids(first), ['mv-search-a/1', 'mv-search-a/2'])
    const second = await search({ filter: "name LIKE 'mv-search-%'", max_results: 2, order_by: ['name ASC', 'version_number ASC'], page_token: first.json.next_page_token })
    assert.deepEqual(ids(second), ['mv-search-b/1'])
    expectError(await search({ filter: "version_number = 'x'" }), 400, 'INVALID_PARAMETER_VALUE', 'expected a number')
    expectError(await search({ filter: 'stage = 1' }), 400, 'INVALID_PARAMETER_VALUE', "invalid attribute key 'stage'")
    expectError(await search({ max_results: 200_001 }), 400, 'INVALID_PARAMETER_VALUE', 'between 1 and 200000')
    expectError(await search({ order_by: ['version_number', 'version_number DESC'] }), 400, 'INVALID_PARAMETER_VALUE', 'duplicate fields')
  })
})

describe('model versions of MLflow 3 logged models', () => {
  it('registers models:/<model_id> with the logged model as storage location, run and model_id', async () => {
    await createModel('mv-logged')
    const loggedModel = await app.call('POST', 'logged-models', { experiment_id: '0', name: 'clf' })
    const { model_id: modelId, artifact_uri: artifactUri } = loggedModel.json.model.info
    const created = await createVersion('mv-logged', { source: `models:/${modelId}`, model_id: modelId })
    const version = created.json.model_version
    assert.deepEqual([version.source, version.model_id], [`models:/${modelId}`, modelId])
    const download = await app.call('GET', 'model-versions/get-download-uri', { name: 'mv-logged', version: '1' })
    assert.equal(download.json.artifact_uri, artifactUri)
    const copy = await createVersion('mv-logged', { source: 'models:/mv-logged/1' })
    assert.equal(copy.json.model_version.version, '2')
    const copied = await app.call('GET', 'model-versions/get-download-uri', { name: 'mv-logged', version: '2' })
    assert.equal(copied.json.artifact_uri, artifactUri)
    expectError(await createVersion('mv-logged', { source: 'models:/m-doesnotexist' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'm-doesnotexist')
    expectError(await createVersion('mv-logged', { source: 'models:/mv-logged/9' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'version=9')
  })
})

describe('local model version sources', () => {
  it('accepts a local path only inside the artifact directory of the run given with it', async () => {
    await createModel('mv-local')
    const experiment = await app.call('POST', 'experiments/create', { name: 'mv-local', artifact_location: '/srv/mlruns/7' })
    const run = await app.call('POST', 'runs/create', { experiment_id: experiment.json.experiment_id })
    const { run_id: runId, artifact_uri: artifactUri } = run.json.run.info
    const inside = await createVersion('mv-local', { source: `${artifactUri}/model`, run_id: runId })
    assert.equal(inside.json.model_version.source, `${artifactUri}/model`)
    assert.equal((await createVersion('mv-local', { source: `file://${artifactUri}/model`, run_id: runId })).status, 200)
    const refused = 'To use a local path as a model version source, the run_id request parameter has to be specified'
    expectError(await createVersion('mv-local', { source: `${artifactUri}/model` }), 400, 'INVALID_PARAMETER_VALUE', refused)
    expectError(await createVersion('mv-local', { source: '/etc/passwd', run_id: runId }), 400, 'INVALID_PARAMETER_VALUE', refused)
    expectError(await createVersion('mv-local', { source: `${artifactUri}-other/model`, run_id: runId }), 400, 'INVALID_PARAMETER_VALUE', refused)
    const proxied = await app.call('POST', 'runs/create', { experiment_id: '0' })
    expectError(await createVersion('mv-local', { source: '/srv/model', run_id: proxied.json.run.info.run_id }), 400, 'INVALID_PARAMETER_VALUE', refused)
  })
})
