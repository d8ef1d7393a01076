import { readdirSync, readFileSync } from 'node:fs'
import { OrchardError } from '@orchard/protocol/base'
import type { Db } from '../sql/db.ts'
import type { Dialect } from '../sql/dialect.ts'

export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

const FILE_PATTERN = /^(\d{3})-[a-z0-9-]+\.sql$/

/** The numbered schema files for a database, in order: `001-initial.sql`, `002-…`. */
export function loadMigrations(dialect: Dialect): Migration[] {
  const folder = new URL(`./${dialect.name}/`, import.meta.url)
  return readdirSync(folder)
    .filter((file) => FILE_PATTERN.test(file))
    .sort()
    .map((file, index, files) => {
      const version = Number(file.slice(0, 3))
      // Numbers only grow; a gap is allowed, because branches reserve numbers before they merge, and
      // every migration not yet applied is applied whatever its number (see applyPending).
      if (index > 0 && version <= Number(files[index - 1]?.slice(0, 3))) throw new Error(`migration ${file} is out of sequence`)
      return { version, name: file, sql: readFileSync(new URL(file, folder), 'utf8') }
    })
}

export const latestVersion = (migrations: readonly Migration[]): number => migrations.at(-1)?.version ?? 0

export interface SchemaState {
  /** 0 when the database has no schema_version table. */
  readonly version: number
  /** Every version applied (a database may hold 8 without 7 when 7 was merged later). */
  readonly applied: ReadonlySet<number>
  /** No tables at all: a brand-new database that may be initialised without asking. */
  readonly empty: boolean
}

const CREATE_VERSION_TABLE =
  'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)'

async function currentVersion(db: Db): Promise<number> {
  const [row] = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_version')
  return row?.version ?? 0
}

async function appliedVersions(db: Db): Promise<Set<number>> {
  return new Set((await db.query<{ version: number }>('SELECT version FROM schema_version')).map((row) => Number(row.version)))
}

/** Migrations the database has not applied, whatever their number. */
export const pendingMigrations = (state: SchemaState, migrations: readonly Migration[]): Migration[] =>
  migrations.filter((migration) => !state.applied.has(migration.version))

export async function readSchemaState(db: Db, dialect: Dialect): Promise<SchemaState> {
  const tables = (await db.query<{ name: string }>(dialect.listTablesSql)).map((t) => t.name)
  if (!tables.includes('schema_version')) return { version: 0, applied: new Set(), empty: tables.length === 0 }
  return { version: await currentVersion(db), applied: await appliedVersions(db), empty: false }
}

/** Refuses databases that are not Orchard's: tables but no schema_version (an MLflow database, say). */
export function assertOrchardDatabase(state: SchemaState, uri: string): void {
  if (state.version === 0 && !state.empty) {
    throw new OrchardError(
      'INVALID_STATE',
      `The database at ${uri} has tables but no Orchard schema_version table; it is not an Orchard tracking database. Point Orchard at a new, empty database.`,
    )
  }
}

/**
 * Applies every migration above the database's version, each in its own transaction together with
 * its schema_version row (`orchard db upgrade`). Concurrent runners queue on the migration lock and
 * skip what is done.
 */
export async function migrate(
  db: Db,
  dialect: Dialect,
  migrations: readonly Migration[],
  now: number,
  target = latestVersion(migrations),
): Promise<{ from: number; to: number }> {
  const from = (await readSchemaState(db, dialect)).version
  await withMigrationConnection(db, dialect, async () => {
    for (const migration of migrations) {
      if (migration.version > target) break
      await db.transaction((tx) => applyPending(tx, dialect, [migration], now))
    }
  })
  return { from, to: Math.max(from, Math.min(target, latestVersion(migrations))) }
}

/**
 * Brings a brand-new database to the latest schema in ONE transaction, so that another process
 * opening it at the same moment sees it either empty or complete, never half-built at an older
 * version (which it would refuse, asking for an upgrade).
 */
export async function initialise(db: Db, dialect: Dialect, migrations: readonly Migration[], now: number): Promise<void> {
  await withMigrationConnection(db, dialect, () => db.transaction((tx) => applyPending(tx, dialect, migrations, now)))
}

async function withMigrationConnection(db: Db, dialect: Dialect, fn: () => Promise<void>): Promise<void> {
  const settings = dialect.migrationConnectionSql
  if (settings) await db.exec(settings.before)
  try {
    await fn()
  } finally {
    if (settings) await db.exec(settings.after)
  }
}

async function applyPending(tx: Db, dialect: Dialect, migrations: readonly Migration[], now: number): Promise<void> {
  if (dialect.migrationLockSql) await tx.query(dialect.migrationLockSql)
  await tx.exec(CREATE_VERSION_TABLE)
  const done = await appliedVersions(tx)
  for (const migration of migrations) {
    if (done.has(migration.version)) continue
    await tx.exec(migration.sql)
    await tx.run('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)', [migration.version, now])
  }
}
