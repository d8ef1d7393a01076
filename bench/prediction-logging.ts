// Prediction-logging overhead on /invocations: `orchard models serve` of a taxi-sized model with and
// without --log-predictions. At a given rate (`--rate`, 1,000 req/s by default) the load is
// open-loop, Poisson arrivals (bench/paced-load.ts; `--arrivals uniform` spaces them evenly), which
// is what "p99 at 1,000 req/s" means; with `--rate 0` autocannon loads each server as fast as it
// answers (4 connections), which measures throughput and latency at saturation. The servers and the
// load generator are each their own process, so the generator's work does not share an event loop
// (or a V8 heap) with what it measures. The two variants are measured in alternating rounds (A B,
// B A, …) so that a change in the machine's load (other processes share the cores) hits both
// alike; each figure is the median over the rounds, and every round's p99 is kept so the spread
// shows; the p99 of all rounds' responses pooled is given too. Latency is taken per response in
// microseconds (autocannon's own histogram counts whole milliseconds).
// Run alone: node --conditions=orchard-source --import tsx bench/prediction-logging.ts [--quick] [--rate N] [--arrivals poisson|uniform] [--rounds N] [--seconds N] [--bodies 1,100]
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import type { Result } from 'autocannon'
import { saveLinearModel } from '@orchard/models'
import { splitBody, taxiSizedModel, taxiRow } from './models.ts'
import { startOrchard } from './orchard-process.ts'
import type { OrchardProcess } from './orchard-process.ts'
import { pacedLoad } from './paced-load.ts'

/** CPU seconds (user + system) a process (all its threads) has used so far; Linux only (else 0). */
function cpuSeconds(pid: number): number {
  return statSeconds(`/proc/${pid}/stat`)
}

/** CPU seconds of a process's main thread alone: the event loop that answers requests (and encodes the log), without V8's and libuv's helper threads. */
function mainThreadSeconds(pid: number): number {
  return statSeconds(`/proc/${pid}/task/${pid}/stat`)
}

function statSeconds(path: string): number {
  try {
    const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

/** `orchard models serve <args>` in its own process. */
const serve = (args: readonly string[]): Promise<OrchardProcess> => startOrchard(['models', 'serve', ...args])

/** Rows the logged server has dropped so far (a full buffer: the log fell behind), from its /metrics. */
async function droppedRows(served: OrchardProcess): Promise<number> {
  const metrics = await (await fetch(`${served.url}/metrics`)).text()
  return Number(/^orchard_prediction_log_dropped_rows_total\{reason="buffer_full"\} (\d+)$/m.exec(metrics)?.[1] ?? 0)
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

interface LoadOptions {
  readonly url: string
  readonly body: string
  readonly connections: number
  readonly seconds: number
  /** Requests per second, open-loop (paced-load.ts); absent: autocannon as fast as served. */
  readonly rate?: number
  readonly arrivals?: 'poisson' | 'uniform'
}

/** One load run's figures: latency quantiles in microseconds, the rate served, failures. */
interface LoadFigures {
  readonly p50: number
  readonly p99: number
  readonly p999: number
  readonly rps: number
  readonly total: number
  readonly failures: number
  /** Every answered request's latency (µs, whole), so that rounds can be pooled. */
  readonly latencies: readonly number[]
}

/** The q-quantile of sorted values (the value at rank ⌊q·n⌋). */
const quantileOf = (sorted: ArrayLike<number>, q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN)

/** The load generator's side (`--client <options JSON>`): paced at a rate, or autocannon as fast as served; each response's latency kept. */
async function runClient(options: LoadOptions): Promise<LoadFigures> {
  const { latencies, rps, total, failures } = options.rate ? await runPaced(options, options.rate) : await runAutocannon(options)
  const sorted = Float64Array.from(latencies).sort()
  const quantile = (q: number) => quantileOf(sorted, q)
  return { p50: quantile(0.5), p99: quantile(0.99), p999: quantile(0.999), rps, total, failures, latencies: Array.from(latencies, Math.round) }
}

type RawFigures = { latencies: ArrayLike<number>; rps: number; total: number; failures: number }

async function runPaced(options: LoadOptions, rate: number): Promise<RawFigures> {
  const result = await pacedLoad({ url: options.url, headers: { 'content-type': 'application/json' }, body: options.body, rate, seconds: options.seconds, arrivals: options.arrivals ?? 'poisson' })
  return { latencies: result.latencies, rps: result.rate, total: result.sent, failures: result.failures }
}

async function runAutocannon(options: LoadOptions): Promise<RawFigures> {
  const latencies: number[] = []
  let finished: (result: Result) => void = () => {}
  let failed: (error: Error) => void = () => {}
  const done = new Promise<Result>((resolve, reject) => ((finished = resolve), (failed = reject)))
  const instance = autocannon(
    { url: options.url, method: 'POST', headers: { 'content-type': 'application/json' }, body: options.body, connections: options.connections, duration: options.seconds },
    (error, result) => (error ? failed(error) : finished(result)),
  )
  // (client, status, bytes, response time in fractional milliseconds)
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status === 200) latencies.push(ms * 1000)
  })
  const result = await done
  return { latencies, rps: result.requests.average, total: result.requests.total, failures: result.errors + result.non2xx }
}

/** Runs the load generator in a process of its own and returns its figures. */
function load(options: LoadOptions): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--client', JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output.trim().split('\n').pop()!) as LoadFigures) : reject(new Error(`load generator exited ${code}: ${output}`))))
  })
}

export interface LoggingBenchOptions {
  readonly rounds: number
  readonly seconds: number
  readonly connections: number
  readonly bodies: readonly number[]
  /** Requests per second, open-loop (latency below saturation); absent or 0: autocannon as fast as served. */
  readonly rate?: number
  readonly arrivals?: 'poisson' | 'uniform'
}

/**
 * Per body size: median p50/p99 latency (µs) and req/s of each variant, the median of the rounds'
 * p99 ratios, each round's p99s, and the share of rows the logged server dropped (it sheds log rows
 * rather than slow scoring when it falls behind).
 */
export async function predictionLoggingBenchmark(options: LoggingBenchOptions): Promise<Record<string, number | number[]>> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-bench-logging-'))
  const load1 = [loadavg()[0]!]
  try {
    await saveLinearModel(join(dir, 'model'), taxiSizedModel(), { inputExample: [taxiRow(0), taxiRow(1)] })
    const base = ['-m', join(dir, 'model'), '--port', '0']
    const plain = await serve(base)
    const logged = await serve([...base, '--log-predictions', '--log-destination', join(dir, 'logs')])
    const results: Record<string, number | number[]> = {}
    try {
      for (const rows of options.bodies) {
        const body = splitBody(rows)
        const run = (served: OrchardProcess, seconds = options.seconds) => load({ url: `${served.url}/invocations`, body, connections: options.connections, seconds, ...(options.rate ? { rate: options.rate, arrivals: options.arrivals ?? 'poisson' } : {}) })
        // Warm-up: JIT, the model's caches, the logger's first flush.
        await run(plain, 2)
        await run(logged, 2)
        const figures = { plain: [] as LoadFigures[], logged: [] as LoadFigures[] }
        // CPU µs per request, of the server process and of its encoding process (what /proc counts: 10 ms ticks).
        const cpu = { plain: { server: [] as number[], main: [] as number[] }, logged: { server: [] as number[], main: [] as number[] } }
        const droppedBefore = await droppedRows(logged)
        let offeredRows = 0
        for (let round = 0; round < options.rounds; round++) {
          const order = round % 2 === 0 ? (['plain', 'logged'] as const) : (['logged', 'plain'] as const)
          for (const variant of order) {
            const served = variant === 'plain' ? plain : logged
            const [serverBefore, mainBefore] = [cpuSeconds(served.pid), mainThreadSeconds(served.pid)]
            const result = await run(served)
            if (result.failures > 0) throw new Error(`${variant}: ${result.failures} failed requests`)
            figures[variant].push(result)
            cpu[variant].server.push(((cpuSeconds(served.pid) - serverBefore) / result.total) * 1e6)
            cpu[variant].main.push(((mainThreadSeconds(served.pid) - mainBefore) / result.total) * 1e6)
            if (variant === 'logged') offeredRows += result.total * rows
          }
          load1.push(loadavg()[0]!)
        }
        for (const variant of ['plain', 'logged'] as const) {
          results[`${variant}_${rows}row_p50_us`] = median(figures[variant].map((f) => f.p50))
          results[`${variant}_${rows}row_p99_us`] = median(figures[variant].map((f) => f.p99))
          results[`${variant}_${rows}row_p999_us`] = median(figures[variant].map((f) => f.p999))
          results[`${variant}_${rows}row_rps`] = median(figures[variant].map((f) => f.rps))
          results[`${variant}_${rows}row_p99_us_rounds`] = figures[variant].map((f) => f.p99)
          results[`${variant}_${rows}row_server_cpu_us_per_request`] = Math.round(median(cpu[variant].server) * 10) / 10
          results[`${variant}_${rows}row_main_thread_cpu_us_per_request`] = Math.round(median(cpu[variant].main) * 10) / 10
        }
        results[`logged_over_plain_${rows}row_p99`] = (results[`logged_${rows}row_p99_us`] as number) / (results[`plain_${rows}row_p99_us`] as number)
        results[`logged_over_plain_${rows}row_p99_rounds`] = figures.logged.map((f, i) => Math.round((f.p99 / figures.plain[i]!.p99) * 1000) / 1000)
        // The p99 of every response of all rounds together: a round's p99 rests on its slowest 1 %
        // (about 50 responses at 1,000 req/s for 5 s), all rounds' on eight times as many.
        for (const variant of ['plain', 'logged'] as const) {
          const pooled = Float64Array.from(figures[variant].flatMap((f) => f.latencies)).sort()
          results[`${variant}_${rows}row_p99_us_pooled`] = quantileOf(pooled, 0.99)
        }
        results[`logged_over_plain_${rows}row_p99_pooled`] = (results[`logged_${rows}row_p99_us_pooled`] as number) / (results[`plain_${rows}row_p99_us_pooled`] as number)
        results[`logged_${rows}row_dropped_share`] = offeredRows > 0 ? ((await droppedRows(logged)) - droppedBefore) / offeredRows : 0
      }
    } finally {
      await Promise.all([plain.stop(), logged.stop()])
    }
    results.load_average_min = Math.min(...load1)
    results.load_average_max = Math.max(...load1)
    return results
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export function printPredictionLoggingBenchmark(results: Record<string, number | number[]>, options: LoggingBenchOptions): void {
  const n = (key: string) => results[key] as number
  console.log(`prediction logging on /invocations (load generator in its own process: ${options.rate ? `${options.rate} req/s, open-loop, ${options.arrivals ?? 'poisson'} arrivals` : `autocannon, ${options.connections} connections, as fast as served`}; ${options.rounds} interleaved rounds of ${options.seconds} s per variant; medians, µs):`)
  for (const rows of options.bodies) {
    for (const variant of ['plain', 'logged'] as const) {
      const label = `  ${rows} row${rows === 1 ? '' : 's'}, ${variant === 'plain' ? 'without logging' : '--log-predictions'}`
      console.log(`${label.padEnd(40)} p50 ${n(`${variant}_${rows}row_p50_us`)}  p99 ${n(`${variant}_${rows}row_p99_us`)}  p99.9 ${n(`${variant}_${rows}row_p999_us`)}  ${Math.round(n(`${variant}_${rows}row_rps`))} req/s  server CPU ${n(`${variant}_${rows}row_server_cpu_us_per_request`)} µs/req (main thread ${n(`${variant}_${rows}row_main_thread_cpu_us_per_request`)})  (p99 per round: ${(results[`${variant}_${rows}row_p99_us_rounds`] as number[]).join(', ')})`)
    }
    console.log(`  ${rows} row${rows === 1 ? '' : 's'}: p99 with logging / without = ${n(`logged_over_plain_${rows}row_p99`).toFixed(3)} (per round: ${(results[`logged_over_plain_${rows}row_p99_rounds`] as number[]).join(', ')}); rows the log dropped (buffer full): ${(n(`logged_${rows}row_dropped_share`) * 100).toFixed(1)} %`)
    console.log(`  ${rows} row${rows === 1 ? '' : 's'}: p99 of all rounds' responses together ${n(`plain_${rows}row_p99_us_pooled`)} → ${n(`logged_${rows}row_p99_us_pooled`)} µs, ratio ${n(`logged_over_plain_${rows}row_p99_pooled`).toFixed(3)}`)
  }
  console.log(`  1-minute load average during the run: ${n('load_average_min').toFixed(1)}–${n('load_average_max').toFixed(1)} (2 cores)`)
}

const flag = (name: string) => {
  const at = process.argv.indexOf(`--${name}`)
  return at > 0 ? process.argv[at + 1] : undefined
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const client = flag('client')
  if (client) {
    console.log(JSON.stringify(await runClient(JSON.parse(client) as LoadOptions)))
  } else {
    const quick = process.argv.includes('--quick')
    const options: LoggingBenchOptions = {
      ...(quick ? { rounds: 2, seconds: 2, connections: 4, bodies: [1] } : { rounds: 20, seconds: 2, connections: 4, bodies: [1, 100] }),
      rate: Number(flag('rate') ?? 1000),
      arrivals: flag('arrivals') === 'uniform' ? 'uniform' : 'poisson',
      ...(flag('rounds') ? { rounds: Number(flag('rounds')) } : {}),
      ...(flag('seconds') ? { seconds: Number(flag('seconds')) } : {}),
      ...(flag('bodies') ? { bodies: flag('bodies')!.split(',').map(Number) } : {}),
    }
    const results = await predictionLoggingBenchmark(options)
    printPredictionLoggingBenchmark(results, options)
    console.log(JSON.stringify(results))
  }
}
