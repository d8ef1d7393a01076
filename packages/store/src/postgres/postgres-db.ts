import { createRequire } from 'node:module'
import type pg from 'pg'
import { OrchardError } from '@orchard/protocol/base'
import type { PoolClient, QueryResultRow } from 'pg'
import { translateDriverError } from '../sql/db.ts'
import type { Db, PoolStats, QueryOptions, Statement } from '../sql/db.ts'
import { numberPlaceholders, postgresDialect } from '../sql/dialect-postgres.ts'

// Deadlocks and serialisation failures are resolved by running the whole transaction again, and so
// is a transaction whose connection was lost before COMMIT was sent (nothing of it was kept).
const MAX_TRANSACTION_ATTEMPTS = 4
// A read whose connection the server ended is sent once more on a fresh one: pooled connections
// all die together in a restart, and the first use of each finds out.
const MAX_READ_ATTEMPTS = 3
/**
 * PostgreSQL's statement_timeout for every connection unless the store URI sets its own
 * (`?statement_timeout=…`, in ms). A search the planner gets wrong must not hold a connection and a
 * core for minutes; a minute is far beyond any request the API serves on data we have measured.
 */
const DEFAULT_STATEMENT_TIMEOUT_MS = 60_000

/**
 * The driver, loaded when the first PostgreSQL store opens: every CLI command and embedded SQLite
 * store would otherwise pay for loading it at start (pg is CommonJS, so this stays synchronous).
 */
let loadedDriver: typeof pg | undefined
function loadDriver(): typeof pg {
  loadedDriver ??= createRequire(import.meta.url)('pg') as typeof pg
  return loadedDriver
}

// Timestamps, steps and ids are bigint. Every value we store fits in a double (ms since the epoch,
// steps), so they come back as numbers — without touching pg's process-wide parser table.
function bigintsAsNumbers(driver: typeof pg): pg.CustomTypesConfig {
  return {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === driver.types.builtins.INT8 && format !== 'binary') return (value: string) => Number(value)
      return format === undefined ? driver.types.getTypeParser(oid) : driver.types.getTypeParser(oid, format)
    },
  } as pg.CustomTypesConfig
}

/**
 * Statements are prepared on each connection once their text has been seen twice: PostgreSQL then
 * skips parsing and, after a few runs, planning, which costs more than executing the small queries a
 * request makes (2 ms of planning against under 1 ms of execution for a run's hydration). Texts are
 * stable because lists travel as one array parameter. Filters make many one-off texts, so only the
 * first MAX_PREPARED repeated texts get a name: every connection holds at most that many. Reads
 * marked `planPerCall` (searches) are never named, so they are planned for each call's values.
 */
const MAX_PREPARED = 500
const MAX_COUNTED = 5000
interface DriverStatement {
  readonly text: string
  name?: string
  seen: number
}
const statements = new Map<string, DriverStatement>()
let prepared = 0

function driverStatement(sql: string, planPerCall = false): DriverStatement {
  let statement = statements.get(sql)
  if (statement === undefined) {
    if (statements.size >= MAX_COUNTED) {
      // Forget the one-off texts; named ones stay, so their names never move to another text.
      for (const [key, value] of statements) if (value.name === undefined) statements.delete(key)
    }
    statement = { text: numberPlaceholders(sql), seen: 0 }
    statements.set(sql, statement)
  }
  if (planPerCall) return statement
  statement.seen++
  if (statement.name === undefined && statement.seen >= 2 && prepared < MAX_PREPARED) statement.name = `orchard_${++prepared}`
  return statement
}

type Queryable = pg.Pool | PoolClient

/** An unnamed statement is planned at every call for its values; a named one may reuse a generic plan. */
async function send(target: Queryable, sql: string, params: readonly unknown[], options?: QueryOptions) {
  const planPerCall = options?.planPerCall === true
  const { text, name: preparedName } = driverStatement(sql, planPerCall)
  const name = planPerCall ? undefined : preparedName
  return target.query<QueryResultRow>(name === undefined ? { text, values: params as unknown[] } : { name, text, values: params as unknown[] })
}

async function rows<Row>(target: Queryable, sql: string, params: readonly unknown[], options?: QueryOptions): Promise<Row[]> {
  return (await send(target, sql, params, options)).rows as Row[]
}

const connectionLost = (error: unknown) => postgresDialect.classifyError(error) === 'unavailable'

/**
 * The server ending a connection (pg_terminate_backend, a restart, a failover) makes its client
 * emit 'error'. pg-pool listens only while a client is idle, and an 'error' event nobody listens to
 * ends the process, so every client gets a listener of its own from the moment it connects (the
 * error can arrive in the same socket read that completed the connection, before the caller of
 * pool.connect() runs). It marks the client broken: it is destroyed instead of returned to the pool,
 * and the query in flight fails on its own and reaches the caller as TEMPORARILY_UNAVAILABLE.
 */
function guardClients(pool: pg.Pool): WeakSet<pg.ClientBase> {
  const broken = new WeakSet<pg.ClientBase>()
  pool.on('connect', (client) => client.on('error', () => broken.add(client)))
  // An idle client losing its connection: the pool drops it, and so do we.
  pool.on('error', (_error, client) => broken.add(client))
  return broken
}

interface Lease {
  readonly client: PoolClient
  isBroken(): boolean
  release(destroy?: boolean): void
}

async function checkOut(pool: pg.Pool, broken: WeakSet<pg.ClientBase>): Promise<Lease> {
  let client: PoolClient
  try {
    client = await pool.connect()
  } catch (error) {
    // Whatever stops us from getting a connection (refused, server starting, too many clients)
    // is the database being unavailable, not the request being wrong.
    const message = (error as Error).message
    const busy = message.includes('timeout exceeded when trying to connect')
    throw new OrchardError(
      'TEMPORARILY_UNAVAILABLE',
      busy ? `Every database connection is busy; try again shortly (${message}).` : `The database is unreachable, try again shortly: ${message}`,
      { cause: error },
    )
  }
  return {
    client,
    isBroken: () => broken.has(client),
    release: (destroy = false) => client.release(destroy || broken.has(client)),
  }
}

class ClientDb implements Db {
  constructor(private readonly client: PoolClient) {}
  query<Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<Row[]> {
    return rows<Row>(this.client, sql, params, options)
  }
  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await send(this.client, sql, params)).rowCount ?? 0
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
  /** How long a request waits for a pooled connection before it is answered 503; default 10 s. */
  readonly connectionTimeoutMs?: number
}

// Backpressure: with every pooled connection busy, a request waits this long for one and is then
// told to come back (503 with Retry-After), instead of queueing without bound behind slow ones.
const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000

const DEFAULT_STATISTICS_CHECK_MS = 30_000

// Autovacuum's default trigger for ANALYZE: 50 changed rows plus 10% of the table.
const STALE_TABLES = `SELECT relname FROM pg_stat_user_tables
  WHERE schemaname = current_schema() AND n_mod_since_analyze > 50 + 0.1 * n_live_tup`

// Autovacuum's default trigger for VACUUM: 50 dead rows plus 20% of the table.
const DEAD_TABLES = `SELECT relname FROM pg_stat_user_tables
  WHERE schemaname = current_schema() AND n_dead_tup > 50 + 0.2 * n_live_tup`

class PostgresDb implements Db {
  private statisticsTimer: NodeJS.Timeout | undefined
  private maintaining = false
  private closed = false

  private readonly broken: WeakSet<pg.ClientBase>

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresDbOptions = {},
  ) {
    this.broken = guardClients(pool)
    void this.keepStatistics(options.statisticsCheckMs ?? DEFAULT_STATISTICS_CHECK_MS)
  }

  /**
   * Run search depends on planner statistics: without them PostgreSQL plans a filtered search of
   * 25,000 runs as if the tables were empty (hundreds of milliseconds instead of tens). It also
   * reads rows that churn: every logged metric updates its row of `latest_metrics`, and each update
   * leaves a dead row and dead index entries behind (31,530 dead against 2,000 live after a
   * 30-minute soak without VACUUM; 60 midway through the same soak with it). Autovacuum clears both; where it
   * is off (some CI and managed setups), the store does its job itself, with autovacuum's default
   * thresholds: VACUUM (throttled as autovacuum is) for tables with many dead rows, ANALYZE for
   * tables that changed a lot. Upkeep, never worth failing a request over: errors are ignored, one
   * round runs at a time, and the timer does not hold the process open.
   */
  private async keepStatistics(intervalMs: number): Promise<void> {
    try {
      const [setting] = await rows<{ autovacuum: string }>(this.pool, 'SHOW autovacuum', [])
      if (setting?.autovacuum !== 'off' || this.closed) return
    } catch {
      return
    }
    this.statisticsTimer = setInterval(() => void this.maintainTables(), intervalMs)
    this.statisticsTimer.unref()
  }

  private async maintainTables(): Promise<void> {
    if (this.maintaining) return
    this.maintaining = true
    try {
      await this.vacuumDeadTables()
      await this.analyzeStaleTables()
    } catch {
      // Upkeep: the next round tries again.
    } finally {
      this.maintaining = false
    }
  }

  /**
   * VACUUM (ANALYZE) every table of ours with more dead rows than autovacuum tolerates; returns their
   * names. On one connection, throttled by autovacuum's default cost delay and without the statement
   * timeout (a VACUUM after a large garbage collection may take minutes, and stopping it wastes it).
   */
  async vacuumDeadTables(): Promise<string[]> {
    const dead = await rows<{ relname: string }>(this.pool, DEAD_TABLES, [])
    if (dead.length === 0) return []
    const lease = await checkOut(this.pool, this.broken)
    const { client } = lease
    let reset = false
    try {
      await client.query("SET vacuum_cost_delay = '2ms'; SET statement_timeout = 0")
      for (const { relname } of dead) await client.query(`VACUUM (ANALYZE) ${loadDriver().escapeIdentifier(relname)}`)
      await client.query('RESET vacuum_cost_delay; RESET statement_timeout')
      reset = true
    } finally {
      // A connection left with other settings is closed rather than returned to the pool.
      lease.release(!reset)
    }
    return dead.map((t) => t.relname)
  }

  /** ANALYZE every table of ours whose statistics are stale; returns their names. */
  async analyzeStaleTables(): Promise<string[]> {
    const stale = await rows<{ relname: string }>(this.pool, STALE_TABLES, [])
    for (const { relname } of stale) await this.pool.query(`ANALYZE ${loadDriver().escapeIdentifier(relname)}`)
    return stale.map((t) => t.relname)
  }

  async query<Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<Row[]> {
    for (let attempt = 1; ; attempt++) {
      const lease = await checkOut(this.pool, this.broken)
      try {
        return await rows<Row>(lease.client, sql, params, options)
      } catch (error) {
        if (connectionLost(error) && attempt < MAX_READ_ATTEMPTS) continue
        throw translateDriverError(postgresDialect, error)
      } finally {
        lease.release()
      }
    }
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
      const lease = await checkOut(this.pool, this.broken)
      const { client } = lease
      let rollbackFailed = false
      let committing = false
      try {
        await client.query('BEGIN')
        const result = await fn(new ClientDb(client))
        committing = true
        await client.query('COMMIT')
        return result
      } catch (error) {
        if (!lease.isBroken()) {
          try {
            await client.query('ROLLBACK')
          } catch {
            rollbackFailed = true
          }
        }
        const kind = postgresDialect.classifyError(error)
        // A connection lost during COMMIT leaves it unknown whether the commit happened: never
        // run such a transaction again, the caller hears TEMPORARILY_UNAVAILABLE.
        const again = kind === 'retry' || (kind === 'unavailable' && !committing)
        if (again && attempt < MAX_TRANSACTION_ATTEMPTS) continue
        throw translateDriverError(postgresDialect, error)
      } finally {
        lease.release(rollbackFailed)
      }
    }
  }

  poolStats(): PoolStats {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount, max: this.pool.options.max ?? 10 }
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.statisticsTimer)
    await this.pool.end()
  }
}

/** A pooled PostgreSQL connection; every transaction gets its own client from the pool. */
export function openPostgresDb(
  connectionString: string,
  options: PostgresDbOptions = {},
): Db & { analyzeStaleTables(): Promise<string[]>; vacuumDeadTables(): Promise<string[]> } {
  const driver = loadDriver()
  const pool = new driver.Pool({
    connectionString,
    types: bigintsAsNumbers(driver),
    max: 10,
    statement_timeout: DEFAULT_STATEMENT_TIMEOUT_MS,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
  })
  return new PostgresDb(pool, options)
}
