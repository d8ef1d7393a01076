import type { TrackingStore } from '@orchard/store'

/**
 * Runs shaped as ../shared/bench/search-scale.mjs shapes them (10 params, 10 metrics, 2 tags), seeded
 * straight through the store API: run `from` up to (not including) `to`, with values from `random`.
 */
export async function seedSearchScaleRuns(store: TrackingStore, experimentId: string, from: number, to: number, random: () => number): Promise<void> {
  for (let i = from; i < to; i++) {
    const run = await store.createRun({ experimentId, startTime: Date.now(), runName: `r${i}`, tags: [] })
    const now = Date.now()
    await store.logBatch(run.info.runId, {
      params: Array.from({ length: 10 }, (_, j) => ({ key: `p${j}`, value: `v${(i * 7 + j) % 10}` })),
      metrics: Array.from({ length: 10 }, (_, j) => ({ key: `m${j}`, value: random(), timestamp: now, step: 0 })),
      tags: [
        { key: 'team', value: `t${i % 3}` },
        { key: 'stage', value: i % 2 ? 'dev' : 'prod' },
      ],
    })
    await store.updateRun(run.info.runId, { status: 'FINISHED', endTime: Date.now() })
  }
}
