// Throughput under a real load generator: autocannon, in its own process, against Orchard on SQLite
// and on PostgreSQL, beside the raw limits measured in the same run (SQLite's insert rate with one
// prepared statement in one transaction; a bare node:http server under the same autocannon load).
// Usage: node --conditions=orchard-source --import tsx bench/throughput.ts [--quick] [--only sqlite|postgres]
//        [--duration S] [--connections N]
// Prints a table, then every figure as one JSON line.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { startServer } from '@orchard/server'
import { testDatabase } from '@orchard/store/testing'
import { startBareServer } from './http-ceiling.ts'
import { rawSqliteInsertRate } from './raw-sqlite.ts'
import { restCall } from './rest-call.ts'
import type { LoadFigures as Load } from './load-figures.ts'

const run = promisify(execFile)
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
  },
})
const quick = args.quick ?? false
const duration = Number(args.duration ?? (quick ? 3 : 10))
const connections = Number(args.connections ?? 50)
const BATCH_POINTS = 1000


async function load(spec: Record<string, unknown>): Promise<Load> {
  const client = join(import.meta.dirname, 'load-client.mjs')
  const { stdout } = await run(process.execPath, [client, JSON.stringify({ duration, connections, ...spec })], {
    maxBuffer: 4 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Load
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`load on ${String(spec.path)} had failures: ${JSON.stringify(result)}`)
  return result
}

async function bareHttpCeiling(): Promise<Load> {
  const server = await startBareServer()
  try {
    return await load({ url: server.url, path: '/' })
  } finally {
    server.close()
  }
}

async function measure(backend: string, backendStoreUri: string) {
  const artifacts = mkdtempSync(join(tmpdir(), 'orchard-throughput-'))
  const server = await startServer({ host: '127.0.0.1', port: 0, backendStoreUri, defaultArtifactRoot: 'mlflow-artifacts:/', artifactsDestination: artifacts })
  try {
    const { experiment_id } = await restCall(server.url, 'POST', 'experiments/create', { name: 'throughput' })
    const runIds: string[] = []
    for (let i = 0; i < 20; i++) {
      const created = (await restCall(server.url, 'POST', 'runs/create', { experiment_id, start_time: Date.now() })) as { run: { info: { run_id: string } } }
      const runId = created.run.info.run_id
      runIds.push(runId)
      const params = Array.from({ length: 10 }, (_, j) => ({ key: `p${j}`, value: `v${j}` }))
      const tags = Array.from({ length: 5 }, (_, j) => ({ key: `t${j}`, value: `v${j}` }))
      const metrics = Array.from({ length: 10 }, (_, j) => ({ key: `m${j}`, value: j, timestamp: 1, step: 0 }))
      await restCall(server.url, 'POST', 'runs/log-batch', { run_id: runId, params, tags, metrics })
    }
    const runsGet = await load({ url: server.url, path: `/api/2.0/mlflow/runs/get?run_id=${runIds[0]}` })
    const logMetric = await load({ url: server.url, path: '/api/2.0/mlflow/runs/log-metric', method: 'POST', logMetric: { runIds } })
    const logBatch = await load({
      url: server.url,
      path: '/api/2.0/mlflow/runs/log-batch',
      method: 'POST',
      connections: 8,
      logBatch: { runIds, points: BATCH_POINTS },
    })
    return { backend, runsGet, logMetric, logBatch, logBatchPointsPerS: logBatch.requests_per_s * BATCH_POINTS }
  } finally {
    await server.close()
    rmSync(artifacts, { recursive: true, force: true })
  }
}

const raw = rawSqliteInsertRate(1_000_000)
const bare = await bareHttpCeiling()
const results = []
if (args.only !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'orchard-throughput-db-'))
  try {
    results.push(await measure('sqlite', `sqlite:///${join(dir, 'mlflow.db')}`))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
if (args.only !== 'sqlite') {
  const database = testDatabase('orchard_throughput')
  await database.create()
  try {
    results.push(await measure('postgres', database.url))
  } finally {
    await database.drop()
  }
}

const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(1)} %`
console.log(`autocannon, ${duration} s per figure; raw SQLite insert ${raw.rowsPerSecond.toLocaleString('en')} rows/s; bare node:http ${bare.requests_per_s.toLocaleString('en')} req/s (p99 ${bare.p99_ms} ms) at ${connections} connections`)
for (const r of results) {
  console.log(`${r.backend.padEnd(9)} runs/get ${r.runsGet.requests_per_s} req/s (p50 ${r.runsGet.p50_ms} ms, p99 ${r.runsGet.p99_ms} ms, ${pct(r.runsGet.requests_per_s, bare.requests_per_s)} of bare)`)
  console.log(`${r.backend.padEnd(9)} log-metric ${r.logMetric.requests_per_s} req/s (p50 ${r.logMetric.p50_ms} ms, p99 ${r.logMetric.p99_ms} ms)`)
  console.log(`${r.backend.padEnd(9)} log-batch ×${BATCH_POINTS} ${r.logBatchPointsPerS.toLocaleString('en')} points/s (${pct(r.logBatchPointsPerS, raw.rowsPerSecond)} of raw SQLite; p99 ${r.logBatch.p99_ms} ms)`)
}
console.log(JSON.stringify({ duration, connections, raw_sqlite_rows_per_s: raw.rowsPerSecond, bare_http: bare, results }))
