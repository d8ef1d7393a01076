import { randomBytes } from 'node:crypto'
import { after, before } from 'node:test'
import pg from 'pg'
import { describeTrackingStore } from './describe-tracking-store.ts'

// The server's `test` database is only used to create and drop this file's own database.
const adminUrl = process.env.ORCHARD_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'
const database = `orchard_test_${randomBytes(6).toString('hex')}`
const databaseUrl = (() => {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
})()

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

before(() => admin(`CREATE DATABASE ${database}`))
after(() => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`))

let schemas = 0
describeTrackingStore('PostgreSQL', {
  // Each test gets a fresh schema in this file's own database, selected with search_path.
  async newDatabaseUri() {
    const schema = `s${++schemas}`
    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    try {
      await client.query(`CREATE SCHEMA ${schema}`)
    } finally {
      await client.end()
    }
    return `${databaseUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`
  },
})
