import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rejectsWith, storeOpener } from './harness.ts'
import type { StoreHarness } from './harness.ts'

export function describeMetricBuckets(harness: StoreHarness): void {
  describe('metric history buckets', () => {
    const open = storeOpener(harness)

    it('reports per bucket the last point with the min, max and mean, so a lone spike survives', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      // 1,000 steps of a slow ramp with one spike at step 537.
      const metrics = Array.from({ length: 1000 }, (_, step) => ({ key: 'loss', value: step === 537 ? 99 : step / 1000, timestamp: 1000 + step, step }))
      for (let i = 0; i < metrics.length; i += 500) await store.logBatch(runId, { metrics: metrics.slice(i, i + 500) })
      const result = await store.getMetricHistoryBuckets([runId], 'loss', { xAxis: 'step', buckets: 10 })
      assert.deepEqual([result.xMin, result.xMax, result.bucketWidth], [0, 999, 100])
      assert.equal(result.buckets.length, 10)
      const { mean: firstMean, ...first } = result.buckets[0]!
      assert.deepEqual(first, { runId, step: 99, timestamp: 1099, value: 0.099, min: 0, max: 0.099, count: 100 })
      assert.ok(Math.abs(firstMean! - 0.0495) < 1e-12, `mean of steps 0–99 is 0.0495, got ${firstMean}`)
      const spiked = result.buckets[5]!
      assert.deepEqual([spiked.step, spiked.value, spiked.min, spiked.max, spiked.count], [599, 0.599, 0.5, 99, 100])
      // The spike moves the mean of its bucket: (0.5 + … + 0.599 − 0.537 + 99) / 100.
      assert.ok(Math.abs(spiked.mean! - (0.5495 + (99 - 0.537) / 100)) < 1e-12, `spiked mean ${spiked.mean}`)
      assert.ok(result.buckets.every((b, i) => i === 5 || b.max! < 1), 'only the spike’s bucket reaches 99')
    })

    it('zooms into a range at full resolution, one point per bucket', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      await store.logBatch(runId, { metrics: Array.from({ length: 300 }, (_, step) => ({ key: 'm', value: step * 2, timestamp: 5000 + step, step })) })
      const result = await store.getMetricHistoryBuckets([runId], 'm', { xAxis: 'step', xMin: 100, xMax: 119, buckets: 1000 })
      assert.deepEqual([result.xMin, result.xMax, result.bucketWidth], [100, 119, 1])
      assert.deepEqual(
        result.buckets.map((b) => [b.step, b.value, b.min, b.max, b.count]),
        Array.from({ length: 20 }, (_, i) => [100 + i, (100 + i) * 2, (100 + i) * 2, (100 + i) * 2, 1]),
      )
    })

    it('buckets by wall time, taking the latest timestamp as the last point', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      await store.logBatch(runId, {
        metrics: [
          { key: 'm', value: 1, timestamp: 0, step: 9 },
          { key: 'm', value: 2, timestamp: 40, step: 1 },
          { key: 'm', value: 3, timestamp: 60, step: 2 },
          { key: 'm', value: 4, timestamp: 99, step: 0 },
        ],
      })
      const result = await store.getMetricHistoryBuckets([runId], 'm', { xAxis: 'timestamp', buckets: 2 })
      assert.equal(result.bucketWidth, 50)
      assert.deepEqual(
        result.buckets.map((b) => [b.timestamp, b.step, b.value, b.min, b.max, b.count]),
        [
          [40, 1, 2, 1, 2, 2],
          [99, 0, 4, 3, 4, 2],
        ],
      )
    })

    it('returns runs in the order asked, leaves NaN out of min, max and mean, and keeps ±Infinity', async () => {
      const { store } = await open()
      const a = (await store.createRun({ experimentId: '0' })).info.runId
      const b = (await store.createRun({ experimentId: '0' })).info.runId
      const empty = (await store.createRun({ experimentId: '0' })).info.runId
      await store.logBatch(a, {
        metrics: [
          { key: 'm', value: Number.NaN, timestamp: 1, step: 0 },
          { key: 'm', value: 5, timestamp: 1, step: 1 },
          { key: 'm', value: Number.NaN, timestamp: 1, step: 2 },
        ],
      })
      await store.logBatch(b, {
        metrics: [
          { key: 'm', value: Number.POSITIVE_INFINITY, timestamp: 1, step: 0 },
          { key: 'm', value: -1, timestamp: 1, step: 1 },
        ],
      })
      const result = await store.getMetricHistoryBuckets([b, empty, a], 'm', { xAxis: 'step', xMin: 0, xMax: 3, buckets: 2 })
      const rows = result.buckets.map((x) => [x.runId, x.step, x.value, x.min, x.max, x.mean, x.count])
      assert.equal(rows.length, 3)
      assert.deepEqual(rows[0], [b, 1, -1, -1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 2])
      assert.deepEqual(rows[1], [a, 1, 5, 5, 5, 5, 2])
      assert.equal(rows[2]![0], a)
      assert.ok(Number.isNaN(rows[2]![2]), 'an all-NaN bucket’s last value is NaN')
      assert.deepEqual(rows[2]!.slice(3), [undefined, undefined, undefined, 1])
    })

    it('breaks ties at a bucket’s last x: the later on the other axis, then a number over NaN, then the greater value', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      await store.logBatch(runId, {
        metrics: [
          // Bucket 0 (steps 0–9), last step 5: three points at its latest timestamp.
          { key: 'm', value: 100, timestamp: 10, step: 5 },
          { key: 'm', value: 1, timestamp: 20, step: 5 },
          { key: 'm', value: Number.NaN, timestamp: 20, step: 5 },
          { key: 'm', value: 3, timestamp: 20, step: 5 },
          { key: 'm', value: 50, timestamp: 30, step: 4 },
          // Bucket 1 (steps 10–19), last step 12: NaN and a number at one timestamp.
          { key: 'm', value: Number.NaN, timestamp: 7, step: 12 },
          { key: 'm', value: -2, timestamp: 7, step: 12 },
        ],
      })
      const byStep = await store.getMetricHistoryBuckets([runId], 'm', { xAxis: 'step', xMin: 0, xMax: 19, buckets: 2 })
      assert.deepEqual(
        byStep.buckets.map((b) => [b.step, b.timestamp, b.value, b.count]),
        [
          [5, 20, 3, 5],
          [12, 7, -2, 2],
        ],
      )
      // By wall time, the tie at timestamp 20 is broken by step, then as above.
      await store.logBatch(runId, { metrics: [{ key: 'm', value: 9, timestamp: 20, step: 2 }] })
      const byTime = await store.getMetricHistoryBuckets([runId], 'm', { xAxis: 'timestamp', xMin: 0, xMax: 29, buckets: 1 })
      assert.deepEqual(
        byTime.buckets.map((b) => [b.timestamp, b.step, b.value]),
        [[20, 5, 3]],
      )
    })

    it('answers an empty history with no buckets and an unknown run with RESOURCE_DOES_NOT_EXIST', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      assert.deepEqual(await store.getMetricHistoryBuckets([runId], 'none', { xAxis: 'step', buckets: 10 }), { xMin: 0, xMax: 0, bucketWidth: 1, buckets: [] })
      await rejectsWith(store.getMetricHistoryBuckets(['f'.repeat(32)], 'm', { xAxis: 'step', buckets: 10 }), 'RESOURCE_DOES_NOT_EXIST', 'f'.repeat(32))
    })
  })
}
