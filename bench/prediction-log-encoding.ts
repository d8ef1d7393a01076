// What the prediction log's encoding costs per row, on one thread with no server around it: the
// log's own Parquet writer (`PredictionBatches`, which uses log-parquet.ts) against the general
// writer it replaced (hyparquet-writer, given the same columns as the log gave it before), on the
// same taxi-shaped requests, alternating, a drain of 50,000 rows each time.
// Run: node --conditions=orchard-source --import tsx bench/prediction-log-encoding.ts [--rows-per-request 1,100] [--rounds 10]
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { parquetWriteBuffer } from 'hyparquet-writer'
import type { LogRecord } from '../packages/models/src/monitoring/prediction-batch.ts'
import { LOG_COLUMNS, PredictionBatches } from '../packages/models/src/monitoring/prediction-batch.ts'
import { taxiRow } from './models.ts'

const ROWS = 50_000

/** A version-4 UUID, as the server makes one, from a seeded generator (random hex, so no writer can compress it away). */
function requestId(i: number): string {
  let state = (i * 2654435761 + 1) >>> 0
  const hex = (digits: number) => {
    let out = ''
    for (let d = 0; d < digits; d++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      out += (state >>> 28).toString(16)
    }
    return out
  }
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[i % 4]}${hex(3)}-${hex(12)}`
}

function records(rowsPerRequest: number): LogRecord[] {
  const start = Date.UTC(2026, 11, 4, 12)
  return Array.from({ length: Math.floor(ROWS / rowsPerRequest) }, (_, i) => {
    const pickup: string[] = []
    const dropoff: string[] = []
    const distance: number[] = []
    for (let r = 0; r < rowsPerRequest; r++) {
      const row = taxiRow(i * rowsPerRequest + r)
      pickup.push(row.PULocationID)
      dropoff.push(row.DOLocationID)
      distance.push(row.trip_distance)
    }
    // Predictions as a linear model gives them: continuous, every one distinct.
    const predictions = distance.map((d, r) => 5.2 + d * 2.71828 + Math.sin(i * rowsPerRequest + r))
    return { requestId: requestId(i), modelName: 'taxi', modelVersion: '3', timestampMs: start + i, latencyMs: 0.4 + ((Math.imul(i, 2654435761) >>> 0) % 100_000) / 50_000, rows: rowsPerRequest, names: ['PULocationID', 'DOLocationID', 'trip_distance'], columns: [pickup, dropoff, distance], predictions }
  })
}

/** The general writer, given the columns the log built for it before (one value per row, Float64Array where it could). */
function generalWriter(batch: readonly LogRecord[]): Uint8Array {
  const total = batch.reduce((sum, r) => sum + r.rows, 0)
  const perRow = <T>(value: (r: LogRecord) => T) => batch.flatMap((r) => Array<T>(r.rows).fill(value(r)))
  const doubles = (values: unknown[]) => Float64Array.from(values as number[])
  const inputs = [0, 1, 2].map((c) => batch.flatMap((r) => r.columns[c] as unknown[]))
  const positions = new Int32Array(total)
  let at = 0
  for (const r of batch) for (let i = 0; i < r.rows; i++) positions[at++] = i
  const [requestId, modelName, modelVersion, timestamp, latency] = LOG_COLUMNS
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: requestId, data: perRow((r) => r.requestId), type: 'STRING', nullable: false },
        { name: modelName, data: perRow((r) => r.modelName), type: 'STRING', nullable: false },
        { name: modelVersion, data: perRow((r) => r.modelVersion), type: 'STRING', nullable: false },
        { name: timestamp, data: Float64Array.from(perRow((r) => r.timestampMs)), type: 'TIMESTAMP', nullable: false },
        { name: latency, data: Float64Array.from(perRow((r) => r.latencyMs)), type: 'DOUBLE', nullable: false },
        { name: 'row', data: positions, type: 'INT32', nullable: false },
        { name: 'PULocationID', data: inputs[0]!, type: 'STRING', nullable: true },
        { name: 'DOLocationID', data: inputs[1]!, type: 'STRING', nullable: true },
        { name: 'trip_distance', data: doubles(inputs[2]!), type: 'DOUBLE', nullable: true },
        { name: 'prediction', data: doubles(batch.flatMap((r) => r.predictions as number[])), type: 'DOUBLE', nullable: true },
      ],
    }),
  )
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!

export function predictionLogEncodingBenchmark(options: { rowsPerRequest: readonly number[]; rounds: number }): Record<string, number> {
  const results: Record<string, number> = {}
  for (const rowsPerRequest of options.rowsPerRequest) {
    const batch = records(rowsPerRequest)
    const times = { orchard: [] as number[], general: [] as number[] }
    const sizes = { orchard: 0, general: 0 }
    for (let round = 0; round < options.rounds + 2; round++) {
      for (const variant of round % 2 === 0 ? (['orchard', 'general'] as const) : (['general', 'orchard'] as const)) {
        let bytes: Uint8Array
        const started = performance.now()
        if (variant === 'orchard') {
          // As the scoring server does: append as requests arrive, then drain one file.
          const batches = new PredictionBatches()
          batches.append(batch)
          const file = batches.drain()[0]!
          if (!('bytes' in file)) throw new Error(file.error)
          bytes = file.bytes
        } else bytes = generalWriter(batch)
        // The first two rounds warm the compilers up.
        if (round >= 2) times[variant].push(((performance.now() - started) * 1000) / ROWS)
        sizes[variant] = bytes.length
      }
    }
    for (const variant of ['orchard', 'general'] as const) {
      results[`${variant}_${rowsPerRequest}row_us_per_row`] = Math.round(median(times[variant]) * 1000) / 1000
      results[`${variant}_${rowsPerRequest}row_bytes_per_row`] = Math.round((sizes[variant] / ROWS) * 10) / 10
    }
  }
  return results
}

export function printPredictionLogEncodingBenchmark(results: Record<string, number>, options: { rowsPerRequest: readonly number[]; rounds: number }): void {
  console.log(`prediction log encoding, ${ROWS.toLocaleString('en')} rows a drain, median of ${options.rounds} alternating rounds:`)
  for (const rows of options.rowsPerRequest) {
    const [ours, general] = [results[`orchard_${rows}row_us_per_row`]!, results[`general_${rows}row_us_per_row`]!]
    console.log(`  ${rows}-row requests: log-parquet ${ours} µs/row (${results[`orchard_${rows}row_bytes_per_row`]} B/row), hyparquet-writer ${general} µs/row (${results[`general_${rows}row_bytes_per_row`]} B/row): ${(general / ours).toFixed(1)}× less CPU`)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { 'rows-per-request': { type: 'string', default: '1,100' }, rounds: { type: 'string', default: '10' } } })
  const options = { rowsPerRequest: values['rows-per-request']!.split(',').map(Number), rounds: Number(values.rounds) }
  const load = [loadavg()[0]!]
  const results = predictionLogEncodingBenchmark(options)
  load.push(loadavg()[0]!)
  printPredictionLogEncodingBenchmark(results, options)
  console.log(`  1-minute load average: ${load.map((l) => l.toFixed(1)).join(' → ')} (2 cores)`)
  console.log(JSON.stringify(results))
}
