#!/usr/bin/env node
// A/B of runs/search pages between built trees of this repository (each a checkout after
// `npm ci` or `npm run build`): one store of --runs runs shaped as ../shared/bench/search-scale.mjs
// shapes them is seeded once (through the first tree's store API), copied per tree and upgraded by
// that tree's `orchard db upgrade`; every tree then serves its copy with the built `orchard server`
// (its own process), all at once, and the rounds alternate between them so that load on the
// machine falls on both alike. Each round sends --requests sequential searches per tree and page
// size: search-scale's filter and order, the latency being until the whole body is read (the
// client's JSON.parse is left out). The first answer of each tree is compared byte for byte. The raw
// limits are measured in the same run (see rawSqliteRowsPerSecond and bareServerPage).
// Beside latency, the CPU time the server process (and, on PostgreSQL, the database's backends for
// that tree's database) spent per request: on a loaded machine latency mostly measures waiting for
// a core, CPU time far less so.
//
//   node bench/search-page-ab.mjs --trees /path/to/base,. [--backend sqlite|postgres]
//        [--runs 25000] [--rounds 6] [--requests 10]
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:http'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const { values: args } = parseArgs({
  options: {
    trees: { type: 'string' },
    backend: { type: 'string', default: 'sqlite' },
    runs: { type: 'string', default: '25000' },
    rounds: { type: 'string', default: '6' },
    requests: { type: 'string', default: '10' },
  },
})
if (!args.trees) throw new Error('--trees A,B is required (repository roots, built)')
const trees = args.trees.split(',').map((tree) => resolve(tree))
const RUNS = Number(args.runs)
const ROUNDS = Number(args.rounds)
const REQUESTS = Number(args.requests)
const PG_ADMIN_URL = process.env.ORCHARD_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ')

let seed = 7
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648

const pg = createRequire(join(trees[0], 'packages/store/package.json'))('pg')
async function sql(url, text) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}
const pgUrl = (name) => Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${name}` }).toString()

// PostgreSQL takes 3 transactions per run through the store (minutes for 25,000 on a loaded
// machine), so there the same shape of rows is written by a few INSERT … SELECT statements, each
// ordered by run so that a run's rows lie together in the table's pages, as the store's one
// log-batch per run leaves them (unordered, a run's ten params landed on ten different pages, and
// reading a page of runs touched several times the blocks it does after real use).
const BULK_SEED = [
  `INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
     SELECT md5('ab-run-' || i), $1::int, 'r' || i, 'bench', 'FINISHED', 1700000000000 + i, 1700000000500 + i, 'mlflow-artifacts:/' || $1::int || '/' || md5('ab-run-' || i) || '/artifacts', 'active'
     FROM generate_series(0, $2 - 1) AS i`,
  `INSERT INTO params (run_key, key, value) SELECT r.run_key, 'p' || j, 'v' || ((substr(r.name, 2)::int * 7 + j) % 10)
     FROM runs r CROSS JOIN generate_series(0, 9) AS j WHERE r.experiment_id = $1 ORDER BY r.run_key, j`,
  `INSERT INTO tags (run_key, key, value) SELECT r.run_key, 'team', 't' || (substr(r.name, 2)::int % 3) FROM runs r WHERE r.experiment_id = $1
     UNION ALL SELECT r.run_key, 'stage', CASE WHEN substr(r.name, 2)::int % 2 = 1 THEN 'dev' ELSE 'prod' END FROM runs r WHERE r.experiment_id = $1
     ORDER BY 1, 2`,
  `INSERT INTO metrics (run_key, key, timestamp, step, value, is_nan) SELECT r.run_key, 'm' || j, r.start_time, 0, random(), 0
     FROM runs r CROSS JOIN generate_series(0, 9) AS j WHERE r.experiment_id = $1 ORDER BY r.run_key, j`,
  `INSERT INTO latest_metrics (run_key, key, value, timestamp, step, is_nan) SELECT run_key, key, value, timestamp, step, is_nan FROM metrics
     WHERE run_key IN (SELECT run_key FROM runs WHERE experiment_id = $1) ORDER BY run_key, key`,
]

async function seedStore(uri) {
  const { openTrackingStore } = await import(pathToFileURL(join(trees[0], 'packages/store/dist/index.js')).href)
  const store = await openTrackingStore(uri, { defaultArtifactRoot: join(dir, 'artifacts') })
  try {
    const experimentId = await store.createExperiment({ name: 'ab' })
    const started = performance.now()
    if (args.backend === 'postgres') {
      await store.close()
      const client = new pg.Client({ connectionString: uri })
      await client.connect()
      try {
        await client.query('SELECT setseed(0.7)')
        for (const statement of BULK_SEED) await client.query(statement, statement.includes('$2') ? [Number(experimentId), RUNS] : [Number(experimentId)])
      } finally {
        await client.end()
      }
      console.log(`seeded ${RUNS} runs in ${((performance.now() - started) / 1000).toFixed(1)} s with SQL (load ${load()})`)
      return experimentId
    }
    for (let i = 0; i < RUNS; i++) {
      const run = await store.createRun({ experimentId, startTime: Date.now(), runName: `r${i}`, tags: [] })
      const now = Date.now()
      await store.logBatch(run.info.runId, {
        params: Array.from({ length: 10 }, (_, j) => ({ key: `p${j}`, value: `v${(i * 7 + j) % 10}` })),
        metrics: Array.from({ length: 10 }, (_, j) => ({ key: `m${j}`, value: rand(), timestamp: now, step: 0 })),
        tags: [
          { key: 'team', value: `t${i % 3}` },
          { key: 'stage', value: i % 2 ? 'dev' : 'prod' },
        ],
      })
      await store.updateRun(run.info.runId, { status: 'FINISHED', endTime: Date.now() })
    }
    console.log(`seeded ${RUNS} runs in ${((performance.now() - started) / 1000).toFixed(1)} s (load ${load()})`)
    return experimentId
  } finally {
    if (args.backend !== 'postgres') await store.close()
  }
}

function upgrade(tree, uri) {
  const result = spawnSync(process.execPath, [join(tree, 'packages/cli/bin/orchard.mjs'), 'db', 'upgrade', uri], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })
  if (result.status !== 0) throw new Error(`db upgrade in ${tree} failed: ${result.stderr}`)
  console.log(`${tree}: ${result.stdout.trim()}`)
}

async function startOrchard(tree, uri) {
  const child = spawn(process.execPath, [join(tree, 'packages/cli/bin/orchard.mjs'), 'server', '--port', '0', '--backend-store-uri', uri, '--artifacts-destination', join(dir, 'artifacts')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  const exited = new Promise((done) => child.once('exit', done))
  const url = await new Promise((done, fail) => {
    let output = ''
    const read = (chunk) => {
      output += chunk.toString()
      const match = /Listening on (http:\/\/\S+)/.exec(output)
      if (match) done(match[1])
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    void exited.then(() => fail(new Error(`orchard server in ${tree} exited:\n${output}`)))
  })
  return { tree, url, pid: child.pid, database: args.backend === 'postgres' ? new URL(uri).pathname.slice(1) : undefined, stop: async () => void (child.kill('SIGTERM'), await exited) }
}

// utime + stime of a process, in ms (clock ticks of 10 ms).
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return 0
  }
}

async function serverCpuMs(server) {
  let pids = [server.pid]
  if (server.database) {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL })
    await client.connect()
    try {
      pids = pids.concat((await client.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [server.database])).rows.map((row) => row.pid))
    } finally {
      await client.end()
    }
  }
  return pids.reduce((sum, pid) => sum + cpuMs(pid), 0)
}

const searchBody = (experimentId, max, q) =>
  JSON.stringify({
    experiment_ids: [experimentId],
    filter: `metrics.m0 > 0.2 and params.p1 != 'v${q % 10}' and tags.team = 't${q % 3}'`,
    order_by: ['metrics.m1 DESC'],
    max_results: max,
  })

async function search(url, body) {
  const response = await fetch(`${url}/api/2.0/mlflow/runs/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  const text = await response.text()
  if (!response.ok) throw new Error(`runs/search -> ${response.status}: ${text.slice(0, 300)}`)
  return text
}

// The raw limits, measured in the same run: SQLite's insert rate (bench/raw-sqlite.ts: rows shaped as
// metric points, one prepared statement, one transaction) before and after the rounds, and the same
// client reading the first 1000-run page's bytes, held in memory, from a bare node:http server: the
// floor a page of that size has on this machine's loopback, whatever the store does.
function rawSqliteRowsPerSecond() {
  const module = pathToFileURL(fileURLToPath(new URL('./raw-sqlite.ts', import.meta.url))).href
  const script = `const { rawSqliteInsertRate } = await import(${JSON.stringify(module)}); console.log(rawSqliteInsertRate(1_000_000).rowsPerSecond)`
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) })
  if (result.status !== 0) throw new Error(`raw SQLite insert rate: ${result.stderr}`)
  return Number(result.stdout.trim())
}

async function bareServerPage(body, requests) {
  const bare = createServer((request, response) => {
    request.resume()
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body))
  })
  await new Promise((done) => bare.listen(0, '127.0.0.1', done))
  try {
    const url = `http://127.0.0.1:${bare.address().port}`
    const xs = []
    for (let i = 0; i < requests + 1; i++) {
      const t0 = performance.now()
      await search(url, '{}')
      if (i > 0) xs.push(performance.now() - t0)
    }
    return +percentile(xs, 0.5).toFixed(1)
  } finally {
    bare.close()
  }
}

const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]

const dir = mkdtempSync(join(tmpdir(), 'orchard-search-ab-'))
const databases = []
const servers = []
try {
  const uris = trees.map((_, i) => (args.backend === 'postgres' ? pgUrl(`orchard_ab_${process.pid}_${i}`) : `sqlite:///${join(dir, `tree${i}.db`)}`))
  let experimentId
  if (args.backend === 'postgres') {
    const seedName = `orchard_ab_${process.pid}_seed`
    databases.push(seedName)
    await sql(PG_ADMIN_URL, `CREATE DATABASE ${seedName}`)
    experimentId = await seedStore(pgUrl(seedName))
    for (const [i] of trees.entries()) {
      databases.push(`orchard_ab_${process.pid}_${i}`)
      await sql(PG_ADMIN_URL, `CREATE DATABASE orchard_ab_${process.pid}_${i} TEMPLATE ${seedName}`)
    }
  } else {
    const seedFile = join(dir, 'seed.db')
    experimentId = await seedStore(`sqlite:///${seedFile}`)
    for (const [i] of trees.entries()) {
      copyFileSync(seedFile, join(dir, `tree${i}.db`))
      if (existsSync(`${seedFile}-wal`)) copyFileSync(`${seedFile}-wal`, join(dir, `tree${i}.db-wal`))
    }
  }
  for (const [i, tree] of trees.entries()) {
    upgrade(tree, uris[i])
    if (args.backend === 'postgres') await sql(uris[i], 'ANALYZE')
  }
  for (const [i, tree] of trees.entries()) servers.push(await startOrchard(tree, uris[i]))

  const rawBefore = rawSqliteRowsPerSecond()
  const first = await Promise.all(servers.map((server) => search(server.url, searchBody(experimentId, 1000, 0))))
  first.forEach((text, i) => console.log(`tree ${i}: first 1000-run page ${text.length} bytes${text === first[0] ? '' : ' — DIFFERS from tree 0'}`))
  const lat = new Map()
  const cpu = new Map()
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which tree goes first.
    const order = round % 2 === 0 ? servers : [...servers].reverse()
    for (const max of [1000, 100]) {
      for (const server of order) {
        const key = `${server.tree}|${max}`
        if (!lat.has(key)) lat.set(key, [])
        await search(server.url, searchBody(experimentId, max, 0)) // warm
        const cpuBefore = await serverCpuMs(server)
        for (let q = 0; q < REQUESTS; q++) {
          const t0 = performance.now()
          await search(server.url, searchBody(experimentId, max, q))
          lat.get(key).push(performance.now() - t0)
        }
        cpu.set(key, (cpu.get(key) ?? 0) + (await serverCpuMs(server)) - cpuBefore)
      }
    }
    console.log(`round ${round + 1}/${ROUNDS} done (load ${load()})`)
  }
  const summary = []
  for (const [key, xs] of lat) {
    const [tree, max] = key.split('|')
    summary.push({ tree, page: Number(max), requests: xs.length, p50_ms: +percentile(xs, 0.5).toFixed(1), p99_ms: +percentile(xs, 0.99).toFixed(1), cpu_ms_per_request: +(cpu.get(key) / xs.length).toFixed(1) })
  }
  console.table(summary)
  const raw = { sqlite_insert_rows_per_s: [rawBefore, rawSqliteRowsPerSecond()], bare_http_1000_run_page_p50_ms: await bareServerPage(first[0], REQUESTS * 2) }
  console.log(`raw limits: SQLite insert ${raw.sqlite_insert_rows_per_s.join(' / ')} rows/s (before / after); the 1000-run page's bytes from a bare node:http server: p50 ${raw.bare_http_1000_run_page_p50_ms} ms`)
  console.log(JSON.stringify({ backend: args.backend, runs: RUNS, at: new Date().toISOString(), load: load(), raw, summary }))
} finally {
  for (const server of servers) await server.stop()
  for (const name of databases.reverse()) await sql(PG_ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined)
  rmSync(dir, { recursive: true, force: true })
}
