// The data `npm run bench:ui` measures the UI over, written straight into a SQLite store through
// Orchard's own store API (the same rows a server would write).
import type { TrackingStore } from '@orchard/store'

export const T0 = 1_763_000_000_000

/** `runs` runs with `keys` params and `keys` single-value metrics each. */
export async function seedRuns(store: TrackingStore, name: string, runs: number, keys: number): Promise<string> {
  const experimentId = await store.createExperiment({ name })
  for (let i = 0; i < runs; i++) {
    const { runId } = (await store.createRun({ experimentId, runName: `run-${i}`, startTime: T0 + i, tags: [] })).info
    await store.logBatch(runId, {
      params: Array.from({ length: keys }, (_, k) => ({ key: `p${k}`, value: String((i * 7 + k) % 13) })),
      metrics: Array.from({ length: keys }, (_, k) => ({ key: `m${k}`, value: ((i * 31 + k) % 97) / 97, timestamp: T0 + i, step: 0 })),
    })
  }
  return experimentId
}

/** One run with a `steps`-step metric, for the full-fidelity chart. */
export async function seedLongHistory(store: TrackingStore, steps: number): Promise<{ experimentId: string; runId: string }> {
  const experimentId = await store.createExperiment({ name: 'bench/long-history' })
  const { runId } = (await store.createRun({ experimentId, runName: 'long', startTime: T0, tags: [] })).info
  for (let start = 0; start < steps; start += 1000) {
    const count = Math.min(1000, steps - start)
    await store.logBatch(runId, {
      metrics: Array.from({ length: count }, (_, i) => ({ key: 'loss', value: 1 / (1 + (start + i) / 1000) + 0.01 * Math.sin(start + i), timestamp: T0 + (start + i) * 10, step: start + i })),
    })
  }
  return { experimentId, runId }
}

/** `runs` runs × `metrics` metrics, each a `steps`-step history: the chart grid's worst case. */
export async function seedChartGrid(store: TrackingStore, runs: number, metrics: number, steps: number): Promise<{ experimentId: string; runIds: string[] }> {
  const experimentId = await store.createExperiment({ name: 'bench/chart-grid' })
  const runIds: string[] = []
  const perBatch = Math.max(1, Math.floor(1000 / steps))
  for (let r = 0; r < runs; r++) {
    const { runId } = (await store.createRun({ experimentId, runName: `grid-${r}`, startTime: T0 + r, tags: [] })).info
    runIds.push(runId)
    for (let k = 0; k < metrics; k += perBatch) {
      const keys = Array.from({ length: Math.min(perBatch, metrics - k) }, (_, j) => k + j)
      await store.logBatch(runId, {
        metrics: keys.flatMap((key) => Array.from({ length: steps }, (_, step) => ({ key: `metric_${String(key).padStart(3, '0')}`, value: (r + 1) / (step + 1 + key), timestamp: T0 + step * 1000, step }))),
      })
    }
  }
  return { experimentId, runIds }
}
