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

test('VACUUMs a table with more than 50 + 20% dead rows, and only then, leaving the connection as it was', async () => {
  const db = openPostgresDb(databaseUrl, { statisticsCheckMs: 3_600_000 })
  try {
    await db.exec('CREATE TABLE churned (id bigint PRIMARY KEY, value double precision); CREATE TABLE calm (id bigint PRIMARY KEY, value double precision)')
    await db.run('INSERT INTO churned SELECT g, 0 FROM generate_series(1, 1000) AS g')
    await db.run('INSERT INTO calm SELECT g, 0 FROM generate_series(1, 1000) AS g')
    // As latest_metrics sees it: every row updated again and again, each update a dead row.
    for (let i = 1; i <= 3; i++) await db.run('UPDATE churned SET value = ?', [i])
    await db.run('UPDATE calm SET value = 1 WHERE id <= 100')
    const dead = async (table: string) =>
      Number((await db.query<{ n: number }>('SELECT n_dead_tup AS n FROM pg_stat_user_tables WHERE relname = ?', [table]))[0]?.n ?? 0)
    for (let i = 0; i < 50 && (await dead('churned')) < 3000; i++) await sleep(100)
    assert.deepEqual(await db.vacuumDeadTables(), ['churned'], 'the calm table (100 dead of 1,000) is under the threshold')
    const [row] = await db.query<{ last_vacuum: Date | null; settings: string }>(
      "SELECT last_vacuum, current_setting('statement_timeout') || ' ' || current_setting('vacuum_cost_delay') AS settings FROM pg_stat_user_tables WHERE relname = 'churned'",
    )
    assert.ok(row?.last_vacuum, 'churned was vacuumed')
    assert.equal(row?.settings, '1min 0', 'a pooled connection keeps the store’s statement timeout and no vacuum delay')
    for (let i = 0; i < 50 && (await dead('churned')) > 0; i++) await sleep(100)
    assert.equal(await dead('churned'), 0)
    assert.deepEqual(await db.vacuumDeadTables(), [], 'nothing is left to vacuum')
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
