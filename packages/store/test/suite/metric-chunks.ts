import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Metric } from '@orchard/core'
import { CHUNK_MIN_POINTS } from '../../src/sql/metric-points.ts'
import type { TrackingStore } from '../../src/tracking-store.ts'
import { storeOpener } from './harness.ts'
import type { StoreHarness } from './harness.ts'

// A history is stored as rows (points written a few at a time) or as chunks (many points of one key in
// one write, migration 017). Whichever way it was written, every read must give the same answer, and
// each point must be stored once, as MLflow's primary key makes it.

/** A deterministic history of `key`: repeated points, NaN, ±Infinity, steps out of order, ties. */
function history(key: string, n: number): Metric[] {
  const points: Metric[] = []
  let seed = 7
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed / 2_147_483_648
  }
  for (let i = 0; i < n; i++) {
    const step = i % 97 === 5 ? i - 3 : i
    const timestamp = 1_000 + Math.floor(i / 3)
    const special = i % 41
    const value =
      special === 0 ? Number.NaN : special === 1 ? Number.POSITIVE_INFINITY : special === 2 ? Number.NEGATIVE_INFINITY : Math.round(random() * 1e6) / 1e3
    points.push({ key, value, timestamp, step })
    if (i % 29 === 0) points.push({ key, value, timestamp, step })
    if (i % 31 === 0) points.push({ key, value: value + 1, timestamp, step })
  }
  return points
}

const slices = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** What every reader returns for one run, with the run's id taken out. */
async function reads(store: TrackingStore, runId: string, key: string) {
  const anonymous = <T extends { runId: string }>(items: readonly T[]) => items.map(({ runId: _, ...rest }) => rest)
  const pages: Metric[] = []
  let pageToken: string | undefined
  do {
    const page = await store.getMetricHistory(runId, key, { maxResults: 37, ...(pageToken ? { pageToken } : {}) })
    pages.push(...page.items)
    pageToken = page.nextPageToken
  } while (pageToken)
  const buckets = async (xAxis: 'step' | 'timestamp', range: { xMin?: number; xMax?: number }) => {
    const answer = await store.getMetricHistoryBuckets([runId], key, { xAxis, buckets: 13, ...range })
    return { ...answer, buckets: anonymous(answer.buckets) }
  }
  return {
    history: (await store.getMetricHistory(runId, key)).items,
    pages,
    bulk: anonymous(await store.getMetricHistoryBulk([runId], key, 10_000)),
    interval: anonymous(await store.getMetricHistoryBulkInterval([runId], key, { maxResults: 20 })),
    intervalRange: anonymous(await store.getMetricHistoryBulkInterval([runId], key, { startStep: 50, endStep: 230, maxResults: 15 })),
    bucketsByStep: await buckets('step', {}),
    bucketsByTime: await buckets('timestamp', {}),
    bucketsInRange: await buckets('step', { xMin: 40, xMax: 160 }),
  }
}

export function describeMetricChunks(harness: StoreHarness): void {
  describe('metric chunks', () => {
    const open = storeOpener(harness)

    it('reads the same history whether it was written as rows, as chunks or both, each point once', async () => {
      const { store, ctx } = await open()
      const points = history('m', 300)
      const distinct = new Set(points.map((p) => `${p.timestamp} ${p.step} ${p.value}`)).size
      const newRun = async () => (await store.createRun({ experimentId: '0' })).info.runId
      const asRows = await newRun()
      for (const point of points) await store.logMetric(asRows, point)
      const asChunks = await newRun()
      for (const batch of slices(points, 100)) {
        await store.logBatch(asChunks, { metrics: batch })
        // A client's retry of the same batch stores nothing more.
        await store.logBatch(asChunks, { metrics: batch })
      }
      const mixed = await newRun()
      for (const point of points.slice(0, 120)) await store.logMetric(mixed, point)
      // Overlaps the rows already stored, then the chunks.
      await store.logBatch(mixed, { metrics: points.slice(60, 250) })
      await store.logBatch(mixed, { metrics: points.slice(200) })
      for (const point of points.slice(230, 260)) await store.logMetric(mixed, point)

      const stored = async (table: string, runId: string) => {
        const [row] = await ctx.db.query<{ n: number }>(
          `SELECT count(*) AS n FROM ${table} t JOIN runs r ON r.run_key = t.run_key WHERE r.run_id = ?`,
          [runId],
        )
        return Number(row?.n)
      }
      assert.equal(await stored('metric_chunks', asRows), 0)
      assert.equal(await stored('metrics', asChunks), 0, 'batches of 100 points of one key are stored as chunks')
      assert.equal(await stored('metric_chunks', asChunks), slices(points, 100).length)
      assert.ok((await stored('metrics', mixed)) > 0 && (await stored('metric_chunks', mixed)) > 0)

      const expected = await reads(store, asRows, 'm')
      assert.equal(expected.history.length, distinct)
      assert.deepEqual(expected.pages, expected.history)
      assert.deepEqual(await reads(store, asChunks, 'm'), expected)
      assert.deepEqual(await reads(store, mixed, 'm'), expected)
      for (const runId of [asRows, asChunks, mixed]) assert.deepEqual((await store.getRun(runId)).data.metrics, (await store.getRun(asRows)).data.metrics)
    })

    it('filters and orders by a history aggregate the same way over rows and chunks', async () => {
      const { store } = await open()
      const experimentId = await store.createExperiment({ name: 'aggregates' })
      const runs: Record<string, string> = {}
      const write = async (name: string, values: readonly number[], chunked: boolean) => {
        const runId = (await store.createRun({ experimentId, runName: name })).info.runId
        runs[runId] = name
        const metrics = values.map((value, step) => ({ key: 'loss', value, timestamp: 5, step }))
        if (chunked) await store.logBatch(runId, { metrics })
        else for (const metric of metrics) await store.logMetric(runId, metric)
      }
      const lows = Array.from({ length: CHUNK_MIN_POINTS * 2 }, (_, i) => 1 + i / 100)
      const highs = Array.from({ length: CHUNK_MIN_POINTS * 2 }, (_, i) => 5 + i / 100)
      await write('low-rows', lows, false)
      await write('low-chunks', lows, true)
      await write('high-rows', highs, false)
      await write('high-chunks', highs, true)
      await write('nan-chunks', Array.from({ length: CHUNK_MIN_POINTS }, () => Number.NaN), true)
      // +Infinity and -Infinity in one history: the mean is whatever the database makes of their sum
      // (NULL on SQLite, NaN on PostgreSQL), the same over rows as over a chunk.
      // The chunked run gets two chunks, the second with a finite sum.
      const infinities = Array.from({ length: CHUNK_MIN_POINTS * 2 }, (_, i) => (i === 0 ? Number.POSITIVE_INFINITY : i === 1 ? Number.NEGATIVE_INFINITY : 3))
      await write('inf-rows', infinities, false)
      const infChunks = (await store.createRun({ experimentId, runName: 'inf-chunks' })).info.runId
      runs[infChunks] = 'inf-chunks'
      const points = infinities.map((value, step) => ({ key: 'loss', value, timestamp: 5, step }))
      await store.logBatch(infChunks, { metrics: points.slice(0, CHUNK_MIN_POINTS) })
      await store.logBatch(infChunks, { metrics: points.slice(CHUNK_MIN_POINTS) })
      const names = async (filter: string, orderBy?: string) =>
        (await store.searchRuns({ experimentIds: [experimentId], filter, runViewType: 'ACTIVE_ONLY', maxResults: 100, ...(orderBy ? { orderBy: [orderBy] } : {}) })).items.map(
          (run) => runs[run.info.runId],
        )
      assert.deepEqual((await names('min(metrics.loss) < 2')).sort(), ['inf-chunks', 'inf-rows', 'low-chunks', 'low-rows'])
      assert.deepEqual((await names('max(metrics.loss) > 5.3')).sort(), ['high-chunks', 'high-rows', 'inf-chunks', 'inf-rows'])
      assert.deepEqual((await names('mean(metrics.loss) > 1.15 and mean(metrics.loss) < 1.16')).sort(), ['low-chunks', 'low-rows'])
      const infMean = (await names('mean(metrics.loss) > 1')).filter((n) => n?.startsWith('inf-')).sort()
      assert.ok(infMean.length === 0 || infMean.length === 2, `rows and chunks agree on the mean of ±Infinity: ${infMean}`)
      const ordered = (await names('', 'max(metrics.loss) DESC')).filter((n) => !n?.startsWith('inf-'))
      assert.deepEqual(ordered.slice(0, 4).map((n) => n?.split('-')[0]), ['high', 'high', 'low', 'low'])
      assert.equal(ordered[4], 'nan-chunks', 'a history of NaN only has no aggregate and comes last')
    })

    it('stores a point once when writers send it at the same time', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      const batch = Array.from({ length: 100 }, (_, step) => ({ key: 'm', value: step / 3, timestamp: 7, step }))
      // A client's retries racing its first attempt: as chunks, as rows, and both.
      await Promise.all([
        ...Array.from({ length: 4 }, () => store.logBatch(runId, { metrics: batch })),
        ...batch.slice(0, 30).map((point) => store.logMetric(runId, point)),
      ])
      assert.deepEqual(
        (await store.getMetricHistory(runId, 'm')).items,
        batch.map((point) => ({ ...point })),
      )
    })

    it('garbage collection removes a run’s chunks', async () => {
      const { store, ctx } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      await store.logBatch(runId, { metrics: history('m', 50) })
      await store.deleteRun(runId)
      await store.garbageCollect({})
      const [row] = await ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM metric_chunks')
      assert.equal(Number(row?.n), 0)
    })
  })
}
