// `npm run bench`: starts Orchard on a temporary SQLite store and on a temporary PostgreSQL database,
// drives each with the shared client-agnostic workloads (../shared/bench) and our own history
// benchmark, measures the raw SQLite insert limit on the same machine, and prints one table.
// Options: --quick (small sizes, for a smoke run), --only sqlite|postgres, --runs N (search scale).
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import pg from 'pg'
import { startServer } from '@orchard/server'
import { artifactsBenchmark } from './artifacts.ts'
import { historyBenchmark } from './history.ts'
import { httpCeiling } from './http-ceiling.ts'
import { rawSqliteInsertRate } from './raw-sqlite.ts'
import { REGISTRY_ROWS, registryBenchmark } from './registry.ts'
import { MODELS_ROWS, modelsBenchmark } from './models.ts'
import { predictionLogEncodingBenchmark, printPredictionLogEncodingBenchmark } from './prediction-log-encoding.ts'
import { predictionLoggingBenchmark, printPredictionLoggingBenchmark } from './prediction-logging.ts'
import { sdkBatchingBenchmark } from './sdk-batching.ts'
import { STARTUP_ROWS, startupBenchmark } from './startup.ts'
import { printTaxiBenchmark, taxiBenchmark } from './taxi.ts'

const run = promisify(execFile)
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'skip-artifacts': { type: 'boolean', default: false },
    'skip-taxi': { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
  },
})
const quick = args.quick ?? false
const searchRuns = Number(args.runs ?? (quick ? 2000 : 25000))
const sharedBench = join(import.meta.dirname, '..', '..', 'shared', 'bench')
const pgAdminUrl = process.env.ORCHARD_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'

async function sharedWorkload(script: string, url: string, extra: string[]): Promise<Record<string, unknown>> {
  const path = join(sharedBench, script)
  if (!existsSync(path)) throw new Error(`${path} not found: the shared bench scripts live in ../shared/bench`)
  const { stdout } = await run(process.execPath, [path, '--url', url, ...extra], { maxBuffer: 16 * 1024 * 1024 })
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>
}

async function measure(backend: string, backendStoreUri: string): Promise<Record<string, unknown>> {
  const artifacts = mkdtempSync(join(tmpdir(), 'orchard-bench-artifacts-'))
  const server = await startServer({ host: '127.0.0.1', port: 0, backendStoreUri, defaultArtifactRoot: 'mlflow-artifacts:/', artifactsDestination: artifacts })
  try {
    const workload = await sharedWorkload('workload.mjs', server.url, quick ? ['--runs', '40', '--singles', '500'] : [])
    const scale = await sharedWorkload('search-scale.mjs', server.url, ['--runs', String(searchRuns)])
    const history = await historyBenchmark(server.url, quick ? [1_000, 10_000] : [1_000, 100_000])
    const sdk = await sdkBatchingBenchmark(server.url, quick ? 10_000 : 100_000, quick ? 300 : 2_000)
    const registry = await registryBenchmark(server.url, backendStoreUri, { models: quick ? 100 : 1000, versions: 20, iterations: quick ? 20 : 50 })
    return { backend, ...workload, ...scale, ...history, ...sdk, ...registry }
  } finally {
    await server.close()
    rmSync(artifacts, { recursive: true, force: true })
  }
}

async function withPostgresDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `orchard_bench_${process.pid}_${Date.now()}`
  const admin = new pg.Client({ connectionString: pgAdminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  try {
    const url = new URL(pgAdminUrl)
    url.pathname = `/${name}`
    return await fn(url.toString())
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
}

const results: Record<string, unknown>[] = []
const raw = rawSqliteInsertRate(quick ? 200_000 : 1_000_000)
console.log(`raw SQLite insert limit: ${raw.rowsPerSecond.toLocaleString('en')} rows/s`)
const ceiling = await httpCeiling(quick ? 500 : 2000)
console.log(`one-request-per-metric ceiling (bare node:http, same client): ${ceiling.bare_node_http_requests_per_s.toLocaleString('en')} req/s`)

if (args.only !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'orchard-bench-'))
  try {
    results.push(await measure('sqlite', `sqlite:///${join(dir, 'orchard.db')}`))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
if (args.only !== 'sqlite') results.push(await withPostgresDatabase((url) => measure('postgres', url)))

const rows: [string, string, (r: Record<string, unknown>) => string][] = [
  ['log-batch ingest', 'points/s', (r) => fmt(r.ingest_points_per_s)],
  ['  ratio to raw SQLite insert', '', (r) => `${((Number(r.ingest_points_per_s) / raw.rowsPerSecond) * 100).toFixed(1)} %`],
  ['one log-metric per request', 'req/s', (r) => fmt(r.single_log_metric_per_s)],
  ['  its p50 latency', 'ms', (r) => fmt(r.single_log_metric_p50_ms)],
  ['filtered search, 100 runs (workload)', 'p50 ms', (r) => fmt(r.search_filtered_p50_ms)],
  ['page through all runs (workload)', 'ms', (r) => fmt(r.page_all_runs_ms)],
  [`seed ${searchRuns} runs (3 requests each)`, 'runs/s', (r) => fmt(r.seed_runs_per_s)],
  [`1000-run page of ${searchRuns}`, 'p50 ms', (r) => fmt(r.page1000_p50_ms)],
  [`100-run page of ${searchRuns}`, 'p50 ms', (r) => fmt(r.page100_p50_ms)],
  ['SDK logMetric loop, batched, until durable', 'points/s', (r) => fmt(r.sdk_durable_points_per_s)],
  ['  the same loop without await', 'points/s', (r) => fmt(r.sdk_unawaited_durable_points_per_s)],
  ['  the same loop, one request per point', 'points/s', (r) => fmt(r.sdk_unbatched_points_per_s)],
  ...(Object.keys(results[0] ?? {})
    .filter((k) => k.startsWith('history_'))
    .map((k) => [`metric history, ${k.slice('history_'.length).replace('_p50_ms', '')} steps`, 'p50 ms', (r: Record<string, unknown>) => fmt(r[k])] as [
      string,
      string,
      (r: Record<string, unknown>) => string,
    ])),
  ...REGISTRY_ROWS.map(([name, unit, key]) => [name, unit, (r: Record<string, unknown>) => fmt(r[key])] as [string, string, (r: Record<string, unknown>) => string]),
]

function fmt(value: unknown): string {
  return typeof value === 'number' ? value.toLocaleString('en', { maximumFractionDigits: 1 }) : String(value ?? '—')
}

const header = ['figure', 'unit', ...results.map((r) => String(r.backend))]
const table = [header, ...rows.map(([name, unit, get]) => [name, unit, ...results.map(get)])]
const widths = header.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)))
for (const row of table) console.log(row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '))

// Throughput under a real load generator (autocannon in its own process), with its raw limits.
const throughputRun = await run(
  process.execPath,
  ['--conditions=orchard-source', '--import', 'tsx', join(import.meta.dirname, 'throughput.ts'), ...(quick ? ['--quick'] : []), ...(args.only ? ['--only', args.only] : [])],
  { maxBuffer: 16 * 1024 * 1024 },
)
const throughputLines = throughputRun.stdout.trim().split('\n')
console.log(throughputLines.slice(0, -1).join('\n'))
const throughput = JSON.parse(throughputLines.at(-1) ?? '{}') as Record<string, unknown>

let artifacts: Record<string, number> | undefined
if (!args['skip-artifacts']) {
  const MiB = 1024 * 1024
  artifacts = await artifactsBenchmark(quick ? { sizes: [MiB, 20 * MiB], smallFiles: 500 } : {})
  console.log('artifact proxy (local destination):')
  for (const [name, value] of Object.entries(artifacts)) console.log(`  ${name.padEnd(44)} ${fmt(value)}`)
}
const models = await modelsBenchmark(quick ? { singleRequests: 2_000, batchRequests: 200, parquetRows: 200_000 } : { singleRequests: 20_000, batchRequests: 2_000, parquetRows: 1_000_000 })
console.log('model serving and batch scoring:')
for (const [name, unit, key] of MODELS_ROWS) console.log(`  ${name.padEnd(48)} ${fmt(models[key]).padStart(12)} ${unit}`)
const loggingOptions = quick ? { rounds: 2, seconds: 2, connections: 4, bodies: [1], rate: 1000 } : { rounds: 20, seconds: 2, connections: 4, bodies: [1, 100], rate: 1000 }
const predictionLogging = await predictionLoggingBenchmark(loggingOptions)
printPredictionLoggingBenchmark(predictionLogging, loggingOptions)
const encodingOptions = { rowsPerRequest: [1, 100], rounds: quick ? 2 : 10 }
const predictionLogEncoding = predictionLogEncodingBenchmark(encodingOptions)
printPredictionLogEncodingBenchmark(predictionLogEncoding, encodingOptions)
let taxi: Awaited<ReturnType<typeof taxiBenchmark>> | undefined
if (!args['skip-taxi']) {
  taxi = await taxiBenchmark(quick ? 500_000 : 5_000_000)
  printTaxiBenchmark(taxi)
}
const startup = await startupBenchmark(quick ? 2 : 5)
console.log('server start-up (spawn to first 200 on /health; RSS after 2 s idle):')
for (const [name, unit, key] of STARTUP_ROWS) console.log(`  ${name.padEnd(48)} ${fmt(startup[key]).padStart(12)} ${unit}`)
console.log(JSON.stringify({ startup, raw_sqlite_rows_per_s: raw.rowsPerSecond, ...ceiling, results, throughput, artifacts, models, predictionLogging, predictionLogEncoding, taxi }))
