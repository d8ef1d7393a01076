// Model serving and batch scoring: /invocations throughput and p50/p99 latency for single-row and
// 1,000-row requests of a taxi-sized orchard.linear model (13,221 features, as the course's
// DictVectorizer), next to a bare node:http server that answers a constant, the limit for this
// client on this machine; then batch-scoring rows/s on a 1M-row Parquet file.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parquetWriteFile } from 'hyparquet-writer'
import { batchPredict, loadModelFromDir, saveLinearModel, startScoringServer } from '@orchard/models'
import type { LinearModelData } from '@orchard/models'

const run = promisify(execFile)

// The load generator runs in its own process so it does not share the server's event loop.
const CLIENT = `
const [url, bodyText, total, concurrency] = [process.argv[1], process.argv[2], Number(process.argv[3]), Number(process.argv[4])]
const send = async () => { const t = performance.now(); const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodyText }); await r.text(); if (r.status !== 200) throw new Error('status ' + r.status); return performance.now() - t }
for (let i = 0; i < 100; i++) await send()
const latencies = []
let next = 0
const t0 = performance.now()
await Promise.all(Array.from({ length: concurrency }, async () => { while (next++ < total) latencies.push(await send()) }))
const seconds = (performance.now() - t0) / 1000
latencies.sort((a, b) => a - b)
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]
console.log(JSON.stringify({ rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99) }))
`

interface LoadResult {
  readonly rps: number
  readonly p50: number
  readonly p99: number
}

async function load(url: string, body: string, total: number, concurrency = 4): Promise<LoadResult> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CLIENT, url, body, String(total), String(concurrency)], { maxBuffer: 1 << 20 })
  return JSON.parse(stdout.trim()) as LoadResult
}

const LOCATIONS = 115

/** A model shaped like the course's taxi model: PU_DO one-hot over observed pairs, plus trip_distance. */
export function taxiSizedModel(): LinearModelData {
  const names: string[] = []
  for (let pu = 1; names.length < 13_220; pu++) for (let d = 1; d <= LOCATIONS && names.length < 13_220; d++) names.push(`PU_DO=${pu}_${d}`)
  names.push('trip_distance')
  return {
    intercept: 12,
    coefficients: names.map((_, i) => Math.sin(i) * 5),
    feature_names: names,
    vectorizer: { kind: 'dict', derived: [{ name: 'PU_DO', concat: ['PULocationID', 'DOLocationID'], separator: '_' }], categorical: ['PU_DO'], numeric: ['trip_distance'], unknown: 'ignore' },
    target: 'duration',
  }
}

/** Deterministic but irregular, so Parquet cannot dictionary-encode the distances away. */
const noise = (i: number) => ((Math.imul(i, 2654435761) >>> 0) % 10_000) / 10_000
export const taxiRow = (i: number) => ({
  PULocationID: String(Math.floor(noise(i) * LOCATIONS) + 1),
  DOLocationID: String(Math.floor(noise(i + 7_919) * LOCATIONS) + 1),
  trip_distance: Math.round(noise(i * 31 + 1) * 2_000) / 100,
})

export function splitBody(rows: number): string {
  const data = Array.from({ length: rows }, (_, i) => {
    const r = taxiRow(i)
    return [r.PULocationID, r.DOLocationID, r.trip_distance]
  })
  return JSON.stringify({ dataframe_split: { columns: ['PULocationID', 'DOLocationID', 'trip_distance'], data } })
}

export interface ModelsBenchOptions {
  readonly singleRequests: number
  readonly batchRequests: number
  readonly parquetRows: number
}

export async function modelsBenchmark(options: ModelsBenchOptions): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-bench-models-'))
  const bare = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      response.setHeader('content-type', 'application/json')
      response.end('{"predictions":[0]}')
    })
  })
  try {
    const data = taxiSizedModel()
    await saveLinearModel(join(dir, 'model'), data, { inputExample: [taxiRow(0), taxiRow(1)] })
    const model = await loadModelFromDir(join(dir, 'model'))
    const server = await startScoringServer({ model, logError: () => {} })
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve))
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/invocations`
    const one = splitBody(1)
    const thousand = splitBody(1000)
    const results: Record<string, number> = {}
    try {
      const single = await load(`${server.url}/invocations`, one, options.singleRequests)
      const singleBare = await load(bareUrl, one, options.singleRequests)
      const batch = await load(`${server.url}/invocations`, thousand, options.batchRequests)
      const batchBare = await load(bareUrl, thousand, options.batchRequests)
      Object.assign(results, {
        invocations_1row_rps: single.rps,
        invocations_1row_p50_ms: single.p50,
        invocations_1row_p99_ms: single.p99,
        bare_1row_rps: singleBare.rps,
        bare_1row_p50_ms: singleBare.p50,
        bare_1row_p99_ms: singleBare.p99,
        invocations_1000rows_rps: batch.rps,
        invocations_1000rows_p50_ms: batch.p50,
        invocations_1000rows_p99_ms: batch.p99,
        invocations_1000rows_rows_per_s: batch.rps * 1000,
        bare_1000rows_rps: batchBare.rps,
        bare_1000rows_p50_ms: batchBare.p50,
        bare_1000rows_p99_ms: batchBare.p99,
      })
    } finally {
      await server.close()
    }
    const rows = options.parquetRows
    const input = join(dir, 'trips.parquet')
    const all = Array.from({ length: rows }, (_, i) => taxiRow(i))
    parquetWriteFile({
      filename: input,
      columnData: [
        { name: 'PULocationID', data: all.map((r) => r.PULocationID), type: 'STRING' },
        { name: 'DOLocationID', data: all.map((r) => r.DOLocationID), type: 'STRING' },
        { name: 'trip_distance', data: all.map((r) => r.trip_distance), type: 'DOUBLE' },
      ],
      rowGroupSize: 100_000,
    })
    const scoring = await loadModelFromDir(join(dir, 'model'))
    const summary = await batchPredict(scoring, { input, output: join(dir, 'predictions.parquet') })
    results.batch_rows = summary.rows
    results.batch_rows_per_s = summary.rowsPerSecond
    results.batch_input_mb = (await stat(input)).size / 1e6
    const toCsv = await batchPredict(scoring, { input, output: join(dir, 'predictions.csv') })
    results.batch_csv_out_rows_per_s = toCsv.rowsPerSecond
    return results
  } finally {
    bare.close()
    await rm(dir, { recursive: true, force: true })
  }
}

/** Rows of the summary table: label, unit, key. */
export const MODELS_ROWS: readonly (readonly [string, string, string])[] = [
  ['/invocations, 1 row (linear, 13,221 features)', 'req/s', 'invocations_1row_rps'],
  ['  p50 / p99', 'ms', 'invocations_1row_p50_ms'],
  ['  bare node:http constant, same client', 'req/s', 'bare_1row_rps'],
  ['/invocations, 1,000 rows (dataframe_split)', 'req/s', 'invocations_1000rows_rps'],
  ['  p50', 'ms', 'invocations_1000rows_p50_ms'],
  ['  bare node:http constant, same body', 'req/s', 'bare_1000rows_rps'],
  ['batch scoring, Parquet in and out', 'rows/s', 'batch_rows_per_s'],
]
