import { randomBytes } from 'node:crypto'
import pg from 'pg'

// Tests and benchmarks on PostgreSQL get a database of their own on the test server
// (ORCHARD_TEST_PG_URL, default 127.0.0.1:5432 as user postgres), created and dropped around them.
// The server's `test` database is only used to create and drop it.

export const PG_ADMIN_URL = process.env.ORCHARD_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'

/** Run one statement on `url` over a connection of its own; resolves to its first row, if any. */
export async function runSql(url: string, sql: string): Promise<Record<string, unknown> | undefined> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(sql)).rows[0] as Record<string, unknown> | undefined
  } finally {
    await client.end()
  }
}

export interface TestDatabase {
  readonly name: string
  /** The connection string of the database itself. */
  readonly url: string
  create(): Promise<void>
  drop(): Promise<void>
}

/** A uniquely named database `<prefix>_<random hex>` on the test server (not yet created). */
export function testDatabase(prefix: string): TestDatabase {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  const url = Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${name}` }).toString()
  return {
    name,
    url,
    create: async () => void (await runSql(PG_ADMIN_URL, `CREATE DATABASE ${name}`)),
    drop: async () => void (await runSql(PG_ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  }
}
