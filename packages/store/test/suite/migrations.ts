import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runToWire } from '@orchard/core'
import { connect, openTrackingStore, upgradeTrackingStore } from '../../src/open-tracking-store.ts'
import { latestVersion, loadMigrations, migrate, readSchemaState } from '../../src/migrations/runner.ts'
import { parseStoreUri } from '../../src/store-uri.ts'
import { rejectsWith } from './harness.ts'
import type { StoreHarness } from './harness.ts'

/** Runs `use` on a raw connection to the database at `uri`. */
async function withDatabase<T>(uri: string, use: (c: ReturnType<typeof connect>) => Promise<T>): Promise<T> {
  const connection = connect(parseStoreUri(uri))
  try {
    return await use(connection)
  } finally {
    await connection.db.close()
  }
}

export function describeMigrations(harness: StoreHarness): void {
  describe('schema migrations', () => {
    it('initialises a brand-new empty database at the latest version', async () => {
      const uri = await harness.newDatabaseUri()
      const store = await openTrackingStore(uri)
      await store.close()
      const latest = await withDatabase(uri, async ({ db, dialect }) => {
        const state = await readSchemaState(db, dialect)
        assert.equal(state.version, latestVersion(loadMigrations(dialect)))
        return state.version
      })
      assert.deepEqual(await upgradeTrackingStore(uri), { from: latest, to: latest })
    })

    it('refuses an older schema with the exact upgrade command, then opens after upgrading', async () => {
      const uri = await harness.newDatabaseUri()
      const latest = await withDatabase(uri, async ({ db, dialect }) => {
        const migrations = loadMigrations(dialect)
        await migrate(db, dialect, migrations, 1, 1)
        return latestVersion(migrations)
      })
      assert.ok(latest >= 2)
      await rejectsWith(openTrackingStore(uri), 'INVALID_STATE', `orchard db upgrade ${uri}`)
      await rejectsWith(openTrackingStore(uri), 'INVALID_STATE', `schema version 1`)
      await withDatabase(uri, async ({ db, dialect }) => {
        assert.equal((await readSchemaState(db, dialect)).version, 1, 'opening never migrates an older schema')
      })
      assert.deepEqual(await upgradeTrackingStore(uri), { from: 1, to: latest })
      assert.deepEqual(await upgradeTrackingStore(uri), { from: latest, to: latest })
      const store = await openTrackingStore(uri)
      assert.equal((await store.getExperiment('0')).name, 'Default')
      await store.close()
    })

    it('refuses databases that are not Orchard databases or are newer than the code', async () => {
      const foreign = await harness.newDatabaseUri()
      await withDatabase(foreign, ({ db }) => db.exec('CREATE TABLE alembic_version (version_num VARCHAR(32))'))
      await rejectsWith(openTrackingStore(foreign), 'INVALID_STATE', 'not an Orchard tracking database')
      await rejectsWith(upgradeTrackingStore(foreign), 'INVALID_STATE', 'not an Orchard tracking database')

      const newer = await harness.newDatabaseUri()
      await (await openTrackingStore(newer)).close()
      await withDatabase(newer, ({ db }) => db.run('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)', [999, 0]))
      await rejectsWith(openTrackingStore(newer), 'INVALID_STATE', 'schema version 999, newer than')
    })

    it('upgrades a version-14 database holding metrics to 15: pages read the same, and later writes keep value_json with the value', async () => {
      const uri = await harness.newDatabaseUri()
      const values = [1 / 3, 0.1 + 0.2, 1e-7, 1.5e-5, 1e21, 123456789012345680000, 5e-324, 42, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]
      const runId = 'f'.repeat(32)
      await withDatabase(uri, async ({ db, dialect }) => {
        await migrate(db, dialect, loadMigrations(dialect), 1, 14)
        await db.run(
          `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
           VALUES (0, 'Default', 'file:///a', 'active', 1, 1)`,
        )
        await db.run(
          `INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
           VALUES (?, 0, 'before 15', 'u', 'FINISHED', 1, 2, 'file:///a', 'active')`,
          [runId],
        )
        const [run] = await db.query<{ run_key: number }>('SELECT run_key FROM runs WHERE run_id = ?', [runId])
        for (const [i, value] of values.entries()) {
          const isNan = Number.isNaN(value)
          await db.run('INSERT INTO latest_metrics (run_key, key, value, timestamp, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)', [
            run?.run_key,
            `m${String(i).padStart(2, '0')}`,
            isNan ? 0 : value,
            1_700_000_000_000 + i,
            i,
            isNan ? 1 : 0,
          ])
        }
      })
      await upgradeTrackingStore(uri)
      // SQLite fills the texts of the rows already there (its page reads them); PostgreSQL leaves them NULL.
      const texts = () => withDatabase(uri, async ({ db }) => Number((await db.query<{ n: number }>('SELECT count(value_json) AS n FROM latest_metrics'))[0]?.n))
      const filled = await withDatabase(uri, async ({ dialect }) => (dialect.name === 'sqlite' ? values.length : 0))
      assert.equal(await texts(), filled)
      const store = await openTrackingStore(uri)
      try {
        const query = { experimentIds: ['0'], runViewType: 'ALL' as const, maxResults: 10 }
        const samePage = async () => {
          const runs = await store.searchRuns(query)
          assert.equal(new TextDecoder().decode((await store.searchRunsWireJson(query)).runs), runs.items.map((run) => JSON.stringify(runToWire(run))).join(','))
          return runs.items[0]?.data.metrics.map((m) => m.value)
        }
        assert.deepEqual(await samePage(), values)
        // A later point replaces the value and its text together.
        await store.logBatch(runId, { metrics: values.map((value, i) => ({ key: `m${String(i).padStart(2, '0')}`, value: -value, timestamp: 1, step: 100 })) })
        assert.deepEqual(await samePage(), values.map((value) => -value))
        assert.equal(await texts(), values.length)
      } finally {
        await store.close()
      }
    })

    it('lets concurrent openers of one new database initialise it once', async () => {
      const uri = await harness.newDatabaseUri()
      const stores = await Promise.all([openTrackingStore(uri), openTrackingStore(uri), openTrackingStore(uri)])
      for (const store of stores) await store.close()
      const store = await openTrackingStore(uri)
      const page = await store.searchExperiments({ viewType: 'ALL', maxResults: 10 })
      assert.deepEqual(page.items.map((e) => e.name), ['Default'])
      await store.close()
    })
  })
}
