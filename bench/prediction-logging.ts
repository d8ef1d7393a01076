// Prediction-logging overhead on /invocations: `orchard models serve` of a taxi-sized model with and
// without --log-predictions, loaded by autocannon from this process (the servers are their own
// processes). The two variants are measured in alternating rounds (A B, B A, …) so that a change
// in the machine's load (other processes share the cores) hits both alike; each figure is the
// median over the rounds. Run alone: node --conditions=orchard-source --import tsx bench/prediction-logging.ts [--quick] [--rate N]
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { saveLinearModel } from '@orchard/models'
import { splitBody, taxiSizedModel, taxiRow } from './models.ts'

const BIN = fileURLToPath(new URL('../packages/cli/bin/orchard.mjs', import.meta.url))

interface Served {
  readonly url: string
  stop(): Promise<void>
}

function serve(args: readonly string[]): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, BIN, 'models', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const exited = new Promise<void>((done) => child.on('exit', () => done()))
    const onData = (chunk: string) => {
      output += chunk
      const url = /Listening on (http:\/\/\S+)/.exec(output)?.[1]
      if (url) resolve({ url, stop: () => (child.kill('SIGTERM'), exited) })
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', onData)
    void exited.then(() => reject(new Error(`models serve exited:\n${output}`)))
  })
}

/** Rows the logged server has dropped so far (a full buffer: the log fell behind), from its /metrics. */
async function droppedRows(served: Served): Promise<number> {
  const metrics = await (await fetch(`${served.url}/metrics`)).text()
  return Number(/^orchard_prediction_log_dropped_rows_total\{reason="buffer_full"\} (\d+)$/m.exec(metrics)?.[1] ?? 0)
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export interface LoggingBenchOptions {
  readonly rounds: number
  readonly seconds: number
  readonly connections: number
  readonly bodies: readonly number[]
  /** Requests per second in all (autocannon's overallRate): latency below saturation instead of at it. */
  readonly rate?: number
}

/**
 * Per body size: median p50/p99 latency (ms) and req/s of each variant, the p99 ratio, and the share
 * of rows the logged server dropped (it sheds log rows rather than slow scoring when it falls behind).
 */
export async function predictionLoggingBenchmark(options: LoggingBenchOptions): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-bench-logging-'))
  const load = [loadavg()[0]!]
  try {
    await saveLinearModel(join(dir, 'model'), taxiSizedModel(), { inputExample: [taxiRow(0), taxiRow(1)] })
    const base = ['-m', join(dir, 'model'), '--port', '0']
    const plain = await serve(base)
    const logged = await serve([...base, '--log-predictions', '--log-destination', join(dir, 'logs')])
    const results: Record<string, number> = {}
    try {
      for (const rows of options.bodies) {
        const body = splitBody(rows)
        const run = (served: Served) => autocannon({ url: `${served.url}/invocations`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: options.connections, duration: options.seconds, ...(options.rate ? { overallRate: options.rate } : {}) })
        // Warm-up: JIT, the model's caches, the logger's first flush.
        await run(plain)
        await run(logged)
        const figures = { plain: [] as { p50: number; p99: number; rps: number }[], logged: [] as { p50: number; p99: number; rps: number }[] }
        const droppedBefore = await droppedRows(logged)
        let offeredRows = 0
        for (let round = 0; round < options.rounds; round++) {
          const order = round % 2 === 0 ? (['plain', 'logged'] as const) : (['logged', 'plain'] as const)
          for (const variant of order) {
            const result = await run(variant === 'plain' ? plain : logged)
            if (result.errors > 0 || result.non2xx > 0) throw new Error(`${variant}: ${result.errors} errors, ${result.non2xx} non-2xx answers`)
            figures[variant].push({ p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average })
            if (variant === 'logged') offeredRows += result.requests.total * rows
          }
          load.push(loadavg()[0]!)
        }
        for (const variant of ['plain', 'logged'] as const) {
          results[`${variant}_${rows}row_p50_ms`] = median(figures[variant].map((f) => f.p50))
          results[`${variant}_${rows}row_p99_ms`] = median(figures[variant].map((f) => f.p99))
          results[`${variant}_${rows}row_rps`] = median(figures[variant].map((f) => f.rps))
        }
        results[`logged_over_plain_${rows}row_p99`] = results[`logged_${rows}row_p99_ms`]! / results[`plain_${rows}row_p99_ms`]!
        results[`logged_${rows}row_dropped_share`] = offeredRows > 0 ? ((await droppedRows(logged)) - droppedBefore) / offeredRows : 0
      }
    } finally {
      await Promise.all([plain.stop(), logged.stop()])
    }
    results.load_average_min = Math.min(...load)
    results.load_average_max = Math.max(...load)
    return results
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export function printPredictionLoggingBenchmark(results: Record<string, number>, options: LoggingBenchOptions): void {
  console.log(`prediction logging on /invocations (autocannon, ${options.connections} connections${options.rate ? `, ${options.rate} req/s in all` : ', as fast as served'}, ${options.rounds} interleaved rounds of ${options.seconds} s per variant; medians):`)
  for (const rows of options.bodies) {
    for (const variant of ['plain', 'logged'] as const) {
      const label = `  ${rows} row${rows === 1 ? '' : 's'}, ${variant === 'plain' ? 'without logging' : '--log-predictions'}`
      console.log(`${label.padEnd(40)} p50 ${results[`${variant}_${rows}row_p50_ms`]} ms  p99 ${results[`${variant}_${rows}row_p99_ms`]} ms  ${Math.round(results[`${variant}_${rows}row_rps`]!)} req/s`)
    }
    console.log(`  ${rows} row${rows === 1 ? '' : 's'}: p99 with logging / without = ${results[`logged_over_plain_${rows}row_p99`]!.toFixed(3)}; rows the log dropped (buffer full): ${(results[`logged_${rows}row_dropped_share`]! * 100).toFixed(1)} %`)
  }
  console.log(`  1-minute load average during the run: ${results.load_average_min!.toFixed(1)}–${results.load_average_max!.toFixed(1)} (2 cores)`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick')
  const rateAt = process.argv.indexOf('--rate')
  const rate = rateAt > 0 ? Number(process.argv[rateAt + 1]) : undefined
  const options = {
    ...(quick ? { rounds: 2, seconds: 2, connections: 4, bodies: [1] } : { rounds: 6, seconds: 5, connections: 4, bodies: [1, 100] }),
    ...(rate ? { rate } : {}),
  }
  const results = await predictionLoggingBenchmark(options)
  printPredictionLoggingBenchmark(results, options)
  console.log(JSON.stringify(results))
}
