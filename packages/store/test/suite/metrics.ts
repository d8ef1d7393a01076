import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rejectsWith, storeOpener } from './harness.ts'
import type { StoreHarness } from './harness.ts'

export function describeMetrics(harness: StoreHarness): void {
  describe('metrics', () => {
    const open = storeOpener(harness)

    it('stores NaN and ±Infinity faithfully, in history and as latest values', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      await store.logBatch(runId, {
        metrics: [
          { key: 'nan', value: Number.NaN, timestamp: 1, step: 0 },
          { key: 'pos', value: Number.POSITIVE_INFINITY, timestamp: 1, step: 0 },
          { key: 'neg', value: Number.NEGATIVE_INFINITY, timestamp: 1, step: 0 },
          { key: 'zero', value: 0, timestamp: 1, step: 0 },
        ],
      })
      await store.logMetric(runId, { key: 'zero', value: Number.NaN, timestamp: 1, step: 0 })
      const latest = Object.fromEntries((await store.getRun(runId)).data.metrics.map((m) => [m.key, m.value]))
      assert.ok(Number.isNaN(latest.nan))
      assert.equal(latest.pos, Number.POSITIVE_INFINITY)
      assert.equal(latest.neg, Number.NEGATIVE_INFINITY)
      const zero = (await store.getMetricHistory(runId, 'zero')).items.map((m) => m.value)
      assert.equal(zero.length, 2, 'NaN and 0 at the same point are two points')
      assert.ok(zero.some((v) => Number.isNaN(v)) && zero.includes(0))
      assert.equal((await store.getMetricHistory(runId, 'pos')).items[0]?.value, Number.POSITIVE_INFINITY)
    })

    it('keeps full history and collapses identical points', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      const point = { key: 'loss', value: 0.5, timestamp: 10, step: 1 }
      await store.logMetric(runId, point)
      await store.logMetric(runId, point)
      await store.logBatch(runId, { metrics: [point, point, { ...point, value: 0.4 }, { ...point, step: 2 }] })
      assert.deepEqual((await store.getMetricHistory(runId, 'loss')).items, [
        { key: 'loss', value: 0.4, timestamp: 10, step: 1 },
        { key: 'loss', value: 0.5, timestamp: 10, step: 1 },
        { key: 'loss', value: 0.5, timestamp: 10, step: 2 },
      ])
      assert.deepEqual((await store.getMetricHistory(runId, 'other')).items, [])
    })

    it('reports as latest the point with the greatest step, then timestamp, then value', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      const latest = async () => (await store.getRun(runId)).data.metrics[0]
      await store.logMetric(runId, { key: 'm', value: 5, timestamp: 100, step: 3 })
      await store.logMetric(runId, { key: 'm', value: 9, timestamp: 200, step: 2 })
      assert.deepEqual(await latest(), { key: 'm', value: 5, timestamp: 100, step: 3 })
      await store.logMetric(runId, { key: 'm', value: 1, timestamp: 101, step: 3 })
      assert.deepEqual(await latest(), { key: 'm', value: 1, timestamp: 101, step: 3 })
      await store.logMetric(runId, { key: 'm', value: 0, timestamp: 101, step: 3 })
      assert.deepEqual(await latest(), { key: 'm', value: 1, timestamp: 101, step: 3 })
      await store.logMetric(runId, { key: 'm', value: 2, timestamp: 101, step: 3 })
      assert.deepEqual(await latest(), { key: 'm', value: 2, timestamp: 101, step: 3 })
      await store.logBatch(runId, {
        metrics: [
          { key: 'm', value: 7, timestamp: 1, step: 9 },
          { key: 'm', value: 8, timestamp: 1, step: 8 },
        ],
      })
      assert.deepEqual(await latest(), { key: 'm', value: 7, timestamp: 1, step: 9 })
    })

    it('pages a metric history in (timestamp, step, value) order and refuses bad tokens', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      await store.logBatch(runId, {
        metrics: Array.from({ length: 25 }, (_, i) => ({ key: 'acc', value: i / 10, timestamp: 1000 + i, step: i })).reverse(),
      })
      const seen: number[] = []
      let pageToken: string | undefined
      let pages = 0
      do {
        const page = await store.getMetricHistory(runId, 'acc', { maxResults: 10, ...(pageToken ? { pageToken } : {}) })
        seen.push(...page.items.map((m) => m.step))
        pageToken = page.nextPageToken
        pages++
      } while (pageToken)
      assert.equal(pages, 3)
      assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => i))
      assert.equal((await store.getMetricHistory(runId, 'acc')).items.length, 25)
      await rejectsWith(store.getMetricHistory(runId, 'acc', { maxResults: 5, pageToken: 'not base64 json' }), 'INVALID_PARAMETER_VALUE', 'Invalid page token')
      const negative = Buffer.from(JSON.stringify({ offset: -1 })).toString('base64')
      await rejectsWith(store.getMetricHistory(runId, 'acc', { pageToken: negative }), 'INVALID_PARAMETER_VALUE', 'Invalid page token')
    })

    it('reads several runs in bulk, ordered by run id, capped at maxResults', async () => {
      const { store } = await open()
      const a = (await store.createRun({ experimentId: '0' })).info.runId
      const b = (await store.createRun({ experimentId: '0' })).info.runId
      for (const [runId, base] of [
        [a, 0],
        [b, 100],
      ] as const) {
        await store.logBatch(runId, {
          metrics: [3, 1, 2].map((step) => ({ key: 'loss', value: base + step, timestamp: step, step })),
        })
      }
      const [first, second] = [a, b].sort()
      const all = await store.getMetricHistoryBulk([a, b, 'f'.repeat(32)], 'loss', 100)
      assert.deepEqual(
        all.map((m) => [m.runId, m.step]),
        [first, second].flatMap((runId) => [1, 2, 3].map((step) => [runId, step])),
      )
      assert.equal((await store.getMetricHistoryBulk([a, b], 'loss', 4)).length, 4)
      assert.deepEqual(await store.getMetricHistoryBulk([], 'loss', 10), [])
    })

    it("samples steps across runs for a range, keeping each run's first and last step", async () => {
      const { store } = await open()
      const a = (await store.createRun({ experimentId: '0' })).info.runId
      const b = (await store.createRun({ experimentId: '0' })).info.runId
      await store.logBatch(a, { metrics: Array.from({ length: 100 }, (_, s) => ({ key: 'm', value: s, timestamp: s, step: s })) })
      await store.logBatch(b, { metrics: [{ key: 'm', value: 1, timestamp: 1, step: 37 }, { key: 'm', value: 2, timestamp: 2, step: 150 }] })
      const sampled = await store.getMetricHistoryBulkInterval([a, b], 'm', { maxResults: 10 })
      const stepsOf = (runId: string) => sampled.filter((m) => m.runId === runId).map((m) => m.step)
      // All steps: 0..99, 37 again, 150 → 101 distinct; every 10.1th plus the last (150), plus
      // each run's boundaries 0, 99, 37, 150.
      assert.deepEqual(stepsOf(a), [0, 10, 20, 30, 37, 40, 50, 60, 70, 80, 90, 99])
      assert.deepEqual(stepsOf(b), [37, 150])
      assert.deepEqual(
        sampled.slice(0, 2).map((m) => m.runId),
        [a, a],
        'runs come in the order asked',
      )
      const ranged = await store.getMetricHistoryBulkInterval([a, b], 'm', { startStep: 20, endStep: 40, maxResults: 5 })
      assert.deepEqual(ranged.filter((m) => m.runId === a).map((m) => m.step), [20, 24, 28, 32, 36, 37, 40])
      assert.deepEqual(ranged.filter((m) => m.runId === b).map((m) => m.step), [37])
      assert.deepEqual(await store.getMetricHistoryBulkInterval([a], 'none', { maxResults: 10 }), [])
      await rejectsWith(
        store.getMetricHistoryBulkInterval([a, 'e'.repeat(32)], 'm', { maxResults: 10 }),
        'RESOURCE_DOES_NOT_EXIST',
        'not found',
      )
    })
  })
}
