import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openEmbeddedTransport } from '../src/embedded/open-embedded.ts'
import { describeClient } from './describe-client.ts'

// The embedded transport on a `postgresql://` tracking URI: this file's own database on the test
// server (ORCHARD_TEST_PG_URL, as the store's tests use), created and dropped around the suite.

const adminUrl = process.env.ORCHARD_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'
const database = `orchard_sdk_${randomBytes(6).toString('hex')}`
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

describeClient('an embedded PostgreSQL store', async () => {
  await admin(`CREATE DATABASE ${database}`)
  return {
    trackingUri: databaseUrl,
    openTransport: () => openEmbeddedTransport(databaseUrl),
    close: () => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
  }
})
