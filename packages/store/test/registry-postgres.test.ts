import { randomBytes } from 'node:crypto'
import { after, before } from 'node:test'
import pg from 'pg'
import { describeRegistryStore } from './registry-suite.ts'

// The server's `test` database is only used to create and drop this file's own database.
const adminUrl = process.env.ORCHARD_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'
const database = `orchard_registry_${randomBytes(6).toString('hex')}`
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString()

async function run(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

before(() => run(adminUrl, `CREATE DATABASE ${database}`))
after(() => run(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`))

let schemas = 0
describeRegistryStore('PostgreSQL', {
  // Each test gets a fresh schema in this file's own database, selected with search_path.
  async newDatabaseUri() {
    const schema = `s${++schemas}`
    await run(databaseUrl, `CREATE SCHEMA ${schema}`)
    return `${databaseUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`
  },
})
