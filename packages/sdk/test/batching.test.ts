import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { OrchardClient } from '../src/index.ts'
import { openServerTarget } from './harness.ts'
import type { Target } from './harness.ts'
import { startProxy } from './proxy.ts'
import type { Proxy } from './proxy.ts'

let target: Target
let proxy: Proxy
before(async () => {
  target = await openServerTarget()
  proxy = await startProxy(new URL(target.trackingUri))
})
after(async () => {
  await proxy.close()
  await target.close()
})

const count = (suffix: string) => proxy.seen.filter((path) => path.split('?')[0]?.endsWith(suffix)).length

test('a training loop of 5000 logMetric calls costs 5 log-batch requests, not 5000 round trips', async () => {
  const client = new OrchardClient(proxy.url)
  const runId = (await client.createRun('0')).info.runId
  proxy.seen.length = 0
  for (let step = 0; step < 5000; step++) await client.logMetric(runId, 'loss', 1 / (step + 1), { step })
  await client.setTerminated(runId)
  assert.equal(count('/runs/log-batch'), 5)
  assert.equal(count('/runs/log-metric'), 0)
  assert.equal((await client.getMetricHistory(runId, 'loss')).length, 5000)
  await client.close()
})

test('with batching off every logMetric is its own log-metric request', async () => {
  const client = new OrchardClient(proxy.url, { batching: false })
  const runId = (await client.createRun('0')).info.runId
  proxy.seen.length = 0
  for (let step = 0; step < 20; step++) await client.logMetric(runId, 'loss', step, { step })
  assert.equal(count('/runs/log-metric'), 20)
  assert.equal(count('/runs/log-batch'), 0)
  await client.close()
})
