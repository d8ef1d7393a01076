// Orchard against MLflow 2.22's own tracking server under the same load generator, in one run:
// MLflow started the way `mlflow server` starts it (gunicorn, 4 sync workers, SQLite store) and the
// built `orchard server` on its own SQLite file, driven in alternating rounds by the same autocannon
// load in its own process (bench/load-client.mjs): log-batch of 1,000 new metric points per request
// (10 keys × 100 steps, 20 fresh runs per round) and, unless --no-log-metric, one log-metric per
// request. The raw SQLite insert limit is measured before and after the rounds. Afterwards every
// point each server acknowledged is counted back through its REST API (metrics/get-history), so a
// storm of error answers cannot pass for throughput.
//
// MLflow is not installed by this repository. Give its Python with --mlflow-python or
// ORCHARD_BENCH_MLFLOW_PYTHON; without it the script prints how to assemble one and exits 2.
//
//   node --import tsx bench/mlflow-compare.ts --mlflow-python /tmp/mlflow-venv/bin/python
//        [--rounds 4] [--seconds 10] [--connections 8] [--workers 4] [--orchard-workers 1] [--no-log-metric]
//
// --workers is MLflow's gunicorn worker count (4, as `mlflow server` starts it); --orchard-workers
// is `orchard server --workers` (1, its default: one process).
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { rawSqliteInsertRate } from './raw-sqlite.ts'
import type { LoadFigures as Load } from './load-figures.ts'

const { values } = parseArgs({
  options: {
    'mlflow-python': { type: 'string', default: process.env.ORCHARD_BENCH_MLFLOW_PYTHON },
    rounds: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    workers: { type: 'string', default: '4' },
    'orchard-workers': { type: 'string', default: '1' },
    'no-log-metric': { type: 'boolean', default: false },
  },
})

const HOW_TO_ASSEMBLE = `bench/mlflow-compare.ts needs MLflow 2.22's server: pass --mlflow-python PATH or set
ORCHARD_BENCH_MLFLOW_PYTHON. One way to assemble it without PyPI (see BENCHMARKS.md, "Throughput under
a real load generator"):
  1. apt-get install python3-venv python3-flask python3-sqlalchemy python3-alembic python3-pandas \\
       python3-numpy python3-protobuf python3-click python3-cloudpickle python3-sqlparse \\
       python3-gunicorn python3-yaml python3-requests python3-packaging python3-cachetools \\
       python3-jinja2 python3-markdown python3-docker python3-graphene python3-git \\
       python3-importlib-metadata python3-pydantic python3-fastapi python3-uvicorn python3-deprecated
  2. MLflow 2.22's sources (e.g. commit a68ee4136) in /tmp/mlflow-2.22, and opentelemetry-python
     v1.33.1's api, sdk and semantic-conventions sources (with dist-info entry points) outside the repo
  3. python3 -m venv --system-site-packages /tmp/mlflow-venv, with a .pth file naming those folders
  4. node --import tsx bench/mlflow-compare.ts --mlflow-python /tmp/mlflow-venv/bin/python`

const python = values['mlflow-python']
if (!python) {
  console.error(HOW_TO_ASSEMBLE)
  process.exit(2)
}

const ROUNDS = Number(values.rounds)
const SECONDS = Number(values.seconds)
const CONNECTIONS = Number(values.connections)
const WORKERS = Number(values.workers)
const ORCHARD_WORKERS = Number(values['orchard-workers'])
const BATCH_POINTS = 1000
const RUNS_PER_ROUND = 20
const RAW_ROWS = 1_000_000
const BIN = fileURLToPath(new URL('../packages/cli/bin/orchard.mjs', import.meta.url))
const LOAD = fileURLToPath(new URL('./load-client.mjs', import.meta.url))
const run = promisify(execFile)
const loads = () => loadavg().map((x) => x.toFixed(1)).join(' ')

interface Server {
  readonly name: string
  readonly url: string
  /** Everything the server printed so far (MLflow prints a traceback per failed request). */
  output(): string
  stop(): Promise<void>
}


function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Spawns a server in its own process group, so stopping it also stops gunicorn's workers. */
function spawnServer(name: string, command: string, argv: string[], env: Record<string, string>, ready: (output: string) => string | undefined): Promise<Server> {
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, detached: true })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    try {
      process.kill(-(child.pid as number), 'SIGTERM')
    } catch {
      return
    }
    await exited
  }
  return new Promise((resolve, reject) => {
    let output = ''
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      const url = ready(output)
      if (url) resolve({ name, url, stop, output: () => output })
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    void exited.then(() => reject(new Error(`${name} exited:\n${output.slice(-3000)}`)))
  })
}

async function startMlflow(dir: string): Promise<Server> {
  const port = await freePort()
  // The command `mlflow server` 2.22 builds on Linux: gunicorn -b host:port -w 4 mlflow.server:app.
  const argv = ['-m', 'mlflow', 'server', '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`, '--default-artifact-root', join(dir, 'mlflow-artifacts'), '--host', '127.0.0.1', '--port', String(port), '--workers', String(WORKERS)]
  const server = await spawnServer('MLflow 2.22', python as string, argv, { PYTHONUNBUFFERED: '1' }, (output) => (/Listening at: (http:\/\/\S+)/.exec(output) ? `http://127.0.0.1:${port}` : undefined))
  // gunicorn listens before its workers have imported the app; wait until one answers.
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`${server.url}/health`).then((r) => r.ok, () => false)
    if (ok) return server
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await server.stop()
  throw new Error('MLflow did not answer /health within 60 s')
}

function startOrchard(dir: string): Promise<Server> {
  const argv = [BIN, 'server', '--port', '0', '--backend-store-uri', `sqlite:///${join(dir, 'orchard.db')}`, '--artifacts-destination', join(dir, 'orchard-artifacts')]
  if (ORCHARD_WORKERS !== 1) argv.push('--workers', String(ORCHARD_WORKERS))
  return spawnServer('Orchard', process.execPath, argv, { NODE_OPTIONS: '' }, (output) => /Listening on (http:\/\/\S+)/.exec(output)?.[1])
}

async function call(server: Server, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}/api/2.0/mlflow/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${server.name}: ${method} ${path} -> ${response.status}: ${text.slice(0, 300)}`)
  return JSON.parse(text) as Record<string, unknown>
}

async function createRuns(server: Server, experimentId: string, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const created = (await call(server, 'POST', 'runs/create', { experiment_id: experimentId, start_time: Date.now() })) as { run: { info: { run_id: string } } }
    ids.push(created.run.info.run_id)
  }
  return ids
}

async function drive(server: Server, spec: Record<string, unknown>, seconds: number): Promise<Load> {
  const full = { url: server.url, connections: CONNECTIONS, duration: seconds, method: 'POST', ...spec }
  const { stdout } = await run(process.execPath, [LOAD, JSON.stringify(full)], { maxBuffer: 4 << 20, env: { ...process.env, NODE_OPTIONS: '' } })
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Load
}

/** Every point of one metric as the server returns it, following page tokens where the server pages. */
async function historyLength(server: Server, runId: string, key: string): Promise<number> {
  let count = 0
  let pageToken: string | undefined
  do {
    const query = new URLSearchParams({ run_id: runId, metric_key: key, ...(pageToken ? { page_token: pageToken } : {}) })
    const page = (await call(server, 'GET', `metrics/get-history?${query}`)) as { metrics?: unknown[]; next_page_token?: string }
    count += page.metrics?.length ?? 0
    pageToken = page.next_page_token || undefined
  } while (pageToken)
  return count
}

/** Only answers in 2xx count: a server answering errors fast must not look fast. */
const acceptedPerS = (result: Load, seconds: number) => (result.total - result.non2xx) / seconds
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
const thousands = (x: number) => Math.round(x).toLocaleString('en')

interface Side {
  server: Server
  experimentId: string
  batchRuns: string[]
  metricRuns: string[]
  acceptedBatches: number
  acceptedMetrics: number
  batch: Load[]
  metric: Load[]
  warmBatch: Load[]
  warmMetric: Load[]
}

const dir = mkdtempSync(join(tmpdir(), 'orchard-bench-mlflow-compare-'))
const servers: Server[] = []
try {
  console.log(`load average at the start ${loads()}`)
  const rawBefore = rawSqliteInsertRate(RAW_ROWS)
  const sides: Side[] = []
  for (const start of [startMlflow, startOrchard]) {
    const server = await start(dir)
    servers.push(server)
    const { experiment_id: experimentId } = (await call(server, 'POST', 'experiments/create', { name: 'mlflow-compare' })) as { experiment_id: string }
    sides.push({ server, experimentId, batchRuns: [], metricRuns: [], acceptedBatches: 0, acceptedMetrics: 0, batch: [], metric: [], warmBatch: [], warmMetric: [] })
  }
  console.log(`${ROUNDS} rounds of ${SECONDS} s per server, ${CONNECTIONS} connections, MLflow with ${WORKERS} gunicorn workers, Orchard with ${ORCHARD_WORKERS} process${ORCHARD_WORKERS === 1 ? "" : "es"}`)

  const accept = (side: Side, kind: 'batch' | 'metric', result: Load) => {
    const accepted = result.total - result.non2xx
    if (kind === 'batch') side.acceptedBatches += accepted
    else side.acceptedMetrics += accepted
  }
  const batchRound = async (side: Side, seconds: number) => {
    const runIds = await createRuns(side.server, side.experimentId, RUNS_PER_ROUND)
    side.batchRuns.push(...runIds)
    const result = await drive(side.server, { path: '/api/2.0/mlflow/runs/log-batch', logBatch: { runIds, points: BATCH_POINTS } }, seconds)
    accept(side, 'batch', result)
    return result
  }
  const metricRound = async (side: Side, seconds: number) => {
    const runIds = await createRuns(side.server, side.experimentId, RUNS_PER_ROUND)
    side.metricRuns.push(...runIds)
    const result = await drive(side.server, { path: '/api/2.0/mlflow/runs/log-metric', logMetric: { runIds } }, seconds)
    accept(side, 'metric', result)
    return result
  }

  // Warm-up, not counted in the figures (its points are counted back all the same).
  for (const side of sides) {
    side.warmBatch.push(await batchRound(side, 2))
    if (!values['no-log-metric']) side.warmMetric.push(await metricRound(side, 2))
  }
  const roundLoads: string[] = []
  for (let round = 0; round < ROUNDS; round++) {
    roundLoads.push(loads())
    const order = round % 2 === 0 ? sides : [...sides].reverse()
    for (const side of order) side.batch.push(await batchRound(side, SECONDS))
    if (!values['no-log-metric']) for (const side of order) side.metric.push(await metricRound(side, SECONDS))
    const line = order.map((side) => `${side.server.name} ${thousands(acceptedPerS(side.batch.at(-1) as Load, SECONDS) * BATCH_POINTS)} points/s`).join(', ')
    console.log(`round ${round + 1} (load ${roundLoads.at(-1)}): ${line}`)
  }
  const rawAfter = rawSqliteInsertRate(RAW_ROWS)
  const loadAtEnd = loads()

  // Count back what each server stored: every acknowledged point must be there. A request still in
  // flight when autocannon stops may be stored without being counted, hence the upper bound.
  const verification = []
  for (const side of sides) {
    let batchPoints = 0
    for (const runId of side.batchRuns) for (let k = 0; k < 10; k++) batchPoints += await historyLength(side.server, runId, `m${k}`)
    let metricPoints = 0
    for (const runId of side.metricRuns) metricPoints += await historyLength(side.server, runId, 'loss')
    const expectedBatch = side.acceptedBatches * BATCH_POINTS
    // At most one request per connection and load run in flight when the load stops, and a request
    // that timed out or lost its connection may still have been stored.
    const unanswered = (results: Load[]) => CONNECTIONS * results.length + results.reduce((sum, r) => sum + r.errors, 0)
    const batchSlack = unanswered([...side.warmBatch, ...side.batch]) * BATCH_POINTS
    const metricSlack = unanswered([...side.warmMetric, ...side.metric])
    const ok = batchPoints >= expectedBatch && batchPoints <= expectedBatch + batchSlack && metricPoints >= side.acceptedMetrics && metricPoints <= side.acceptedMetrics + metricSlack
    verification.push({ server: side.server.name, acknowledgedPoints: expectedBatch, storedPoints: batchPoints, acknowledgedLogMetrics: side.acceptedMetrics, storedLogMetrics: metricPoints, ok })
  }

  const rows = sides.map((side) => {
    const failed = (results: Load[]) => results.reduce((sum, r) => sum + r.non2xx, 0)
    // autocannon's errors include its timeouts (no answer within 10 s).
    const broken = (results: Load[]) => `${results.reduce((sum, r) => sum + r.errors, 0)} / ${results.reduce((sum, r) => sum + r.timeouts, 0)}`
    return {
      server: side.server.name,
      'log-batch points/s': Math.round(median(side.batch.map((r) => acceptedPerS(r, SECONDS) * BATCH_POINTS))),
      'log-batch p50 ms': median(side.batch.map((r) => r.p50_ms)),
      'log-batch p99 ms': median(side.batch.map((r) => r.p99_ms)),
      'log-metric req/s': Math.round(median(side.metric.map((r) => acceptedPerS(r, SECONDS)))),
      'log-metric p50 ms': median(side.metric.map((r) => r.p50_ms)),
      'log-metric p99 ms': median(side.metric.map((r) => r.p99_ms)),
      'log-batch non-2xx': failed(side.batch),
      'log-metric non-2xx': failed(side.metric),
      'log-batch errors / timeouts': broken(side.batch),
      'log-metric errors / timeouts': broken(side.metric),
      '"database is locked" logged': (side.server.output().match(/database is locked/g) ?? []).length,
    }
  })
  console.table(rows)
  console.table(verification)
  const [mlflow, orchard] = sides as [Side, Side]
  const perRound = orchard.batch.map((r, i) => acceptedPerS(r, SECONDS) / (acceptedPerS(mlflow.batch[i] as Load, SECONDS) || Number.NaN))
  const ratio = (rows[1]?.['log-batch points/s'] ?? 0) / (rows[0]?.['log-batch points/s'] || Number.NaN)
  const rawMedian = (rawBefore.rowsPerSecond + rawAfter.rowsPerSecond) / 2
  console.log(`raw SQLite insert ${thousands(rawBefore.rowsPerSecond)} rows/s before the rounds, ${thousands(rawAfter.rowsPerSecond)} after`)
  for (const row of rows) console.log(`${row.server}: log-batch ${thousands(row['log-batch points/s'])} points/s, ${((row['log-batch points/s'] / rawMedian) * 100).toFixed(1)} % of raw SQLite`)
  console.log(`Orchard / MLflow log-batch: ${ratio.toFixed(1)}× by the medians; per round ${perRound.map((x) => `${x.toFixed(1)}×`).join(', ')}; the 30× target is ${ratio >= 30 ? 'met' : 'NOT met'}`)
  if (!values['no-log-metric']) {
    const metricRatio = (rows[1]?.['log-metric req/s'] ?? 0) / (rows[0]?.['log-metric req/s'] || Number.NaN)
    console.log(`Orchard / MLflow log-metric: ${metricRatio.toFixed(1)}×`)
  }
  console.log(`load averages per round ${roundLoads.join(' | ')}; at the end ${loadAtEnd}`)
  if (verification.some((v) => !v.ok)) console.log('VERIFICATION FAILED: a server stored a different number of points than it acknowledged')
  console.log(JSON.stringify({ rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, workers: WORKERS, orchard_workers: ORCHARD_WORKERS, raw_sqlite_rows_per_s: [rawBefore.rowsPerSecond, rawAfter.rowsPerSecond], rows, verification, ratio, per_round: perRound, loads: roundLoads, load_at_end: loadAtEnd }))
  if (verification.some((v) => !v.ok)) process.exitCode = 1
} finally {
  for (const server of servers) await server.stop()
  rmSync(dir, { recursive: true, force: true })
}
