import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Metric } from '@orchard/core'
import { OrchardError, isOrchardError } from '@orchard/protocol/base'
import { MetricBatcher } from './metric-batcher.ts'

const point = (step: number): Metric => ({ key: 'loss', value: step, timestamp: 1000 + step, step })

function recorder(fail?: (runId: string, metrics: readonly Metric[]) => Error | undefined) {
  const sent: { runId: string; steps: number[] }[] = []
  const send = async (runId: string, metrics: readonly Metric[]) => {
    const error = fail?.(runId, metrics)
    if (error) throw error
    sent.push({ runId, steps: metrics.map((m) => m.step) })
  }
  return { sent, send }
}

test('points wait until flush and are sent per run, in order, in requests of at most maxBatchSize', async () => {
  const { sent, send } = recorder()
  const batcher = new MetricBatcher(send, { maxBatchSize: 3, flushIntervalMs: 60_000 })
  for (let step = 0; step < 2; step++) await batcher.add('a', point(step))
  await batcher.add('b', point(0))
  assert.deepEqual(sent, [])
  await batcher.flush()
  assert.deepEqual(sent, [
    { runId: 'a', steps: [0, 1] },
    { runId: 'b', steps: [0] },
  ])
  assert.ok(batcher.idle)
  batcher.stop()
})

test('a full request is sent without waiting for the interval', async () => {
  const { sent, send } = recorder()
  const batcher = new MetricBatcher(send, { maxBatchSize: 2, flushIntervalMs: 60_000 })
  for (let step = 0; step < 5; step++) await batcher.add('a', point(step))
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(sent, [
    { runId: 'a', steps: [0, 1] },
    { runId: 'a', steps: [2, 3] },
  ])
  await batcher.flush()
  assert.deepEqual(sent.at(-1), { runId: 'a', steps: [4] })
  batcher.stop()
})

test('the interval sends points that were left waiting', async () => {
  const { sent, send } = recorder()
  const batcher = new MetricBatcher(send, { flushIntervalMs: 5 })
  await batcher.add('a', point(0))
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.deepEqual(sent, [{ runId: 'a', steps: [0] }])
  batcher.stop()
})

test('a failed send is thrown by flush, or by the next add, once; the batcher goes on working', async () => {
  const { sent, send } = recorder((runId) => (runId === 'gone' ? new OrchardError('RESOURCE_DOES_NOT_EXIST', 'Run gone not found') : undefined))
  const batcher = new MetricBatcher(send, { maxBatchSize: 1, flushIntervalMs: 60_000 })
  await batcher.add('gone', point(0))
  await assert.rejects(batcher.flush(), /Run gone not found/)
  await batcher.flush()
  // A full request goes at once, in the background; its failure reaches the next add.
  await batcher.add('gone', point(1))
  await new Promise((resolve) => setImmediate(resolve))
  await assert.rejects(batcher.add('a', point(2)), (error: unknown) => isOrchardError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST')
  await batcher.add('a', point(3))
  await batcher.flush()
  assert.deepEqual(sent, [{ runId: 'a', steps: [3] }])
  batcher.stop()
})

test('several failed sends are reported as one error with the first code and every cause', async () => {
  const { send } = recorder(() => new OrchardError('TEMPORARILY_UNAVAILABLE', 'server down'))
  const batcher = new MetricBatcher(send, { flushIntervalMs: 60_000 })
  for (const runId of ['a', 'a', 'b', 'c', 'c']) await batcher.add(runId, point(0))
  await assert.rejects(batcher.flush(), (error: unknown) => {
    assert.ok(isOrchardError(error))
    assert.equal(error.code, 'TEMPORARILY_UNAVAILABLE')
    assert.match(error.message, /3 metric batches \(5 points\) could not be logged; the first failed with: server down/)
    assert.equal((error.cause as AggregateError).errors.length, 3)
    return true
  })
  assert.ok(batcher.idle)
  batcher.stop()
})

test('add waits for the sender once maxPending points are outstanding', async () => {
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => (release = resolve))
  let sends = 0
  const batcher = new MetricBatcher(
    async () => {
      sends++
      await gate
    },
    { maxBatchSize: 2, maxPending: 4, flushIntervalMs: 60_000 },
  )
  for (let step = 0; step < 3; step++) await batcher.add('a', point(step))
  let fourthDone = false
  const fourth = batcher.add('a', point(3)).then(() => (fourthDone = true))
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.equal(fourthDone, false)
  release()
  await fourth
  assert.ok(sends >= 2)
  batcher.stop()
})

test('calls nobody awaits are batched like awaited ones, past the pending limit too', async () => {
  const { sent, send } = recorder()
  const slowSend = async (runId: string, metrics: readonly Metric[]) => {
    await new Promise((resolve) => setTimeout(resolve, 2))
    await send(runId, metrics)
  }
  const batcher = new MetricBatcher(slowSend, { maxBatchSize: 100, maxPending: 1_000, flushIntervalMs: 60_000 })
  const calls: Promise<void>[] = []
  for (let step = 0; step < 5_000; step++) calls.push(batcher.add('a', point(step)))
  await Promise.all(calls)
  await batcher.flush()
  const steps = sent.flatMap((request) => request.steps)
  assert.equal(steps.length, 5_000)
  assert.deepEqual(steps, Array.from({ length: 5_000 }, (_, step) => step), 'stored in the order logged')
  // Before, every call past the 1,000 pending points sent a request of its own (4,000 requests).
  assert.ok(sent.length <= 55, `${sent.length} requests for 5,000 points`)
  batcher.stop()
})

test('an error handed back by restore() is thrown by the next add or flush, once', async () => {
  const { send } = recorder()
  const batcher = new MetricBatcher(send, { flushIntervalMs: 60_000 })
  batcher.restore(new OrchardError('RESOURCE_DOES_NOT_EXIST', 'Run with id=abc not found'))
  await assert.rejects(batcher.flush(), /Run with id=abc not found/)
  await batcher.flush()
  batcher.stop()
})
