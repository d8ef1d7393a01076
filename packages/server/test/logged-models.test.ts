import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { expectError, openTestApp } from './harness.ts'
import type { TestApp } from './harness.ts'

// MLflow 3.x clients call these even in 2.x-style workflows (log_model, list_artifacts on a sub-path).
describe('logged-models routes', () => {
  let t: TestApp
  let experimentId: string
  before(async () => {
    t = await openTestApp()
    experimentId = (await t.call('POST', 'experiments/create', { name: 'models' })).json.experiment_id
  })
  after(() => t.close())

  const create = async (body: Record<string, unknown> = {}) =>
    (await t.call('POST', 'logged-models', { experiment_id: experimentId, ...body })).json.model

  it('creates a pending model with params and tags, and gets it by id', async () => {
    const model = await create({ name: 'lasso', model_type: 'linear', params: [{ key: 'alpha', value: '0.1' }], tags: [{ key: 'k', value: 'v' }] })
    assert.match(model.info.model_id, /^m-[0-9a-f]{32}$/)
    assert.equal(model.info.status, 'LOGGED_MODEL_PENDING')
    assert.equal(model.info.name, 'lasso')
    assert.equal(model.info.artifact_uri, `mlflow-artifacts:/${experimentId}/models/${model.info.model_id}/artifacts`)
    const got = (await t.call('GET', `logged-models/${model.info.model_id}`)).json.model
    assert.deepEqual(got.data.params, [{ key: 'alpha', value: '0.1' }])
    assert.deepEqual(got.info.tags, [{ key: 'k', value: 'v' }])
  })

  it('finalizes, tags, logs params and deletes a tag by path', async () => {
    const id = (await create()).info.model_id
    const finalized = await t.call('PATCH', `logged-models/${id}`, { status: 'LOGGED_MODEL_READY' })
    assert.equal(finalized.json.model.info.status, 'LOGGED_MODEL_READY')
    assert.equal((await t.call('PATCH', `logged-models/${id}/tags`, { tags: [{ key: 'stage', value: 'dev' }] })).status, 200)
    assert.equal((await t.call('POST', `logged-models/${id}/params`, { params: [{ key: 'depth', value: '3' }] })).status, 200)
    assert.equal((await t.call('DELETE', `logged-models/${id}/tags/stage`)).status, 200)
    const got = (await t.call('GET', `logged-models/${id}`)).json.model
    assert.equal(got.info.tags, undefined)
    assert.deepEqual(got.data.params, [{ key: 'depth', value: '3' }])
  })

  it('searches one experiment with a filter and pages of at most 50,000', async () => {
    await create({ name: 'searched', params: [{ key: 'alpha', value: '0.5' }] })
    const reply = await t.call('POST', 'logged-models/search', { experiment_ids: [experimentId], filter: "params.alpha = '0.5'" })
    assert.deepEqual(
      reply.json.models.map((m: { info: { name: string } }) => m.info.name),
      ['searched'],
    )
    expectError(await t.call('POST', 'logged-models/search', { experiment_ids: [experimentId], max_results: 50_001 }), 400, 'INVALID_PARAMETER_VALUE', "Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000")
    expectError(await t.call('POST', 'logged-models/search', {}), 400, 'INVALID_PARAMETER_VALUE', 'experiment_id')
  })

  it('lists a model artifact directory, empty before anything is uploaded', async () => {
    const model = await create()
    const reply = await t.call('GET', `logged-models/${model.info.model_id}/artifacts/directories`)
    assert.deepEqual(reply.json, { root_uri: model.info.artifact_uri })
  })

  it('deletes a model; it is then not found', async () => {
    const id = (await create()).info.model_id
    assert.equal((await t.call('DELETE', `logged-models/${id}`)).status, 200)
    expectError(await t.call('GET', `logged-models/${id}`), 404, 'RESOURCE_DOES_NOT_EXIST', id)
  })

  it('rejects an unknown status, an unknown id and a missing experiment', async () => {
    const id = (await create()).info.model_id
    expectError(await t.call('PATCH', `logged-models/${id}`, { status: 'DONE' }), 400, 'INVALID_PARAMETER_VALUE', "'status'")
    expectError(await t.call('GET', 'logged-models/m-00000000000000000000000000000000'), 404, 'RESOURCE_DOES_NOT_EXIST', 'm-0000')
    expectError(await t.call('POST', 'logged-models', {}), 400, 'INVALID_PARAMETER_VALUE', "'experiment_id'")
    expectError(await t.call('POST', 'logged-models', { experiment_id: '424242' }), 404, 'RESOURCE_DOES_NOT_EXIST', '424242')
  })
})
