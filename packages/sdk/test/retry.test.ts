import assert from 'node:assert/strict'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import { OrchardClient } from '../src/index.ts'
import { openServerTarget, rejectsWith, uniqueName } from './harness.ts'
import { startProxy } from './proxy.ts'
import type { Proxy } from './proxy.ts'
import type { Target } from './harness.ts'

describe('retries through a proxy that drops connections', () => {
  let target: Target
  let proxy: Proxy
  let direct: OrchardClient
  let client: OrchardClient

  before(async () => {
    target = await openServerTarget()
    proxy = await startProxy(new URL(target.trackingUri))
    direct = new OrchardClient(target.trackingUri, { batching: false })
  })
  beforeEach(() => {
    proxy.faults.length = 0
    proxy.seen.length = 0
    client = new OrchardClient(proxy.url, { retry: { maxRetries: 3, initialDelayMs: 1 } })
  })
  afterEach(() => client.close())
  after(async () => {
    await direct.close()
    await proxy.close()
    await target.close()
  })

  test('a log-batch whose connection drops after the server stored it is sent again and stores nothing twice', async () => {
    const run = await direct.createRun('0')
    const metrics = Array.from({ length: 300 }, (_, step) => ({ key: 'loss', value: step / 300, timestamp: 1000 + step, step }))
    proxy.faults.push({ route: '/runs/log-batch', action: 'drop-after-forwarding' })
    await client.logBatch(run.info.runId, { metrics, params: [{ key: 'depth', value: '6' }], tags: [{ key: 'stage', value: 'retry' }] })
    assert.equal(proxy.seen.filter((p) => p.endsWith('/runs/log-batch')).length, 2)
    const history = await direct.getMetricHistory(run.info.runId, 'loss')
    assert.equal(history.length, 300)
    const stored = await direct.getRun(run.info.runId)
    assert.deepEqual(stored.data.params, [{ key: 'depth', value: '6' }])
  })

  test('batched logMetric points survive a dropped connection without duplicates', async () => {
    const run = await direct.createRun('0')
    proxy.faults.push({ route: '/runs/log-batch', action: 'drop-after-forwarding' })
    for (let step = 0; step < 1500; step++) await client.logMetric(run.info.runId, 'acc', step, { step, timestamp: 2000 + step })
    await client.flush()
    assert.equal((await direct.getMetricHistory(run.info.runId, 'acc')).length, 1500)
  })

  test('a 503 is retried for a create, which then happens once', async () => {
    const name = uniqueName('retried')
    proxy.faults.push({ route: '/experiments/create', action: 'answer-503' })
    const id = await client.createExperiment(name)
    assert.equal(proxy.seen.filter((p) => p.endsWith('/experiments/create')).length, 2)
    assert.equal((await direct.getExperimentByName(name))?.experimentId, id)
  })

  test('a create whose connection drops is not sent again, since the server may have acted', async () => {
    const experimentId = await direct.createExperiment(uniqueName('no-resend'))
    proxy.faults.push({ route: '/runs/create', action: 'drop-after-forwarding' })
    await rejectsWith(client.createRun(experimentId), 'TEMPORARILY_UNAVAILABLE', 'Could not reach')
    assert.equal(proxy.seen.filter((p) => p.endsWith('/runs/create')).length, 1)
    // The server did create it: exactly one run, where a blind retry would have made two.
    assert.equal((await direct.searchRuns(experimentId)).items.length, 1)
  })
})
