import { dirname, resolve } from 'node:path'
import { OrchardError } from '@orchard/protocol/base'
import { assertOrchardDatabase, initialise, latestVersion, loadMigrations, migrate, pendingMigrations, readSchemaState } from './migrations/runner.ts'
import { openPostgresDb } from './postgres/postgres-db.ts'
import type { StoreContext } from './sql/context.ts'
import type { Db } from './sql/db.ts'
import type { Dialect } from './sql/dialect.ts'
import { postgresDialect } from './sql/dialect-postgres.ts'
import { sqliteDialect } from './sql/dialect-sqlite.ts'
import { ensureDefaultExperiment } from './sql/experiments.ts'
import { resolveUriIfLocal } from './sql/local-uri.ts'
import { SqlTrackingStore } from './sql/sql-tracking-store.ts'
import { openSqliteDb } from './sqlite/sqlite-db.ts'
import { parseStoreUri } from './store-uri.ts'
import type { StoreTarget } from './store-uri.ts'
import type { TrackingStore } from './tracking-store.ts'

export interface OpenTrackingStoreOptions {
  /** Prefix of new experiments' artifact locations; joined with `/`, so any URI scheme works. */
  readonly defaultArtifactRoot?: string
  /** Clock in milliseconds since the epoch (tests). */
  readonly now?: () => number
  /**
   * SQLite file: copy its write-ahead log into the database from a worker thread, not in the
   * commits on the caller's thread (a server's event loop). Ignored elsewhere.
   */
  readonly backgroundCheckpoints?: boolean
}

export function connect(target: StoreTarget, options: Pick<OpenTrackingStoreOptions, 'backgroundCheckpoints'> = {}): { db: Db; dialect: Dialect } {
  return target.kind === 'sqlite'
    ? {
        db: openSqliteDb(target.path, {
          ...(target.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: target.statementTimeoutMs }),
          ...(options.backgroundCheckpoints ? { backgroundCheckpoints: true } : {}),
        }),
        dialect: sqliteDialect,
      }
    : { db: openPostgresDb(target.connectionString), dialect: postgresDialect }
}

/**
 * Where artifacts go when the caller names no root: an `artifacts` folder next to a SQLite file,
 * otherwise `./mlruns` (MLflow's default), as absolute paths.
 */
function defaultArtifactRoot(target: StoreTarget): string {
  return target.kind === 'sqlite' && !target.memory ? resolve(dirname(target.path), 'artifacts') : resolve('mlruns')
}

/** The artifact root a store opened on `uri` without one uses (see defaultArtifactRoot). */
export function defaultArtifactRootOf(uri: string): string {
  return defaultArtifactRoot(parseStoreUri(uri))
}

/**
 * Opens the tracking store at a backend store URI (`sqlite:///…`, `postgresql://…`). A brand-new,
 * empty database is initialised; an older schema is refused with the command that upgrades it.
 *
 * @example const store = await openTrackingStore('sqlite:///mlruns/orchard.db')
 */
export async function openTrackingStore(uri: string, options: OpenTrackingStoreOptions = {}): Promise<TrackingStore> {
  return new SqlTrackingStore(await openStoreContext(uri, options))
}

/** The connection, dialect and settings a store runs on, after the schema checks. */
export async function openStoreContext(uri: string, options: OpenTrackingStoreOptions = {}): Promise<StoreContext> {
  const target = parseStoreUri(uri)
  const { db, dialect } = connect(target, options)
  const now = options.now ?? Date.now
  try {
    const migrations = loadMigrations(dialect)
    const state = await readSchemaState(db, dialect)
    assertOrchardDatabase(state, uri)
    const latest = latestVersion(migrations)
    if (state.empty) {
      await initialise(db, dialect, migrations, now())
    } else if (state.version <= latest && pendingMigrations(state, migrations).length > 0) {
      throw new OrchardError(
        'INVALID_STATE',
        `The tracking database at ${uri} has schema version ${state.version}, but this version of Orchard needs ${latest}. ` +
          `Back it up, stop every server using it, then run: orchard db upgrade ${uri}`,
      )
    } else if (state.version > latest) {
      throw new OrchardError(
        'INVALID_STATE',
        `The tracking database at ${uri} has schema version ${state.version}, newer than this version of Orchard understands (${latest}). Upgrade Orchard.`,
      )
    }
    const ctx: StoreContext = { db, dialect, now, artifactRoot: resolveUriIfLocal(options.defaultArtifactRoot ?? defaultArtifactRoot(target)) }
    await ensureDefaultExperiment(ctx)
    return ctx
  } catch (error) {
    await db.close()
    throw error
  }
}

/** `orchard db upgrade <uri>`: applies every pending migration, each in its own transaction. */
export async function upgradeTrackingStore(uri: string): Promise<{ from: number; to: number }> {
  const { db, dialect } = connect(parseStoreUri(uri))
  try {
    assertOrchardDatabase(await readSchemaState(db, dialect), uri)
    return await migrate(db, dialect, loadMigrations(dialect), Date.now())
  } finally {
    await db.close()
  }
}
