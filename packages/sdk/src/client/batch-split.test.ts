import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MAX_BATCH_REQUEST_BYTES, MAX_ENTITIES_PER_BATCH, MAX_METRICS_PER_BATCH, MAX_PARAMS_PER_BATCH, MAX_TAGS_PER_BATCH } from '@orchard/protocol/base'
import { splitBatch } from './batch-split.ts'
import type { Batch } from './batch-split.ts'

const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'loss', value: i, timestamp: i, step: i }))
const pairs = (n: number, value = 'v') => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value }))

function assertWithinLimits(requests: Batch[]): void {
  for (const r of requests) {
    assert.ok(r.metrics.length <= MAX_METRICS_PER_BATCH)
    assert.ok(r.params.length <= MAX_PARAMS_PER_BATCH)
    assert.ok(r.tags.length <= MAX_TAGS_PER_BATCH)
    assert.ok(r.metrics.length + r.params.length + r.tags.length <= MAX_ENTITIES_PER_BATCH)
    const body = JSON.stringify({ run_id: 'x'.repeat(32), ...r })
    assert.ok(Buffer.byteLength(body) <= MAX_BATCH_REQUEST_BYTES, `${Buffer.byteLength(body)} bytes`)
  }
}

const concat = (requests: Batch[], kind: keyof Batch): unknown[] => requests.flatMap((r): readonly unknown[] => r[kind])

test('a batch within the limits stays one request', () => {
  const batch = { metrics: metrics(10), params: pairs(3), tags: pairs(2) }
  assert.deepEqual(splitBatch(batch), [batch])
})

test('an empty batch needs no request', () => {
  assert.deepEqual(splitBatch({ metrics: [], params: [], tags: [] }), [])
})

test('2500 metrics go as 1000, 1000 and 500, in order', () => {
  const batch = { metrics: metrics(2500), params: [], tags: [] }
  const requests = splitBatch(batch)
  assert.deepEqual(
    requests.map((r) => r.metrics.length),
    [1000, 1000, 500],
  )
  assert.deepEqual(concat(requests, 'metrics'), batch.metrics)
})

test('params and tags go first and metrics fill the room left under 1000 entries', () => {
  const batch = { metrics: metrics(1500), params: pairs(250), tags: pairs(120) }
  const requests = splitBatch(batch)
  assertWithinLimits(requests)
  assert.deepEqual(
    requests.map((r) => [r.params.length, r.tags.length, r.metrics.length]),
    [
      [100, 100, 800],
      [100, 20, 700],
      [50, 0, 0],
    ],
  )
  assert.deepEqual(concat(requests, 'params'), batch.params)
  assert.deepEqual(concat(requests, 'tags'), batch.tags)
  assert.deepEqual(concat(requests, 'metrics'), batch.metrics)
})

test('long values are split so that no request body passes 1 MB', () => {
  // 100 params of 6000 characters and 100 tags of 8000 multi-byte characters: 3 MB in all.
  const batch = { metrics: metrics(300), params: pairs(100, 'p'.repeat(6000)), tags: pairs(100, 'é'.repeat(8000)) }
  const requests = splitBatch(batch)
  assert.ok(requests.length > 1)
  assertWithinLimits(requests)
  assert.deepEqual(concat(requests, 'params'), batch.params)
  assert.deepEqual(concat(requests, 'tags'), batch.tags)
  assert.deepEqual(concat(requests, 'metrics'), batch.metrics)
})
