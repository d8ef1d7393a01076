import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { expectError, openTestApp } from './harness.ts'
import type { TestApp } from './harness.ts'

describe('runs routes', () => {
  let t: TestApp
  let experimentId: string
  const newRun = async (extra: Record<string, unknown> = {}) =>
    (await t.call('POST', 'runs/create', { experiment_id: experimentId, start_time: 1_000, ...extra })).json.run
  before(async () => {
    t = await openTestApp()
    experimentId = (await t.call('POST', 'experiments/create', { name: 'runs' })).json.experiment_id
  })
  after(() => t.close())

  it('creates a run with MLflow fields and the run name tag', async () => {
    const run = await newRun({ run_name: 'first', tags: [{ key: 'mlflow.user', value: 'ada' }] })
    assert.match(run.info.run_id, /^[0-9a-f]{32}$/)
    assert.equal(run.info.run_uuid, run.info.run_id)
    assert.equal(run.info.run_name, 'first')
    assert.equal(run.info.status, 'RUNNING')
    assert.equal(run.info.lifecycle_stage, 'active')
    assert.equal(run.info.start_time, 1_000)
    assert.equal(run.info.artifact_uri, `mlflow-artifacts:/${experimentId}/${run.info.run_id}/artifacts`)
    assert.ok(run.data.tags.some((tag: { key: string; value: string }) => tag.key === 'mlflow.runName' && tag.value === 'first'))
  })

  it('logs metrics, params and tags and returns the latest metric values', async () => {
    const run = await newRun()
    const id = run.info.run_id
    await t.call('POST', 'runs/log-metric', { run_id: id, key: 'loss', value: 0.5, timestamp: 10, step: 0 })
    await t.call('POST', 'runs/log-metric', { run_id: id, key: 'loss', value: 0.25, timestamp: 20, step: 1 })
    await t.call('POST', 'runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' })
    await t.call('POST', 'runs/set-tag', { run_id: id, key: 'team', value: 'x' })
    const got = (await t.call('GET', 'runs/get', { run_id: id })).json.run
    assert.deepEqual(got.data.metrics, [{ key: 'loss', value: 0.25, timestamp: 20, step: 1 }])
    assert.deepEqual(got.data.params, [{ key: 'lr', value: '0.1' }])
    assert.ok(got.data.tags.some((tag: { key: string }) => tag.key === 'team'))
  })

  it("accepts Python's bare NaN and returns non-finite values as strings", async () => {
    const id = (await newRun()).info.run_id
    const body = `{"run_id": "${id}", "metrics": [{"key": "a", "value": NaN, "timestamp": 1, "step": 0}, {"key": "b", "value": -Infinity, "timestamp": 1, "step": 0}]}`
    assert.equal((await t.call('POST', 'runs/log-batch', body)).status, 200)
    await t.call('POST', 'runs/log-metric', { run_id: id, key: 'c', value: 'Infinity', timestamp: 1 })
    const metrics = (await t.call('GET', 'runs/get', { run_id: id })).json.run.data.metrics
    const byKey = Object.fromEntries(metrics.map((m: { key: string; value: unknown }) => [m.key, m.value]))
    assert.deepEqual(byKey, { a: 'NaN', b: '-Infinity', c: 'Infinity' })
  })

  it('reads the legacy run_uuid field when run_id is absent', async () => {
    const id = (await newRun()).info.run_id
    assert.equal((await t.call('POST', 'runs/log-parameter', { run_uuid: id, key: 'p', value: '1' })).status, 200)
    assert.equal((await t.call('GET', 'runs/get', { run_uuid: id })).json.run.info.run_id, id)
  })

  it('rejects a second value for an existing param and keeps the first', async () => {
    const id = (await newRun()).info.run_id
    await t.call('POST', 'runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' })
    assert.equal((await t.call('POST', 'runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' })).status, 200)
    expectError(await t.call('POST', 'runs/log-parameter', { run_id: id, key: 'lr', value: '0.2' }), 400, 'INVALID_PARAMETER_VALUE', 'lr')
    const params = (await t.call('GET', 'runs/get', { run_id: id })).json.run.data.params
    assert.deepEqual(params, [{ key: 'lr', value: '0.1' }])
  })

  it('writes nothing from a log-batch that fails', async () => {
    const id = (await newRun()).info.run_id
    await t.call('POST', 'runs/log-parameter', { run_id: id, key: 'fixed', value: 'a' })
    const reply = await t.call('POST', 'runs/log-batch', {
      run_id: id,
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
      tags: [{ key: 't', value: 'v' }],
      params: [{ key: 'fixed', value: 'b' }],
    })
    expectError(reply, 400, 'INVALID_PARAMETER_VALUE', 'fixed')
    const got = (await t.call('GET', 'runs/get', { run_id: id })).json.run
    assert.equal(got.data.metrics, undefined)
    assert.ok(!got.data.tags?.some((tag: { key: string }) => tag.key === 't'))
  })

  it("enforces MLflow's log-batch limits", async () => {
    const id = (await newRun()).info.run_id
    const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }))
    expectError(await t.call('POST', 'runs/log-batch', { run_id: id, metrics }), 400, 'INVALID_PARAMETER_VALUE', 'at most 1000 metrics')
    const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' }))
    expectError(await t.call('POST', 'runs/log-batch', { run_id: id, params }), 400, 'INVALID_PARAMETER_VALUE', 'at most 100 params')
    expectError(
      await t.call('POST', 'runs/log-batch', { run_id: id, params: [{ key: 'long', value: 'x'.repeat(6001) }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      'maximum length of 6000',
    )
    expectError(
      await t.call('POST', 'runs/log-batch', { run_id: id, metrics: [{ key: 'm', value: 1 }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'metrics[0].timestamp'",
    )
    expectError(
      await t.call('POST', 'runs/log-batch', { run_id: id, metrics: [{ key: 'm', value: true, timestamp: 1 }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "'metrics[0].value'",
    )
  })

  it('rejects a body over 1 MB on log-batch with 413', async () => {
    const id = (await newRun()).info.run_id
    const tags = [{ key: 'big', value: 'x'.repeat(1_100_000) }]
    expectError(await t.call('POST', 'runs/log-batch', { run_id: id, tags }), 413, 'BAD_REQUEST', 'exceeds the limit')
  })

  it('rejects bad keys, unknown runs and logging to a deleted run', async () => {
    const id = (await newRun()).info.run_id
    expectError(
      await t.call('POST', 'runs/log-metric', { run_id: id, key: '../x', value: 1, timestamp: 1 }),
      400,
      'INVALID_PARAMETER_VALUE',
      "'key'",
    )
    expectError(await t.call('GET', 'runs/get', { run_id: 'f'.repeat(32) }), 404, 'RESOURCE_DOES_NOT_EXIST', 'f'.repeat(32))
    await t.call('POST', 'runs/delete', { run_id: id })
    expectError(await t.call('POST', 'runs/set-tag', { run_id: id, key: 'k', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE', id)
    await t.call('POST', 'runs/restore', { run_id: id })
    assert.equal((await t.call('POST', 'runs/set-tag', { run_id: id, key: 'k', value: 'v' })).status, 200)
  })

  it('updates status, end time and name', async () => {
    const id = (await newRun()).info.run_id
    const reply = await t.call('POST', 'runs/update', { run_id: id, status: 'FINISHED', end_time: 2_000, run_name: 'renamed' })
    assert.equal(reply.json.run_info.status, 'FINISHED')
    assert.equal(reply.json.run_info.end_time, 2_000)
    assert.equal(reply.json.run_info.run_name, 'renamed')
    expectError(await t.call('POST', 'runs/update', { run_id: id, status: 'DONE' }), 400, 'INVALID_PARAMETER_VALUE', "'status'")
  })

  it('deletes a tag and reports a missing one', async () => {
    const id = (await newRun()).info.run_id
    await t.call('POST', 'runs/set-tag', { run_id: id, key: 'gone', value: 'v' })
    assert.equal((await t.call('POST', 'runs/delete-tag', { run_id: id, key: 'gone' })).status, 200)
    expectError(await t.call('POST', 'runs/delete-tag', { run_id: id, key: 'gone' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'gone')
  })

  it('records log-model in the mlflow.log-model.history tag', async () => {
    const id = (await newRun()).info.run_id
    const model = { artifact_path: 'model', flavors: { python_function: {} }, utc_time_created: '2026-01-01 00:00:00', run_id: id }
    assert.equal((await t.call('POST', 'runs/log-model', { run_id: id, model_json: JSON.stringify(model) })).status, 200)
    await t.call('POST', 'runs/log-model', { run_id: id, model_json: JSON.stringify({ ...model, artifact_path: 'm2' }) })
    const tags = (await t.call('GET', 'runs/get', { run_id: id })).json.run.data.tags
    const history = JSON.parse(tags.find((tag: { key: string }) => tag.key === 'mlflow.log-model.history').value)
    assert.deepEqual(
      history.map((m: { artifact_path: string }) => m.artifact_path),
      ['model', 'm2'],
    )
    expectError(await t.call('POST', 'runs/log-model', { run_id: id, model_json: '{' }), 400, 'INVALID_PARAMETER_VALUE', 'model_json')
  })

  it('logs dataset inputs and lists them in search-datasets', async () => {
    const id = (await newRun()).info.run_id
    const dataset = { name: 'taxi', digest: 'abc123', source_type: 'local', source: '/data/taxi.parquet' }
    await t.call('POST', 'runs/log-inputs', { run_id: id, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }] })
    const run = (await t.call('GET', 'runs/get', { run_id: id })).json.run
    assert.equal(run.inputs.dataset_inputs[0].dataset.name, 'taxi')
    const summaries = await t.call('POST', '/ajax-api/2.0/mlflow/experiments/search-datasets', { experiment_ids: [experimentId] })
    assert.deepEqual(summaries.json.dataset_summaries, [{ experiment_id: experimentId, name: 'taxi', digest: 'abc123', context: 'train' }])
  })
})

describe('runs/search', () => {
  let t: TestApp
  let experimentId: string
  before(async () => {
    t = await openTestApp()
    experimentId = (await t.call('POST', 'experiments/create', { name: 'search' })).json.experiment_id
    for (let i = 0; i < 6; i++) {
      const id = (await t.call('POST', 'runs/create', { experiment_id: experimentId, start_time: 1000 + i, run_name: `r${i}` })).json.run.info.run_id
      await t.call('POST', 'runs/log-batch', {
        run_id: id,
        metrics: i === 5 ? [] : [{ key: 'acc', value: i / 10, timestamp: 1, step: 0 }],
        params: [{ key: 'model', value: i % 2 ? 'ridge' : 'lasso' }],
        tags: [{ key: 'team', value: i < 3 ? 'a' : 'b' }],
      })
    }
  })
  after(() => t.close())

  const names = (reply: { json: { runs?: { info: { run_name: string } }[] } }) => (reply.json.runs ?? []).map((r) => r.info.run_name)

  it('orders by start time, newest first, by default', async () => {
    assert.deepEqual(names(await t.call('POST', 'runs/search', { experiment_ids: [experimentId] })), ['r5', 'r4', 'r3', 'r2', 'r1', 'r0'])
  })

  it('filters on metrics, params and tags together', async () => {
    const reply = await t.call('POST', 'runs/search', {
      experiment_ids: [experimentId],
      filter: "metrics.acc >= 0.1 and params.model = 'lasso' and tags.team = 'a'",
    })
    assert.deepEqual(names(reply), ['r2'])
  })

  it('orders by a metric with runs missing it last', async () => {
    const reply = await t.call('POST', 'runs/search', { experiment_ids: [experimentId], order_by: ['metrics.acc DESC'] })
    assert.deepEqual(names(reply), ['r4', 'r3', 'r2', 'r1', 'r0', 'r5'])
  })

  it('pages with max_results and page_token', async () => {
    const first = await t.call('POST', 'runs/search', { experiment_ids: [experimentId], max_results: 4 })
    const second = await t.call('POST', 'runs/search', { experiment_ids: [experimentId], max_results: 4, page_token: first.json.next_page_token })
    assert.deepEqual([...names(first), ...names(second)], ['r5', 'r4', 'r3', 'r2', 'r1', 'r0'])
    assert.equal(second.json.next_page_token, undefined)
  })

  it('supports OR and parentheses beyond MLflow', async () => {
    const reply = await t.call('POST', 'runs/search', {
      experiment_ids: [experimentId],
      filter: "(tags.team = 'a' and metrics.acc > 0.15) or attributes.run_name = 'r5'",
    })
    assert.deepEqual(names(reply), ['r5', 'r2'])
  })

  it('rejects a malformed filter with INVALID_PARAMETER_VALUE', async () => {
    expectError(
      await t.call('POST', 'runs/search', { experiment_ids: [experimentId], filter: 'metrics.acc >' }),
      400,
      'INVALID_PARAMETER_VALUE',
      'metrics.acc >',
    )
    expectError(await t.call('POST', 'runs/search', { experiment_ids: [experimentId], page_token: 'garbage' }), 400, 'INVALID_PARAMETER_VALUE', 'token')
    expectError(await t.call('POST', 'runs/search', { experiment_ids: [experimentId], max_results: 50001 }), 400, 'INVALID_PARAMETER_VALUE', 'max_results')
  })
})
