// The soak run of issue 14: `orchard server` (the built binary, its own process) under a steady
// mixed load for a long time, to show that its memory stays flat and its latency stable. Not part
// of `npm run bench` or CI: it runs for --minutes (30 by default).
//
//   node --conditions=orchard-source --import tsx bench/soak.ts [--minutes 30] [--rate 200]
//        [--window 60] [--backend sqlite|postgres]
//
// The load (bench/soak-load.mjs, autocannon in a process of its own, a fixed overall rate) cycles
// through a 100-point log-batch, a run read, a 100-run filtered and ordered search, a metric's
// history and a run creation. Searched runs stay a fixed set of 200; created runs go to another
// experiment, and the history read is of a 100-step metric written before the load, so neither
// costs more as the test goes on, while the metric store grows (about rate × 20 points a second).
// After each window it prints the window's request rate, p50, p99, maximum and failures, the
// server's resident memory (VmRSS, VmHWM from /proc), the store's size and the machine's load
// average, then each request kind's p50/p99 (ms). The summary compares the first window after
// warm-up with the last: memory growth, and p99's spread over the windows.
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { runSql, testDatabase } from '@orchard/store/testing'
import { restCall } from './rest-call.ts'

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '200' },
    window: { type: 'string', default: '60' },
    backend: { type: 'string', default: 'sqlite' },
  },
})
const minutes = Number(values.minutes)
const rate = Number(values.rate)
const windowSeconds = Number(values.window)
const backend = values.backend
if (!(minutes > 0) || !(rate > 0) || !(windowSeconds >= 5) || (backend !== 'sqlite' && backend !== 'postgres')) {
  console.error('usage: bench/soak.ts [--minutes M > 0] [--rate R > 0] [--window S >= 5] [--backend sqlite|postgres]')
  process.exit(2)
}
const WARM_UP_WINDOWS = Math.max(1, Math.round(120 / windowSeconds))
const BIN = fileURLToPath(new URL('../packages/cli/bin/orchard.mjs', import.meta.url))
const LOAD = fileURLToPath(new URL('./soak-load.mjs', import.meta.url))
const run = promisify(execFile)

interface Window {
  readonly minute: number
  readonly requests_per_s: number
  readonly p50_ms: number
  readonly p99_ms: number
  readonly max_ms: number
  readonly failures: number
  readonly rss_mb: number
  readonly hwm_mb: number
  readonly store_mb: number
  readonly load: number
  /** Each request kind's latency in the window (see soak-load.mjs). */
  readonly kinds: Readonly<Record<string, KindFigures>>
}

interface KindFigures {
  readonly total: number
  readonly p50_ms: number
  readonly p99_ms: number
  readonly max_ms: number
}

/** The kinds' short names in the table, in soak-load.mjs's order. */
const KIND_COLUMNS: readonly [kind: string, heading: string][] = [
  ['log-batch', 'batch'],
  ['runs/get', 'get'],
  ['runs/search', 'search'],
  ['get-history', 'history'],
  ['runs/create', 'create'],
]

function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 }
}

async function startOrchard(storeUri: string, artifacts: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--backend-store-uri', storeUri, '--artifacts-destination', artifacts], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Listening on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1] as string)
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    void exited.then(() => reject(new Error(`orchard server exited:\n${output}`)))
  })
  return { url, pid: child.pid as number, stop: async () => void (child.kill('SIGTERM'), await exited) }
}

const dir = mkdtempSync(join(tmpdir(), 'orchard-soak-'))
const database = backend === 'postgres' ? testDatabase('orchard_soak') : undefined
await database?.create()
const storeUri = database?.url ?? `sqlite:///${join(dir, 'orchard.db')}`
const server = await startOrchard(storeUri, join(dir, 'artifacts'))
// Ctrl-C or a kill ends the soak early: stop the server and clean up before leaving.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.stop().then(() => database?.drop()).finally(() => {
      rmSync(dir, { recursive: true, force: true })
      process.exit(130)
    })
  })
}
const windows: Window[] = []
try {
  const { experiment_id: experimentId } = (await restCall(server.url, 'POST', 'experiments/create', { name: 'soak' })) as { experiment_id: string }
  const { experiment_id: createdIn } = (await restCall(server.url, 'POST', 'experiments/create', { name: 'soak-created' })) as { experiment_id: string }
  const runIds: string[] = []
  for (let i = 0; i < 200; i++) {
    const created = (await restCall(server.url, 'POST', 'runs/create', { experiment_id: experimentId, start_time: Date.now() })) as { run: { info: { run_id: string } } }
    const runId = created.run.info.run_id
    runIds.push(runId)
    // m0..m9 grow with every log-batch of the load; h is a 100-step history written once, the one
    // the load reads, so that a history read costs the same in the last window as in the first.
    const metrics = [
      ...Array.from({ length: 10 }, (_, k) => ({ key: `m${k}`, value: Math.random(), timestamp: Date.now(), step: 0 })),
      ...Array.from({ length: 100 }, (_, step) => ({ key: 'h', value: Math.random(), timestamp: Date.now(), step })),
    ]
    await restCall(server.url, 'POST', 'runs/log-batch', { run_id: runId, metrics, params: [{ key: 'lr', value: String(i / 200) }] })
  }
  const windowCount = Math.ceil((minutes * 60) / windowSeconds)
  console.log(`soak: ${backend}, ${rate} req/s for ${minutes} min in ${windowCount} windows of ${windowSeconds} s (first ${WARM_UP_WINDOWS} are warm-up)`)
  console.log(`minute   req/s    p50    p99    max  failed  rss MB  hwm MB  store MB  load  ${KIND_COLUMNS.map(([, heading]) => heading.padStart(11)).join(' ')}`)
  for (let i = 0; i < windowCount; i++) {
    const spec = { url: server.url, rate, connections: 10, duration: windowSeconds, searchIn: experimentId, createIn: createdIn, runIds }
    const { stdout } = await run(process.execPath, [LOAD, JSON.stringify(spec)], { maxBuffer: 4 << 20, env: { ...process.env, NODE_OPTIONS: '' } })
    const figures = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      requests_per_s: number
      p50_ms: number
      p99_ms: number
      max_ms: number
      non2xx: number
      errors: number
      timeouts: number
      kinds: Record<string, KindFigures>
    }
    const { rss, hwm } = memory(server.pid)
    const storeBytes = database ? Number((await runSql(database.url, 'SELECT pg_database_size(current_database()) AS bytes'))?.bytes) : statSync(join(dir, 'orchard.db')).size
    const window: Window = {
      minute: ((i + 1) * windowSeconds) / 60,
      requests_per_s: figures.requests_per_s,
      p50_ms: figures.p50_ms,
      p99_ms: figures.p99_ms,
      max_ms: figures.max_ms,
      failures: figures.non2xx + figures.errors + figures.timeouts,
      rss_mb: rss,
      hwm_mb: hwm,
      store_mb: storeBytes / 2 ** 20,
      load: loadavg()[0] ?? Number.NaN,
      kinds: figures.kinds,
    }
    windows.push(window)
    const cell = (value: number, width: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '-').padStart(width)
    console.log(
      `${cell(window.minute, 6, 1)} ${cell(window.requests_per_s, 7)} ${cell(window.p50_ms, 6)} ${cell(window.p99_ms, 6)} ${cell(window.max_ms, 6)} ${cell(window.failures, 7)} ${cell(window.rss_mb, 7)} ${cell(window.hwm_mb, 7)} ${cell(window.store_mb, 9)} ${cell(window.load, 5, 1)}  ${KIND_COLUMNS.map(([kind]) => {
        const k = window.kinds[kind]
        return k ? `${k.p50_ms.toFixed(0)}/${k.p99_ms.toFixed(0)}`.padStart(11) : '-'.padStart(11)
      }).join(' ')}`,
    )
  }
} finally {
  await server.stop()
  await database?.drop()
  rmSync(dir, { recursive: true, force: true })
}

const steady = windows.slice(WARM_UP_WINDOWS)
const first = steady[0]
const last = steady.at(-1)
if (first && last) {
  const hours = (last.minute - first.minute) / 60
  const p99s = steady.map((w) => w.p99_ms).sort((a, b) => a - b)
  const median = p99s[Math.floor(p99s.length / 2)] as number
  console.log(
    `after warm-up: RSS ${first.rss_mb.toFixed(0)} → ${last.rss_mb.toFixed(0)} MB (${hours > 0 ? ((last.rss_mb - first.rss_mb) / hours).toFixed(1) : '-'} MB/h); ` +
      `p99 per window min ${p99s[0]} / median ${median} / max ${p99s.at(-1)} ms; ` +
      `failed requests ${windows.reduce((sum, w) => sum + w.failures, 0)}`,
  )
  console.log(
    `p99 by kind, first → last window after warm-up: ${KIND_COLUMNS.map(([kind]) => `${kind} ${first.kinds[kind]?.p99_ms ?? '-'} → ${last.kinds[kind]?.p99_ms ?? '-'} ms`).join('; ')}`,
  )
}
console.log(JSON.stringify({ backend, rate, minutes, windowSeconds, windows }))
