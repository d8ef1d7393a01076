import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SuiteContext } from './context.ts'
import { rejectsWith, uniqueName } from '../harness.ts'

export function describeLogging(ctx: SuiteContext): void {
  const newRun = async () => (await ctx.client.createRun(await ctx.client.createExperiment(uniqueName('log')))).info.runId

  test('logParam, setTag and deleteTag are visible on getRun', async () => {
    const runId = await newRun()
    await ctx.client.logParam(runId, 'learning_rate', 0.01)
    await ctx.client.logParam(runId, 'depth', 6)
    await ctx.client.logParam(runId, 'depth', '6')
    await ctx.client.setTag(runId, 'stage', 'draft')
    await ctx.client.setTag(runId, 'note', 'temporary')
    await ctx.client.deleteTag(runId, 'note')
    const run = await ctx.client.getRun(runId)
    assert.deepEqual(
      [...run.data.params].sort((a, b) => a.key.localeCompare(b.key)),
      [
        { key: 'depth', value: '6' },
        { key: 'learning_rate', value: '0.01' },
      ],
    )
    assert.ok(run.data.tags.some((t) => t.key === 'stage' && t.value === 'draft'))
    assert.ok(!run.data.tags.some((t) => t.key === 'note'))
  })

  test('a different value for a logged param is INVALID_PARAMETER_VALUE', async () => {
    const runId = await newRun()
    await ctx.client.logParam(runId, 'depth', 6)
    await rejectsWith(ctx.client.logParam(runId, 'depth', 7), 'INVALID_PARAMETER_VALUE')
  })

  test('deleting a tag the run does not have is RESOURCE_DOES_NOT_EXIST', async () => {
    await rejectsWith(ctx.client.deleteTag(await newRun(), 'absent'), 'RESOURCE_DOES_NOT_EXIST')
  })

  test('a param key that resolves to another path is INVALID_PARAMETER_VALUE', async () => {
    await rejectsWith(ctx.client.logParam(await newRun(), 'a/../b', 'x'), 'INVALID_PARAMETER_VALUE', 'resolve')
  })

  test('logMetric points come back from getMetricHistory, including NaN and ±Infinity', async () => {
    const runId = await newRun()
    const values = [0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.25]
    for (const [step, value] of values.entries()) await ctx.client.logMetric(runId, 'loss', value, { step, timestamp: 1000 + step })
    const history = await ctx.client.getMetricHistory(runId, 'loss')
    assert.deepEqual(
      history.map((m) => [m.step, m.timestamp, m.value]),
      values.map((value, step) => [step, 1000 + step, value]),
    )
    const latest = (await ctx.client.getRun(runId)).data.metrics.find((m) => m.key === 'loss')
    assert.equal(latest?.value, 0.25)
  })

  test('a metric with a bad key is refused at the call, before any batching', async () => {
    await rejectsWith(ctx.client.logMetric(await newRun(), 'bad key?', 1), 'INVALID_PARAMETER_VALUE', 'bad key?')
  })

  test('a batched metric for an unknown run makes flush reject with RESOURCE_DOES_NOT_EXIST, once', async () => {
    await ctx.client.logMetric('0123456789abcdef0123456789abcdef', 'loss', 1)
    await rejectsWith(ctx.client.flush(), 'RESOURCE_DOES_NOT_EXIST')
    await ctx.client.flush()
  })

  test('a failed background send is thrown by the next logMetric', async () => {
    const client = ctx.newClient({ batching: { flushIntervalMs: 1 } })
    const runId = await newRun()
    await client.deleteRun(runId)
    await client.logMetric(runId, 'loss', 1)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await rejectsWith(client.logMetric(runId, 'loss', 2), 'INVALID_PARAMETER_VALUE')
  })

  test('with batching off a metric for a deleted run is refused by logMetric itself', async () => {
    const client = ctx.newClient({ batching: false })
    const runId = await newRun()
    await client.deleteRun(runId)
    await rejectsWith(client.logMetric(runId, 'loss', 1), 'INVALID_PARAMETER_VALUE')
  })

  test('logBatch splits a batch over the limits into requests and keeps each kind in order', async () => {
    const runId = await newRun()
    const metrics = Array.from({ length: 2500 }, (_, i) => ({ key: `m${i % 3}`, value: i, timestamp: 5000 + i, step: i }))
    const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: String(i) }))
    // One key set 120 times across request boundaries: the last value wins only if order is kept.
    const tags = Array.from({ length: 120 }, (_, i) => ({ key: 'version', value: `v${i}` }))
    await ctx.client.logBatch(runId, { metrics, params, tags })
    const run = await ctx.client.getRun(runId)
    assert.equal(run.data.params.length, 150)
    assert.equal(run.data.tags.find((t) => t.key === 'version')?.value, 'v119')
    const history = await ctx.client.getMetricHistory(runId, 'm1')
    assert.deepEqual(
      history.map((m) => m.step),
      metrics.filter((m) => m.key === 'm1').map((m) => m.step),
    )
  })

  test('logBatch with an invalid entry is INVALID_PARAMETER_VALUE and stores nothing', async () => {
    const runId = await newRun()
    await rejectsWith(
      ctx.client.logBatch(runId, { params: [{ key: 'ok', value: '1' }], metrics: [{ key: 'loss', value: 1, timestamp: -1, step: 0 }] }),
      'INVALID_PARAMETER_VALUE',
      'timestamp',
    )
    assert.deepEqual((await ctx.client.getRun(runId)).data.params, [])
  })

  test('logInputs records datasets on the run', async () => {
    const runId = await newRun()
    await ctx.client.logInputs(runId, [
      { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: { name: 'taxi', digest: 'abc123', sourceType: 'local', source: '/data/taxi.csv' } },
    ])
    const inputs = (await ctx.client.getRun(runId)).inputs.datasetInputs
    assert.equal(inputs.length, 1)
    assert.equal(inputs[0]?.dataset.name, 'taxi')
    assert.equal(inputs[0]?.dataset.sourceType, 'local')
    assert.deepEqual(inputs[0]?.tags, [{ key: 'mlflow.data.context', value: 'training' }])
  })

  test('logging to a finished run is allowed, to a deleted run INVALID_PARAMETER_VALUE', async () => {
    const runId = await newRun()
    await ctx.client.setTerminated(runId)
    await ctx.client.setTag(runId, 'after', 'end')
    await ctx.client.deleteRun(runId)
    await rejectsWith(ctx.client.setTag(runId, 'after', 'delete'), 'INVALID_PARAMETER_VALUE')
  })

  test('close sends queued points, may be called twice, and the closed client refuses calls', async () => {
    const runId = await newRun()
    const client = ctx.newClient({ batching: { flushIntervalMs: 3_600_000 } })
    for (let step = 0; step < 10; step++) await client.logMetric(runId, 'loss', step, { step })
    await Promise.all([client.close(), client.close()])
    assert.equal((await ctx.client.getMetricHistory(runId, 'loss')).length, 10)
    await rejectsWith(client.getRun(runId), 'BAD_REQUEST', 'closed')
  })

  test('getMetricHistoryBulkInterval samples each run, keeping its first and last step, within a step range', async () => {
    const runs = [await newRun(), await newRun()]
    for (const runId of runs) {
      await ctx.client.logBatch(runId, { metrics: Array.from({ length: 50 }, (_, step) => ({ key: 'loss', value: step, timestamp: 10 + step, step })) })
    }
    const sampled = await ctx.client.getMetricHistoryBulkInterval(runs, 'loss', { maxResults: 5 })
    for (const runId of runs) {
      const steps = sampled.filter((m) => m.runId === runId).map((m) => m.step)
      assert.ok(steps.length >= 2 && steps.length <= 6, `${steps.length} points`)
      assert.equal(steps[0], 0)
      assert.equal(steps.at(-1), 49)
    }
    const ranged = await ctx.client.getMetricHistoryBulkInterval([runs[0] as string], 'loss', { startStep: 10, endStep: 20, maxResults: 100 })
    assert.deepEqual(
      ranged.map((m) => m.step),
      Array.from({ length: 11 }, (_, i) => 10 + i),
    )
  })
}
