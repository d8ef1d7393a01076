// The data `npm run bench:ui` measures the UI over, written straight into a SQLite store through
// Orchard's own store API (the same rows a server would write).
import Database from 'better-sqlite3'
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

/**
 * `runs` runs with `keys` params and metrics each, fast: one run is written through the store, then
 * copied in SQL inside one transaction (the store's own tables and columns; params, metric history
 * and latest values varied per run as `seedRuns` varies them). Run by run, 100,000 runs take many
 * minutes on a busy machine; this takes seconds. The copies share the template's artifact URI.
 */
export async function seedManyRuns(store: TrackingStore, databasePath: string, name: string, runs: number, keys: number): Promise<string> {
  const experimentId = await seedRuns(store, name, 1, keys)
  const db = new Database(databasePath)
  try {
    const template = (db.prepare('SELECT run_key FROM runs WHERE experiment_id = ?').get(Number(experimentId)) as { run_key: number }).run_key
    db.transaction(() => {
      db.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
         SELECT lower(hex(randomblob(16))), experiment_id, 'run-' || i, user_id, status, start_time + i, end_time, artifact_uri, lifecycle_stage FROM runs, n WHERE run_key = ?`,
      ).run(runs - 1, template)
      const copies = 'SELECT run_key, run_key - ? AS i FROM runs WHERE experiment_id = ? AND run_key != ?'
      db.prepare(`INSERT INTO params (run_key, key, value) SELECT c.run_key, p.key, CAST((c.i * 7 + CAST(substr(p.key, 2) AS INTEGER)) % 13 AS TEXT) FROM (${copies}) c, params p WHERE p.run_key = ?`).run(template, Number(experimentId), template, template)
      for (const table of ['metrics', 'latest_metrics']) {
        db.prepare(
          `INSERT INTO ${table} (run_key, key, value, timestamp, step, is_nan)
           SELECT c.run_key, m.key, ((c.i * 31 + CAST(substr(m.key, 2) AS INTEGER)) % 97) / 97.0, m.timestamp + c.i, m.step, 0 FROM (${copies}) c, ${table} m WHERE m.run_key = ?`,
        ).run(template, Number(experimentId), template, template)
      }
    })()
  } finally {
    db.close()
  }
  return experimentId
}
