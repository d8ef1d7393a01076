import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, test } from 'node:test'
import { openPostgresDb } from '../src/postgres/postgres-db.ts'
import { PG_ADMIN_URL, runSql, testDatabase } from './pg-database.ts'

// Planner statistics: where autovacuum is off (as on our CI machines), the store ANALYZEs the tables
// that changed a lot, so run search keeps good plans.

const database = testDatabase('orchard_stats')
const databaseUrl = database.url
before(() => database.create())
after(() => database.drop())

async function lastAnalyzed(db: ReturnType<typeof openPostgresDb>, table: string): Promise<Date | null> {
  const [row] = await db.query<{ last_analyze: Date | null }>('SELECT last_analyze FROM pg_stat_user_tables WHERE relname = ?', [table])
  return row?.last_analyze ?? null
}

test('ANALYZEs a table that changed by more than 50 rows + 10% since its last analysis, and only then', async () => {
  const db = openPostgresDb(databaseUrl, { statisticsCheckMs: 3_600_000 })
  try {
    await db.exec('CREATE TABLE grown (id bigint PRIMARY KEY, value text); CREATE TABLE small (id bigint PRIMARY KEY)')
    await db.run("INSERT INTO grown SELECT g, 'v' || g FROM generate_series(1, 5000) AS g")
    await db.run('INSERT INTO small VALUES (1), (2)')
    // Table statistics reach pg_stat_user_tables shortly after the writing transaction ends.
    let analyzed: string[] = []
    for (let i = 0; i < 50 && !analyzed.includes('grown'); i++) {
      await sleep(100)
      analyzed = await db.analyzeStaleTables()
    }
    assert.deepEqual(analyzed, ['grown'], 'the small table is under the threshold')
    for (let i = 0; i < 50 && (await lastAnalyzed(db, 'grown')) === null; i++) await sleep(100)
    assert.ok(await lastAnalyzed(db, 'grown'))
    assert.deepEqual(await db.analyzeStaleTables(), [], 'nothing is stale right after')
  } finally {
    await db.close()
  }
})

test('checks on its own, on a timer, when autovacuum is off', async (t) => {
  if ((await runSql(PG_ADMIN_URL, 'SHOW autovacuum'))?.autovacuum !== 'off') {
    t.skip('autovacuum is on here: the store leaves statistics to it')
    return
  }
  const db = openPostgresDb(databaseUrl, { statisticsCheckMs: 100 })
  try {
    await db.exec('CREATE TABLE timed (id bigint PRIMARY KEY)')
    await db.run('INSERT INTO timed SELECT g FROM generate_series(1, 2000) AS g')
    for (let i = 0; i < 100 && (await lastAnalyzed(db, 'timed')) === null; i++) await sleep(100)
    assert.ok(await lastAnalyzed(db, 'timed'), 'the timer analysed the table')
  } finally {
    await db.close()
  }
})
