import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
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
