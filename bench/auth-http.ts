// What access control costs per request over HTTP, as a client sees a request: two built
// `orchard server` processes, one plain and one with `--app-name basic-auth`, each on its own SQLite
// file seeded alike, driven in turn by autocannon in its own process (bench/load-client.mjs). The
// authenticated server is called by a non-admin user holding an EDIT grant on the experiment, with
// Basic credentials (verified once, then remembered) or a bearer token, so every request is
// authenticated and then authorized. Each request runs at a fixed overall rate (the same work per
// second for every variant). Per round and variant: requests per second, p50/p99, and the
// server process's CPU time per request (from /proc/<pid>/stat), the figure least moved by other
// load on the machine. The rounds alternate the variants' order; medians over the rounds.
//
//   node --import tsx bench/auth-http.ts [--rounds 6] [--seconds 5] [--connections 10]
//        [--get-rate 2000] [--batch-rate 400]
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    'get-rate': { type: 'string', default: '2000' },
    'batch-rate': { type: 'string', default: '400' },
  },
})
const ROUNDS = Number(values.rounds)
const SECONDS = Number(values.seconds)
const CONNECTIONS = Number(values.connections)
const RATE_GET = Number(values['get-rate'])
const RATE_BATCH = Number(values['batch-rate'])
const BIN = fileURLToPath(new URL('../packages/cli/bin/orchard.mjs', import.meta.url))
const LOAD = fileURLToPath(new URL('./load-client.mjs', import.meta.url))
const run = promisify(execFile)
const TICKS_PER_S = 100 // USER_HZ on Linux
const ADMIN = { username: 'bench-admin', password: 'bench-admin-password-1' }
const USER = { username: 'bench', password: 'bench-user-password-1' }
const load = () => loadavg()[0]?.toFixed(1)

interface Server {
  readonly url: string
  readonly pid: number
  stop(): Promise<void>
}

function startServer(dir: string, name: string, extra: string[], env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--backend-store-uri', `sqlite:///${join(dir, `${name}.db`)}`, '--artifacts-destination', join(dir, `${name}-artifacts`), ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    let output = ''
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Listening on (http:\/\/\S+)/.exec(output)
      if (match) resolve({ url: match[1] as string, pid: child.pid as number, stop: async () => void (child.kill('SIGTERM'), await exited) })
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    void exited.then(() => reject(new Error(`orchard server exited:\n${output}`)))
  })
}

const basic = ({ username, password }: { username: string; password: string }) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`

async function call(server: Server, method: string, path: string, body: unknown, authorization?: string): Promise<Record<string, unknown>> {
  const response = await fetch(path.startsWith('/') ? `${server.url}${path}` : `${server.url}/api/2.0/mlflow/${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status}: ${text.slice(0, 300)}`)
  return JSON.parse(text) as Record<string, unknown>
}

/** An experiment and a run shaped as bench/throughput.ts's (10 params, 5 tags, 10 metrics); the run's id. */
async function seed(server: Server, authorization?: string, admin?: string): Promise<string> {
  const { experiment_id: experimentId } = (await call(server, 'POST', 'experiments/create', { name: 'auth-http' }, admin ?? authorization)) as { experiment_id: string }
  if (admin) await call(server, 'POST', 'experiments/permissions/create', { experiment_id: experimentId, username: USER.username, permission: 'EDIT' }, admin)
  const created = (await call(server, 'POST', 'runs/create', { experiment_id: experimentId, start_time: Date.now() }, authorization)) as { run: { info: { run_id: string } } }
  const runId = created.run.info.run_id
  await call(
    server,
    'POST',
    'runs/log-batch',
    {
      run_id: runId,
      params: Array.from({ length: 10 }, (_, i) => ({ key: `p${i}`, value: String(i) })),
      tags: Array.from({ length: 5 }, (_, i) => ({ key: `t${i}`, value: `v${i}` })),
      metrics: Array.from({ length: 10 }, (_, i) => ({ key: `m${i}`, value: i / 10, timestamp: Date.now(), step: 0 })),
    },
    authorization,
  )
  return runId
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S // utime, stime
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

const dir = mkdtempSync(join(tmpdir(), 'orchard-bench-auth-http-'))
const servers: Server[] = []
try {
  const plain = await startServer(dir, 'plain', [], {})
  servers.push(plain)
  const guarded = await startServer(dir, 'auth', ['--app-name', 'basic-auth'], { ORCHARD_ADMIN_USERNAME: ADMIN.username, ORCHARD_ADMIN_PASSWORD: ADMIN.password })
  servers.push(guarded)
  await call(guarded, 'POST', 'users/create', USER, basic(ADMIN))
  const plainRun = await seed(plain)
  const guardedRun = await seed(guarded, basic(USER), basic(ADMIN))
  const { token } = (await call(guarded, 'POST', '/api/2.0/orchard/tokens/create', { name: 'bench' }, basic(USER))) as { token: string }

  const variants = [
    { name: 'auth off', server: plain, runId: plainRun, headers: {} as Record<string, string> },
    { name: 'Basic', server: guarded, runId: guardedRun, headers: { authorization: basic(USER) } },
    { name: 'Bearer token', server: guarded, runId: guardedRun, headers: { authorization: `Bearer ${token}` } },
  ]
  const requests = [
    { name: 'runs/get', spec: (v: (typeof variants)[number]) => ({ path: `/api/2.0/mlflow/runs/get?run_id=${v.runId}`, rate: RATE_GET }) },
    {
      name: 'runs/log-batch (100 metrics)',
      spec: (v: (typeof variants)[number]) => ({ path: '/api/2.0/mlflow/runs/log-batch', method: 'POST', logBatch: { runIds: [v.runId], points: 100 }, rate: RATE_BATCH }),
    },
  ]
  console.log(`${ROUNDS} rounds of ${SECONDS} s per variant, ${CONNECTIONS} connections, runs/get at ${RATE_GET}/s, log-batch at ${RATE_BATCH}/s, load average ${load()}`)
  const rows: Record<string, unknown>[] = []
  for (const request of requests) {
    const figures = new Map(variants.map((v) => [v.name, { cpu: [] as number[], rate: [] as number[], p50: [] as number[], p99: [] as number[] }]))
    // Warm-up, not counted: the first Basic requests verify the password with scrypt, and each
    // server compiles its hot paths.
    for (const variant of variants) {
      const spec = { url: variant.server.url, connections: CONNECTIONS, duration: 2, headers: variant.headers, ...request.spec(variant) }
      await run(process.execPath, [LOAD, JSON.stringify(spec)], { maxBuffer: 4 << 20, env: { ...process.env, NODE_OPTIONS: '' } })
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? variants : [...variants].reverse()
      for (const variant of order) {
        const spec = { url: variant.server.url, connections: CONNECTIONS, duration: SECONDS, headers: variant.headers, ...request.spec(variant) }
        const before = cpuSeconds(variant.server.pid)
        const { stdout } = await run(process.execPath, [LOAD, JSON.stringify(spec)], { maxBuffer: 4 << 20, env: { ...process.env, NODE_OPTIONS: '' } })
        const after = cpuSeconds(variant.server.pid)
        const result = JSON.parse(stdout) as { total: number; requests_per_s: number; p50_ms: number; p99_ms: number; non2xx: number; errors: number }
        if (result.non2xx || result.errors) throw new Error(`${request.name} (${variant.name}): ${result.non2xx} non-2xx answers, ${result.errors} errors`)
        const figure = figures.get(variant.name)!
        figure.cpu.push(((after - before) * 1e6) / result.total)
        figure.rate.push(result.requests_per_s)
        figure.p50.push(result.p50_ms)
        figure.p99.push(result.p99_ms)
      }
    }
    const base = median(figures.get('auth off')!.cpu)
    const baseMin = Math.min(...figures.get('auth off')!.cpu)
    for (const variant of variants) {
      const figure = figures.get(variant.name)!
      const cpu = median(figure.cpu)
      const cpuMin = Math.min(...figure.cpu)
      rows.push({
        request: request.name,
        variant: variant.name,
        'req/s': median(figure.rate),
        'p50 ms': median(figure.p50),
        'p99 ms': median(figure.p99),
        'server CPU µs/request': Math.round(cpu),
        overhead: variant.name === 'auth off' ? '' : `${(((cpu - base) / base) * 100).toFixed(1)} %`,
        // The least disturbed round of each: other load on the machine only adds CPU time.
        'min CPU µs/request': Math.round(cpuMin),
        'overhead (min)': variant.name === 'auth off' ? '' : `${(((cpuMin - baseMin) / baseMin) * 100).toFixed(1)} %`,
      })
    }
  }
  console.table(rows)
  console.log(`load average at the end ${load()}`)
  for (const row of rows) {
    if (row.overhead) {
      const verdict = (figure: unknown) => (Number.parseFloat(String(figure)) < 10 ? 'meets' : 'does NOT meet')
      console.log(`${row.request}, ${row.variant}: ${verdict(row.overhead)} the 10 % target by the medians, ${verdict(row['overhead (min)'])} by the least disturbed rounds (server CPU per request over HTTP)`)
    }
  }
} finally {
  for (const server of servers) await server.stop()
  rmSync(dir, { recursive: true, force: true })
}
