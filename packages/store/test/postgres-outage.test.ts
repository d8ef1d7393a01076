import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import { isOrchardError } from '@orchard/protocol'
import { openPostgresDb } from '../src/postgres/postgres-db.ts'
import { PG_ADMIN_URL, runSql, testDatabase } from './pg-database.ts'

// The connection layer's side of "survive the database going away": lost and refused connections
// and runaway statements reach callers as TEMPORARILY_UNAVAILABLE, never as a crash or a raw
// driver error. (tests/e2e/database-outage.test.ts drives the same through a real server.)

const database = testDatabase('orchard_outage_db')
before(() => database.create())
after(() => database.drop())

const adminUrl = Object.assign(new URL(PG_ADMIN_URL), { pathname: '/postgres' }).toString()
const terminateOthers = () =>
  runSql(adminUrl, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database.name}' AND pid <> pg_backend_pid()`)

async function unavailable(promise: Promise<unknown>, fragment: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isOrchardError(error), `not an OrchardError: ${String(error)}`)
    assert.equal(error.code, 'TEMPORARILY_UNAVAILABLE')
    assert.match(error.message, fragment)
    return true
  })
}

test('a transaction whose connection is terminated mid-way is retried on a fresh connection', async () => {
  const db = openPostgresDb(database.url)
  try {
    await db.exec('CREATE TABLE IF NOT EXISTS kept (id bigint PRIMARY KEY)')
    let attempts = 0
    await db.transaction(async (tx) => {
      attempts++
      await tx.run('INSERT INTO kept VALUES (?) ON CONFLICT DO NOTHING', [attempts])
      if (attempts === 1) await terminateOthers()
      await tx.query('SELECT 1')
    })
    assert.equal(attempts, 2)
    // The first attempt's insert died with its connection; only the second one's was committed.
    assert.deepEqual(await db.query('SELECT id FROM kept ORDER BY id'), [{ id: 2 }])
  } finally {
    await db.close()
  }
})

test('reads on pooled connections that were all terminated are answered from fresh ones', async () => {
  const db = openPostgresDb(database.url)
  try {
    await Promise.all(Array.from({ length: 5 }, () => db.query('SELECT pg_sleep(0.05)')))
    await terminateOthers()
    const answers = await Promise.all(Array.from({ length: 5 }, () => db.query<{ one: number }>('SELECT 1 AS one')))
    assert.deepEqual(answers.flat(), Array.from({ length: 5 }, () => ({ one: 1 })))
  } finally {
    await db.close()
  }
})

test('a database that refuses connections is TEMPORARILY_UNAVAILABLE, for reads and transactions', async () => {
  // A port that accepts and at once closes: as a server going down would.
  const refusing = createServer((socket) => socket.destroy())
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve))
  const { port } = refusing.address() as AddressInfo
  const db = openPostgresDb(`postgresql://postgres@127.0.0.1:${port}/nothing`)
  try {
    await unavailable(db.query('SELECT 1'), /database is unreachable/)
    await unavailable(db.transaction((tx) => tx.run('SELECT 1')), /database is unreachable/)
  } finally {
    await db.close()
    refusing.close()
  }
})

test('statements are bounded by statement_timeout: one minute by default, the store URI may set another', async () => {
  const fallback = openPostgresDb(database.url)
  const short = openPostgresDb(`${database.url}?statement_timeout=100`)
  try {
    assert.deepEqual(await fallback.query('SHOW statement_timeout'), [{ statement_timeout: '1min' }])
    await unavailable(short.query('SELECT pg_sleep(5)'), /statement timeout/)
    await unavailable(short.transaction((tx) => tx.query('SELECT pg_sleep(5)')), /statement timeout/)
    // The connection is still good afterwards.
    assert.deepEqual(await short.query('SELECT 1 AS one'), [{ one: 1 }])
  } finally {
    await fallback.close()
    await short.close()
  }
})

test('a NUL character in a text value is a bad parameter, not a server error', async () => {
  const db = openPostgresDb(database.url)
  try {
    await db.exec('CREATE TABLE IF NOT EXISTS texts (value text)')
    await assert.rejects(db.run('INSERT INTO texts VALUES (?)', ['a\u0000b']), (error: unknown) => {
      assert.ok(isOrchardError(error))
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE')
      return true
    })
  } finally {
    await db.close()
  }
})

test('with every pooled connection busy, a request is answered TEMPORARILY_UNAVAILABLE after the connection timeout', async () => {
  const db = openPostgresDb(database.url, { connectionTimeoutMs: 2000 })
  let release: () => void = () => undefined
  const held = new Promise<void>((resolve) => (release = resolve))
  try {
    // Ten open connections first (the timeout also bounds making one), then all ten held.
    await Promise.all(Array.from({ length: 10 }, () => db.query('SELECT pg_sleep(0.3)')))
    const busy = Array.from({ length: 10 }, () => db.transaction(async (tx) => {
      await tx.query('SELECT 1')
      await held
    }))
    await new Promise((resolve) => setTimeout(resolve, 300))
    await unavailable(db.query('SELECT 1'), /Every database connection is busy/)
    release()
    await Promise.all(busy)
    assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }])
  } finally {
    release()
    await db.close()
  }
})
