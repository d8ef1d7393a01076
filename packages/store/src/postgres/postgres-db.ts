import pg from 'pg'
import type { PoolClient, QueryResultRow } from 'pg'
import { translateDriverError } from '../sql/db.ts'
import type { Db, Statement } from '../sql/db.ts'
import { numberPlaceholders, postgresDialect } from '../sql/dialect-postgres.ts'

// Deadlocks and serialisation failures are resolved by running the whole transaction again.
const MAX_TRANSACTION_ATTEMPTS = 4

// Timestamps, steps and ids are bigint. Every value we store fits in a double (ms since the epoch,
// steps), so they come back as numbers — without touching pg's process-wide parser table.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 && format !== 'binary') return (value: string) => Number(value)
    return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format)
  },
} as pg.CustomTypesConfig

const placeholderCache = new Map<string, string>()
function driverSql(sql: string): string {
  let converted = placeholderCache.get(sql)
  if (converted === undefined) {
    converted = numberPlaceholders(sql)
    if (placeholderCache.size > 1000) placeholderCache.clear()
    placeholderCache.set(sql, converted)
  }
  return converted
}

type Queryable = pg.Pool | PoolClient

async function rows<Row>(target: Queryable, sql: string, params: readonly unknown[]): Promise<Row[]> {
  const result = await target.query<QueryResultRow>(driverSql(sql), params as unknown[])
  return result.rows as Row[]
}

class ClientDb implements Db {
  constructor(private readonly client: PoolClient) {}
  query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return rows<Row>(this.client, sql, params)
  }
  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.client.query(driverSql(sql), params as unknown[])).rowCount ?? 0
  }
  async runBatch(statements: readonly Statement[]): Promise<void> {
    for (const statement of statements) await this.run(statement.sql, statement.params)
  }
  async exec(script: string): Promise<void> {
    await this.client.query(script)
  }
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this)
  }
  async close(): Promise<void> {
    throw new Error('close() inside a transaction')
  }
}

export interface PostgresDbOptions {
  /** How often to look for tables whose planner statistics are stale; default 30 s. */
  readonly statisticsCheckMs?: number
}

const DEFAULT_STATISTICS_CHECK_MS = 30_000

// Autovacuum's default trigger for ANALYZE: 50 changed rows plus 10% of the table.
const STALE_TABLES = `SELECT relname FROM pg_stat_user_tables
  WHERE schemaname = current_schema() AND n_mod_since_analyze > 50 + 0.1 * n_live_tup`

class PostgresDb implements Db {
  private statisticsTimer: NodeJS.Timeout | undefined
  private closed = false

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresDbOptions = {},
  ) {
    void this.keepStatistics(options.statisticsCheckMs ?? DEFAULT_STATISTICS_CHECK_MS)
  }

  /**
   * Run search depends on planner statistics: without them PostgreSQL plans a filtered search of
   * 25,000 runs as if the tables were empty (hundreds of milliseconds instead of tens). Autovacuum
   * keeps them fresh; where it is off (some CI and managed setups), the store does its job itself,
   * ANALYZEing the tables that changed by more than autovacuum's default threshold. Upkeep, never
   * worth failing a request over: errors are ignored and the timer does not hold the process open.
   */
  private async keepStatistics(intervalMs: number): Promise<void> {
    try {
      const [setting] = await rows<{ autovacuum: string }>(this.pool, 'SHOW autovacuum', [])
      if (setting?.autovacuum !== 'off' || this.closed) return
    } catch {
      return
    }
    this.statisticsTimer = setInterval(() => void this.analyzeStaleTables().catch(() => undefined), intervalMs)
    this.statisticsTimer.unref()
  }

  /** ANALYZE every table of ours whose statistics are stale; returns their names. */
  async analyzeStaleTables(): Promise<string[]> {
    const stale = await rows<{ relname: string }>(this.pool, STALE_TABLES, [])
    for (const { relname } of stale) await this.pool.query(`ANALYZE ${pg.escapeIdentifier(relname)}`)
    return stale.map((t) => t.relname)
  }

  query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return rows<Row>(this.pool, sql, params)
  }
  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.transaction((tx) => tx.run(sql, params))
  }
  runBatch(statements: readonly Statement[]): Promise<void> {
    return this.transaction((tx) => tx.runBatch(statements))
  }
  exec(script: string): Promise<void> {
    return this.transaction((tx) => tx.exec(script))
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect()
      let broken = false
      try {
        await client.query('BEGIN')
        const result = await fn(new ClientDb(client))
        await client.query('COMMIT')
        return result
      } catch (error) {
        try {
          await client.query('ROLLBACK')
        } catch {
          broken = true
        }
        if (postgresDialect.classifyError(error) === 'retry' && attempt < MAX_TRANSACTION_ATTEMPTS) continue
        throw translateDriverError(postgresDialect, error)
      } finally {
        client.release(broken)
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.statisticsTimer)
    await this.pool.end()
  }
}

/** A pooled PostgreSQL connection; every transaction gets its own client from the pool. */
export function openPostgresDb(connectionString: string, options: PostgresDbOptions = {}): Db & { analyzeStaleTables(): Promise<string[]> } {
  const pool = new pg.Pool({ connectionString, types, max: 10 })
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {})
  return new PostgresDb(pool, options)
}
