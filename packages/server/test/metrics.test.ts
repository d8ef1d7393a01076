import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { expectError, openTestApp } from './harness.ts'
import type { TestApp } from './harness.ts'

describe('metrics routes', () => {
  let t: TestApp
  const runIds: string[] = []
  before(async () => {
    t = await openTestApp()
    for (let r = 0; r < 2; r++) {
      const id = (await t.call('POST', 'runs/create', { experiment_id: '0', start_time: 1 })).json.run.info.run_id
      runIds.push(id)
      const metrics = Array.from({ length: 1000 }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: 100 + step, step }))
      await t.call('POST', 'runs/log-batch', { run_id: id, metrics })
    }
  })
  after(() => t.close())

  it('returns the whole history in step order', async () => {
    const reply = await t.call('GET', 'metrics/get-history', { run_id: runIds[0], metric_key: 'loss' })
    assert.equal(reply.json.metrics.length, 1000)
    assert.deepEqual(reply.json.metrics[0], { key: 'loss', value: 1, timestamp: 100, step: 0 })
    assert.equal(reply.json.metrics[999].step, 999)
  })

  it('pages the history with max_results and page_token', async () => {
    const steps: number[] = []
    let token: string | undefined
    do {
      const reply = await t.call('GET', 'metrics/get-history', {
        run_id: runIds[0],
        metric_key: 'loss',
        max_results: 300,
        ...(token ? { page_token: token } : {}),
      })
      steps.push(...reply.json.metrics.map((m: { step: number }) => m.step))
      token = reply.json.next_page_token
    } while (token)
    assert.deepEqual(steps, Array.from({ length: 1000 }, (_, i) => i))
  })

  it('returns an empty history for an unknown key', async () => {
    assert.deepEqual((await t.call('GET', 'metrics/get-history', { run_id: runIds[0], metric_key: 'nope' })).json, {})
  })

  it('serves get-history-bulk on the ajax prefix only, tagging each point with its run', async () => {
    const reply = await t.call('GET', '/ajax-api/2.0/mlflow/metrics/get-history-bulk', { run_id: runIds, metric_key: 'loss', max_results: 50 })
    assert.ok(reply.json.metrics.length <= 50)
    assert.ok(reply.json.metrics.every((m: { run_id: string }) => runIds.includes(m.run_id)))
    expectError(await t.call('GET', 'metrics/get-history-bulk', { run_id: runIds, metric_key: 'loss' }), 404, 'ENDPOINT_NOT_FOUND', 'get-history-bulk')
  })

  it('samples get-history-bulk-interval to max_results steps, keeping first and last', async () => {
    const reply = await t.call('GET', 'metrics/get-history-bulk-interval', { run_ids: runIds, metric_key: 'loss', max_results: 10 })
    for (const id of runIds) {
      const steps = reply.json.metrics.filter((m: { run_id: string }) => m.run_id === id).map((m: { step: number }) => m.step)
      assert.ok(steps.length >= 10 && steps.length <= 12, `got ${steps.length} steps`)
      assert.equal(steps[0], 0)
      assert.equal(steps[steps.length - 1], 999)
    }
  })

  it('limits get-history-bulk-interval to a step range', async () => {
    const reply = await t.call('GET', 'metrics/get-history-bulk-interval', {
      run_ids: [runIds[0]],
      metric_key: 'loss',
      start_step: 100,
      end_step: 200,
      max_results: 2500,
    })
    const steps = reply.json.metrics.map((m: { step: number }) => m.step)
    assert.equal(steps.length, 101)
    assert.equal(Math.min(...steps), 100)
    assert.equal(Math.max(...steps), 200)
  })

  it('validates bulk-interval input as MLflow does', async () => {
    expectError(
      await t.call('GET', 'metrics/get-history-bulk-interval', { run_ids: runIds, metric_key: 'loss', start_step: 1 }),
      400,
      'INVALID_PARAMETER_VALUE',
      'both must be specified',
    )
    expectError(
      await t.call('GET', 'metrics/get-history-bulk-interval', { run_ids: runIds, metric_key: 'loss', max_results: 2501 }),
      400,
      'INVALID_PARAMETER_VALUE',
      'between 1 and 2500',
    )
    expectError(
      await t.call('GET', 'metrics/get-history-bulk-interval', { metric_key: 'loss' }),
      400,
      'INVALID_PARAMETER_VALUE',
      'at least one run_id',
    )
    const many = Array.from({ length: 101 }, (_, i) => i.toString(16).padStart(32, '0'))
    expectError(
      await t.call('GET', 'metrics/get-history-bulk-interval', { run_ids: many, metric_key: 'loss' }),
      400,
      'INVALID_PARAMETER_VALUE',
      'more than 100',
    )
    expectError(
      await t.call('GET', 'metrics/get-history', { run_id: runIds[0], metric_key: 'loss', max_results: 'ten' }),
      400,
      'INVALID_PARAMETER_VALUE',
      "'max_results'",
    )
  })
})
