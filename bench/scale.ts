// How search and history costs grow with the size of one store: runs shaped as
// ../shared/bench/search-scale.mjs shapes them (10 params, 10 metrics, 2 tags), seeded through the
// store API in-process (fast), then metric points added in 10,000-point log-batches. At each
// checkpoint the server, over HTTP, answers search-scale's filtered, ordered page of 1,000 and of 100
// runs, a 1,000-step metric history, and the bucketed chart read of the largest metric. The server
// is `orchard server` in a process of its own, as it is run, so that the benchmark's client (and the
// heap its seeding leaves) does not share the server's event loop.
// Usage: node --conditions=orchard-source --import tsx bench/scale.ts [--runs 100000] [--points 10000000]
//        [--only sqlite|postgres] [--queries 5] [--warmup 1] [--analyze] [--keep]
// --warmup N: untimed reads before the timed ones (the searches vary their filter with the call's
// number, so a store read for the first time loads new pages for the first several calls).
// --analyze: on PostgreSQL, ANALYZE the database before each checkpoint's reads, as autovacuum
// would in a deployment (this machine's PostgreSQL runs with autovacuum off, so without it the
// planner works from whatever statistics the tables had when they were small). It also prints the
// database's size.
// --keep: leave the PostgreSQL database in place at the end (its URL is printed) to study plans on it.
// Prints one line per checkpoint, then all of them as JSON.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { openTrackingStore } from '@orchard/store'
import { runSql, testDatabase } from '@orchard/store/testing'
import { startOrchard } from './orchard-process.ts'
import { seedSearchScaleRuns } from './seed-runs.ts'
import { restText } from './rest-call.ts'

const { values: args } = parseArgs({
  options: { runs: { type: 'string' }, points: { type: 'string' }, only: { type: 'string' }, queries: { type: 'string' }, warmup: { type: 'string' }, analyze: { type: 'boolean' }, keep: { type: 'boolean' } },
})
const RUNS = Number(args.runs ?? 100_000)
const POINTS = Number(args.points ?? 10_000_000)
const QUERIES = Number(args.queries ?? 5)
const WARMUP = Number(args.warmup ?? 1)
const RUN_CHECKPOINTS = [10_000, 25_000, 50_000, 100_000, 250_000].filter((n) => n < RUNS).concat(RUNS)
const POINT_CHECKPOINTS = [1_000_000, 10_000_000, 100_000_000].filter((n) => n < POINTS).concat(POINTS)
const HEAVY_RUNS = 100
const BATCH = 10_000

let seed = 7
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

/**
 * p50 of `n` reads after WARMUP untimed ones (`--warmup`, default 1), each timed until its answer has arrived whole. The answer
 * is parsed (and checked for `field`) after the clock stops: in this process the client's parse of
 * a 1000-run page (10–15 ms for its 1.5 MB) would otherwise count as the server's time.
 */
async function timed(n: number, fn: (i: number) => Promise<string>, field: string): Promise<number> {
  const xs: number[] = []
  for (let i = 0; i < WARMUP; i++) await fn(i)
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    const text = await fn(i)
    xs.push(performance.now() - t0)
    if (!(field in (JSON.parse(text) as Record<string, unknown>))) throw new Error(`the answer has no ${field}: ${text.slice(0, 200)}`)
  }
  return Number(p50(xs).toFixed(1))
}

async function measure(name: string, uri: string, sizeOf: () => string | Promise<string>, beforeReads: () => Promise<void> = async () => {}): Promise<Record<string, unknown>[]> {
  const artifacts = mkdtempSync(join(tmpdir(), 'orchard-scale-artifacts-'))
  const store = await openTrackingStore(uri, { defaultArtifactRoot: artifacts })
  const server = await startOrchard(['server', '--host', '127.0.0.1', '--port', '0', '--backend-store-uri', uri, '--default-artifact-root', artifacts])
  const rows: Record<string, unknown>[] = []
  try {
    const experimentId = await store.createExperiment({ name: 'scale' })
    const searchPage = (max: number) => (q: number) =>
      restText(server.url, 'POST', 'runs/search', {
        experiment_ids: [experimentId],
        filter: `metrics.m0 > 0.2 and params.p1 != 'v${q % 10}' and tags.team = 't${q % 3}'`,
        order_by: ['metrics.m1 DESC'],
        max_results: max,
      })
    // A run with a 1,000-step metric: its history read is timed at every checkpoint.
    const probe = await store.createRun({ experimentId: '0', startTime: Date.now(), runName: 'probe', tags: [] })
    await store.logBatch(probe.info.runId, { metrics: Array.from({ length: 1000 }, (_, s) => ({ key: 'loss', value: rand(), timestamp: s, step: s })) })
    const history = () => restText(server.url, 'GET', 'metrics/get-history', { run_id: probe.info.runId, metric_key: 'loss' })

    let seeded = 0
    let started = performance.now()
    for (const checkpoint of RUN_CHECKPOINTS) {
      await seedSearchScaleRuns(store, experimentId, seeded, checkpoint, rand)
      const seedRate = Math.round((checkpoint - seeded) / ((performance.now() - started) / 1000))
      seeded = checkpoint
      await beforeReads()
      const row = {
        backend: name,
        runs: checkpoint,
        points: 0,
        seed_runs_per_s: seedRate,
        page1000_p50_ms: await timed(QUERIES, searchPage(1000), 'runs'),
        page100_p50_ms: await timed(QUERIES, searchPage(100), 'runs'),
        history1000_p50_ms: await timed(QUERIES, history, 'metrics'),
        size: await sizeOf(),
      }
      rows.push(row)
      console.log(JSON.stringify(row))
      started = performance.now()
    }

    const heavy: string[] = []
    for (let i = 0; i < HEAVY_RUNS; i++) heavy.push((await store.createRun({ experimentId: '0', startTime: Date.now(), runName: `heavy${i}`, tags: [] })).info.runId)
    const stepsPerBatch = BATCH / 10
    let points = 0
    let batchIndex = 0
    started = performance.now()
    for (const checkpoint of POINT_CHECKPOINTS) {
      const from = points
      while (points < checkpoint) {
        const runId = heavy[batchIndex % HEAVY_RUNS] as string
        const step0 = Math.floor(batchIndex / HEAVY_RUNS) * stepsPerBatch
        const metrics = new Array(BATCH)
        for (let i = 0; i < BATCH; i++) metrics[i] = { key: `h${i % 10}`, value: rand(), timestamp: step0 + Math.floor(i / 10), step: step0 + Math.floor(i / 10) }
        await store.logBatch(runId, { metrics })
        points += BATCH
        batchIndex++
      }
      const insertRate = Math.round((points - from) / ((performance.now() - started) / 1000))
      await beforeReads()
      const buckets = () => restText(server.url, 'GET', '/api/2.0/orchard/metrics/get-history-buckets', { run_ids: heavy.slice(0, 10), metric_key: 'h0', buckets: 500 })
      const row = {
        backend: name,
        runs: seeded,
        points,
        insert_points_per_s: insertRate,
        page1000_p50_ms: await timed(QUERIES, searchPage(1000), 'runs'),
        page100_p50_ms: await timed(QUERIES, searchPage(100), 'runs'),
        history1000_p50_ms: await timed(QUERIES, history, 'metrics'),
        steps_per_heavy_metric: Math.round(points / HEAVY_RUNS / 10),
        buckets_10_runs_p50_ms: await timed(QUERIES, buckets, 'buckets'),
        size: await sizeOf(),
      }
      rows.push(row)
      console.log(JSON.stringify(row))
      started = performance.now()
    }
  } finally {
    await server.stop()
    await store.close()
    rmSync(artifacts, { recursive: true, force: true })
  }
  return rows
}

const all: Record<string, unknown>[] = []
if (args.only !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'orchard-scale-'))
  const file = join(dir, 'orchard.db')
  const size = () => {
    let bytes = 0
    for (const suffix of ['', '-wal']) bytes += statSync(file + suffix, { throwIfNoEntry: false })?.size ?? 0
    return `${(bytes / 1e9).toFixed(2)} GB`
  }
  try {
    all.push(...(await measure('sqlite', `sqlite:///${file}`, size)))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
if (args.only !== 'sqlite') {
  const database = testDatabase('orchard_scale')
  await database.create()
  try {
    const size = async () => `${(Number((await runSql(database.url, 'SELECT pg_database_size(current_database()) AS bytes'))?.bytes) / 1e9).toFixed(2)} GB`
    const analyze = async () => void (await runSql(database.url, 'ANALYZE'))
    all.push(...(await measure('postgres', database.url, args.analyze ? size : () => 'n/a', args.analyze ? analyze : undefined)))
  } finally {
    if (args.keep) console.error(`kept ${database.url}`)
    else await database.drop()
  }
}
console.log(JSON.stringify(all))
