// `node --import tsx bench/registry-main.ts`: only the registry benchmark, on a fresh SQLite store and
// a fresh PostgreSQL database, each behind an in-process server (`npm run bench` runs it too).
// Options: --models N (default 1000), --versions N (20), --iterations N (50), --only sqlite|postgres.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { startServer } from '@orchard/server'
import { REGISTRY_ROWS, registryBenchmark } from './registry.ts'

const { values: args } = parseArgs({
  options: { models: { type: 'string' }, versions: { type: 'string' }, iterations: { type: 'string' }, only: { type: 'string' } },
})
const options = { models: Number(args.models ?? 1000), versions: Number(args.versions ?? 20), iterations: Number(args.iterations ?? 50) }
const pgAdminUrl = process.env.ORCHARD_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'

async function measure(backendStoreUri: string): Promise<Record<string, number>> {
  const artifacts = mkdtempSync(join(tmpdir(), 'orchard-bench-registry-'))
  const server = await startServer({ host: '127.0.0.1', port: 0, backendStoreUri, defaultArtifactRoot: 'mlflow-artifacts:/', artifactsDestination: artifacts })
  try {
    return await registryBenchmark(server.url, backendStoreUri, options)
  } finally {
    await server.close()
    rmSync(artifacts, { recursive: true, force: true })
  }
}

const results: Record<string, Record<string, number>> = {}
if (args.only !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'orchard-bench-registry-db-'))
  try {
    results.sqlite = await measure(`sqlite:///${join(dir, 'orchard.db')}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
if (args.only !== 'sqlite') {
  const name = `orchard_bench_registry_${process.pid}`
  const admin = new pg.Client({ connectionString: pgAdminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  try {
    const url = new URL(pgAdminUrl)
    url.pathname = `/${name}`
    results.postgres = await measure(url.toString())
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
}

const backends = Object.keys(results)
console.log(`${options.models} models × ${options.versions} versions, ${options.iterations} timed requests per query`)
const width = Math.max(...REGISTRY_ROWS.map(([label]) => label.length))
console.log(['figure'.padEnd(width), 'unit'.padEnd(10), ...backends.map((b) => b.padStart(9))].join('  '))
for (const [label, unit, key] of REGISTRY_ROWS) {
  console.log([label.padEnd(width), unit.padEnd(10), ...backends.map((b) => String(results[b]?.[key] ?? '—').padStart(9))].join('  '))
}
console.log(JSON.stringify({ ...options, results }))
