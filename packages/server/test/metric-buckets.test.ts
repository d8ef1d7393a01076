import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { expectError, openTestApp } from './harness.ts'
import type { TestApp } from './harness.ts'

const BUCKETS = '/ajax-api/2.0/orchard/metrics/get-history-buckets'

describe('metric buckets route (Orchard’s get-history-buckets)', () => {
  let t: TestApp
  let runId: string
  before(async () => {
    t = await openTestApp()
    runId = (await t.call('POST', 'runs/create', { experiment_id: '0', start_time: 1 })).json.run.info.run_id
    const metrics = Array.from({ length: 1000 }, (_, step) => ({ key: 'loss', value: step === 123 ? 'Infinity' : step, timestamp: 100 + step, step }))
    await t.call('POST', 'runs/log-batch', { run_id: runId, metrics })
  })
  after(() => t.close())

  it('buckets a history with the last value, min, max and mean of each bucket, on both prefixes', async () => {
    const reply = await t.call('GET', BUCKETS, { run_ids: runId, metric_key: 'loss', buckets: 4 })
    assert.equal(reply.status, 200)
    assert.deepEqual({ ...reply.json, buckets: undefined }, { x_min: 0, x_max: 999, bucket_width: 250, buckets: undefined })
    assert.deepEqual(reply.json.buckets[0], { run_id: runId, step: 249, timestamp: 349, value: 249, min_value: 0, max_value: 'Infinity', mean_value: 'Infinity', count: 250 })
    assert.deepEqual(reply.json.buckets[1], { run_id: runId, step: 499, timestamp: 599, value: 499, min_value: 250, max_value: 499, mean_value: 374.5, count: 250 })
    assert.equal(reply.json.buckets.length, 4)
    const api = await t.call('GET', '/api/2.0/orchard/metrics/get-history-buckets', { run_ids: runId, metric_key: 'loss', buckets: 4 })
    assert.deepEqual(api.json, reply.json)
  })

  it('zooms with x_min and x_max, and buckets by timestamp on request', async () => {
    const reply = await t.call('GET', BUCKETS, { run_ids: runId, metric_key: 'loss', x_axis: 'timestamp', x_min: 600, x_max: 609 })
    assert.equal(reply.json.bucket_width, 1)
    assert.deepEqual(reply.json.buckets.map((b: { step: number }) => b.step), [500, 501, 502, 503, 504, 505, 506, 507, 508, 509])
  })

  it('refuses bad input with MLflow’s error shape', async () => {
    expectError(await t.call('GET', BUCKETS, { metric_key: 'loss' }), 400, 'INVALID_PARAMETER_VALUE', 'at least one run_id')
    expectError(await t.call('GET', BUCKETS, { run_ids: runId, metric_key: 'loss', buckets: 0 }), 400, 'INVALID_PARAMETER_VALUE', "parameter 'buckets'")
    expectError(await t.call('GET', BUCKETS, { run_ids: runId, metric_key: 'loss', buckets: 5001 }), 400, 'INVALID_PARAMETER_VALUE', 'between 1 and 5000')
    expectError(await t.call('GET', BUCKETS, { run_ids: runId, metric_key: 'loss', x_min: 5 }), 400, 'INVALID_PARAMETER_VALUE', "'x_min' and 'x_max' go together")
    expectError(await t.call('GET', BUCKETS, { run_ids: runId, metric_key: 'loss', x_min: 5, x_max: 4 }), 400, 'INVALID_PARAMETER_VALUE', 'x_max must not be less than x_min')
    expectError(await t.call('GET', BUCKETS, { run_ids: runId, metric_key: 'loss', x_axis: 'epoch' }), 400, 'INVALID_PARAMETER_VALUE', 'x_axis')
    expectError(await t.call('GET', BUCKETS, { run_ids: 'f'.repeat(32), metric_key: 'loss' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'f'.repeat(32))
    expectError(await t.call('GET', BUCKETS, { run_ids: Array.from({ length: 101 }, () => runId), metric_key: 'loss' }), 400, 'INVALID_PARAMETER_VALUE', 'more than 100')
  })
})
