import Database from 'better-sqlite3'
import type { Database as Connection, Statement as Prepared } from 'better-sqlite3'
import { translateDriverError } from '../sql/db.ts'
import type { Db, Statement } from '../sql/db.ts'
import { JSON_NUMBER_FUNCTION, METRIC_POINTS_FUNCTION, SEARCH_BUDGET_EXCEEDED, SEARCH_BUDGET_FUNCTION, sqliteDialect } from '../sql/dialect-sqlite.ts'
import { forEachChunkPoint, unpackMetricChunk } from '../sql/metric-chunk-codec.ts'
import { metricValueJson } from '../sql/metric-value.ts'
import { CHECKPOINT_BACKSTOP_PAGES, Checkpointer } from './checkpointer.ts'
import { Mutex } from './mutex.ts'

// Searches build SQL whose text varies with the filter; past this many cached statements we start over.
const STATEMENT_CACHE_LIMIT = 500
// How long a transaction waits for another connection (orchard server --workers, a second store
// on the same file) holding the write lock.
const BUSY_TIMEOUT_MS = 10_000
/**
 * How long one read may run when the store URI sets no `?statement_timeout=MS`. A SQLite statement
 * runs on the event loop, so a search that takes this long stops the whole server meanwhile.
 */
const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000
// The budget function checks the clock once in this many rows (a power of two).
const ROWS_PER_CLOCK_CHECK = 256

const isBusy = (error: unknown) => sqliteDialect.classifyError(error) === 'busy'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Retries `fn` while the database is locked by another connection. SQLite's own busy handler
 * would sleep inside the synchronous call and freeze the event loop — and with it the transaction
 * in this process that holds the lock — so the connection's busy_timeout is 0 and we wait here.
 */
async function whileBusy<T>(fn: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    try {
      return fn()
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error
    }
    await sleep(delay)
  }
}

class StatementCache {
  private readonly statements = new Map<string, Prepared>()
  constructor(private readonly connection: Connection) {}
  get(sql: string): Prepared {
    let statement = this.statements.get(sql)
    if (!statement) {
      if (this.statements.size >= STATEMENT_CACHE_LIMIT) this.statements.clear()
      statement = this.connection.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }
}

/**
 * SQLite has no statement timeout, and better-sqlite3 exposes no progress handler to build one. So
 * the connection gets a function that searches call once per candidate row (the dialect's
 * `searchBudget` condition): every few hundred rows it reads the clock, and past the read's deadline
 * it throws, which ends the statement; the store answers as PostgreSQL's statement_timeout does.
 * About 0.1 µs a row. Statements that do not call it (reads by key, writes) are not bounded.
 */
class StatementBudget {
  private deadline = Number.POSITIVE_INFINITY
  private rows = 0

  constructor(
    connection: Connection,
    private readonly timeoutMs: number,
  ) {
    connection.function(SEARCH_BUDGET_FUNCTION, { deterministic: false, directOnly: true, varargs: false }, () => {
      if ((++this.rows & (ROWS_PER_CLOCK_CHECK - 1)) === 0 && performance.now() > this.deadline) {
        throw Object.assign(new Error(`the search ran past the ${this.timeoutMs} ms statement timeout`), { code: SEARCH_BUDGET_EXCEEDED })
      }
      return 1
    })
  }

  /** Runs one statement against the budget. */
  within<T>(statement: () => T): T {
    this.deadline = performance.now() + this.timeoutMs
    try {
      return statement()
    } finally {
      this.deadline = Number.POSITIVE_INFINITY
    }
  }
}

/**
 * A number as the wire JSON of the store's value writes it: JSON.stringify's shortest digits, and
 * ±Infinity as MLflow's strings (NaN never reaches it: metrics store it as is_nan). Integers arrive
 * as JS numbers, rounded past 2^53 as every read of them is. About 0.2 µs a call.
 */
function jsonNumber(value: unknown): string | null {
  if (typeof value !== 'number') return value === null ? null : JSON.stringify(Number(value))
  return metricValueJson(value)
}

/**
 * A metric chunk's points as rows (timestamp, step, value, is_nan), NaN as value 0 with is_nan 1 as
 * `metrics` stores it: `FROM metric_chunks c CROSS JOIN orchard_metric_points(c.data) p`.
 */
function* metricPoints(data: unknown): Generator<[number, number, number, number]> {
  if (!(data instanceof Uint8Array)) return
  const rows: [number, number, number, number][] = []
  forEachChunkPoint(unpackMetricChunk(data), (timestamp, step, value, isNan) => rows.push([timestamp, step, value, isNan]))
  yield* rows
}

/** Statements on the connection with no locking: used inside a transaction that holds the mutex. */
class UnlockedSqlite implements Db {
  constructor(
    protected readonly connection: Connection,
    protected readonly cache: StatementCache,
    private readonly budget: StatementBudget,
  ) {}
  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.readNow<Row>(sql, params)
  }
  readNow<Row>(sql: string, params: readonly unknown[]): Row[] {
    const statement = this.cache.get(sql)
    return this.budget.within(() => statement.all(params) as Row[])
  }
  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.cache.get(sql).run(params).changes
  }
  async runBatch(statements: readonly Statement[]): Promise<void> {
    let sql: string | undefined
    let prepared: Prepared | undefined
    for (const statement of statements) {
      if (statement.sql !== sql) {
        sql = statement.sql
        prepared = this.cache.get(sql)
      }
      ;(prepared as Prepared).run(statement.params)
    }
  }
  async exec(script: string): Promise<void> {
    this.connection.exec(script)
  }
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this)
  }
  async close(): Promise<void> {
    throw new Error('close() inside a transaction')
  }
}

class SqliteDb implements Db {
  private readonly mutex = new Mutex()
  private readonly inTransaction: UnlockedSqlite

  constructor(
    private readonly connection: Connection,
    statementTimeoutMs: number,
    private readonly checkpointer: Checkpointer | undefined,
  ) {
    this.inTransaction = new UnlockedSqlite(connection, new StatementCache(connection), new StatementBudget(connection, statementTimeoutMs))
    connection.function(JSON_NUMBER_FUNCTION, { deterministic: true, directOnly: true, varargs: false }, jsonNumber)
    connection.table(METRIC_POINTS_FUNCTION, { columns: ['timestamp', 'step', 'value', 'is_nan'], parameters: ['data'], directOnly: true, rows: metricPoints })
  }

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    await this.mutex.acquire()
    try {
      return await fn()
    } finally {
      this.mutex.release()
    }
  }

  // Reads skip the queue when nothing holds the lock: the statement runs synchronously, so
  // nothing can interleave with it.
  query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const read = () => {
      try {
        return this.inTransaction.readNow<Row>(sql, params)
      } catch (error) {
        // A busy database is waited for (whileBusy); anything else reads as the store's own error.
        throw isBusy(error) ? error : translateDriverError(sqliteDialect, error)
      }
    }
    if (!this.mutex.isLocked) return whileBusy(read)
    return this.locked(() => whileBusy(read))
  }
  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.transaction((tx) => tx.run(sql, params))
  }
  runBatch(statements: readonly Statement[]): Promise<void> {
    return this.transaction((tx) => tx.runBatch(statements))
  }
  exec(script: string): Promise<void> {
    return this.locked(() => this.inTransaction.exec(script))
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.locked(async () => {
      try {
        // IMMEDIATE takes the write lock up front, so a second writer waits at BEGIN rather than
        // failing at its first write.
        await whileBusy(() => this.connection.exec('BEGIN IMMEDIATE'))
      } catch (error) {
        throw translateDriverError(sqliteDialect, error)
      }
      try {
        const result = await fn(this.inTransaction)
        this.connection.exec('COMMIT')
        this.checkpointer?.committed()
        return result
      } catch (error) {
        if (this.connection.inTransaction) this.connection.exec('ROLLBACK')
        throw translateDriverError(sqliteDialect, error)
      }
    })
  }

  async close(): Promise<void> {
    await this.locked(async () => {
      if (!this.connection.open) return
      await this.checkpointer?.stop()
      // Refreshes the planner's statistics where they went stale, as SQLite recommends before closing.
      optimizeIfFree(this.connection, 'optimize')
      this.connection.close()
    })
  }
}

/**
 * PRAGMA optimize may run ANALYZE, which needs the write lock. It is upkeep, not work anyone asked
 * for: when another process holds the lock (two scripts logging to one ./mlruns), skip it rather
 * than fail the caller's open or close.
 */
function optimizeIfFree(connection: Connection, pragma: string): void {
  try {
    connection.pragma(pragma)
  } catch (error) {
    if (!isBusy(error)) throw error
  }
}

/**
 * Switching a new database to WAL needs a lock that SQLite's busy handler does not wait for, so
 * processes opening one new file at once (a server and a training script) can be told it is locked.
 * The switch is retried while busy, for up to the busy timeout; it happens once, at open.
 */
function setJournalMode(connection: Connection, pragma: string): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS
  const pause = new Int32Array(new SharedArrayBuffer(4))
  for (;;) {
    try {
      connection.pragma(pragma)
      return
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error
      Atomics.wait(pause, 0, 0, 5)
    }
  }
}

export interface SqliteOptions {
  /** How long one search may run before it is stopped (default 10 s). */
  readonly statementTimeoutMs?: number
  /**
   * Copy the write-ahead log into the database file from a worker thread (Checkpointer) rather than
   * in the commit that fills it: for a server, whose event loop then only appends. A file only.
   */
  readonly backgroundCheckpoints?: boolean
}

/** Opens a SQLite database file (or `:memory:`) tuned for a tracking server. */
export function openSqliteDb(path: string, options: SqliteOptions = {}): Db {
  const connection = new Database(path, { timeout: BUSY_TIMEOUT_MS })
  // WAL lets readers in other processes proceed during writes; synchronous=NORMAL is durable in WAL
  // mode except for the last transactions on power loss, and makes commits several times faster.
  setJournalMode(connection, 'journal_mode = WAL')
  connection.pragma('synchronous = NORMAL')
  connection.pragma('foreign_keys = ON')
  connection.pragma('busy_timeout = 0')
  // A page cache of up to 64 MiB instead of SQLite's 2 MB (filled only as pages are read). A search
  // page walks one index in value order and reads each candidate run's rows, scattered over the
  // file: at 100,000 runs, with the default cache, most of those reads went back to the operating
  // system and the 1000-run page took 78-80 ms; with this one, 44 ms (256 MiB gained nothing more).
  connection.pragma('cache_size = -65536')
  // Gathers statistics for tables that have none yet (SQLite ≥ 3.46), cheap on every open.
  optimizeIfFree(connection, 'optimize = 0x10002')
  let checkpointer: Checkpointer | undefined
  if (options.backgroundCheckpoints && !connection.memory) {
    connection.pragma(`wal_autocheckpoint = ${CHECKPOINT_BACKSTOP_PAGES}`)
    checkpointer = new Checkpointer(connection.name)
  }
  return new SqliteDb(connection, options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS, checkpointer)
}
