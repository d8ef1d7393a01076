import { OrchardError, isOrchardError } from '@orchard/protocol/base'
import type { Dialect } from './dialect.ts'

/** One SQL statement with `?` placeholders and its bound values. */
export interface Statement {
  readonly sql: string
  readonly params: readonly unknown[]
}

/** How a read is run; every option may be ignored by a database it does not concern. */
export interface QueryOptions {
  /**
   * Plan the statement for each call's values, never from a cached generic plan (PostgreSQL). For
   * searches: how selective a filter's values are and how many rows the LIMIT asks for decide
   * whether the best plan walks an index and stops after a page or reads every match. PostgreSQL
   * switches a prepared statement to a generic plan after five runs when that plan's estimate is
   * lower, and a generic plan, blind to the values, estimates a filter on a tag as matching one row:
   * a 100-run page of 100,000 runs then read every match (890 ms) instead of stopping early (30 ms).
   */
  readonly planPerCall?: boolean
}

/** For a search's reads: see QueryOptions.planPerCall. */
export const PLAN_PER_CALL: QueryOptions = { planPerCall: true }

/**
 * The whole surface the store needs from a database. SQL is written once with `?` placeholders;
 * each connection layer adapts it (PostgreSQL's `$n`) and caches prepared statements.
 */
export interface Db {
  query<Row>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<Row[]>
  /** Returns the number of rows changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>
  /** Runs statements in order; SQLite runs them synchronously, one cached prepared statement each. */
  runBatch(statements: readonly Statement[]): Promise<void>
  /** A script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>
  /**
   * Commits when `fn` resolves, rolls back when it throws. Nested calls join the outer transaction.
   * This is the one place where driver errors become OrchardErrors (see translateDriverError).
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>
  close(): Promise<void>
  /** The connection pool's use now, where there is a pool (PostgreSQL). */
  poolStats?(): PoolStats
}

/** A connection pool's state, for /metrics. */
export interface PoolStats {
  /** Connections open, busy or idle. */
  readonly total: number
  readonly idle: number
  /** Requests waiting for a connection. */
  readonly waiting: number
  /** The most connections the pool opens. */
  readonly max: number
}

/** Driver errors as the store reports them: a unique key clash is RESOURCE_ALREADY_EXISTS, as MLflow. */
export function translateDriverError(dialect: Dialect, error: unknown): unknown {
  if (isOrchardError(error)) return error
  const kind = dialect.classifyError(error)
  const detail = error instanceof Error ? error.message : String(error)
  switch (kind) {
    case 'unique':
      return new OrchardError('RESOURCE_ALREADY_EXISTS', `Resource already exists: ${detail}`, { cause: error })
    case 'foreign-key':
      return new OrchardError('RESOURCE_DOES_NOT_EXIST', `A referenced resource does not exist: ${detail}`, { cause: error })
    case 'busy':
    case 'retry':
      return new OrchardError('TEMPORARILY_UNAVAILABLE', `The database is busy, try again: ${detail}`, { cause: error })
    case 'unavailable':
      return new OrchardError('TEMPORARILY_UNAVAILABLE', `The database is unreachable, try again shortly: ${detail}`, { cause: error })
    case 'timeout':
      return new OrchardError(
        'TEMPORARILY_UNAVAILABLE',
        `The query ran past the database's statement timeout and was cancelled; narrow the request (fewer filter terms or results) or try again later: ${detail}`,
        { cause: error },
      )
    case 'invalid-value':
      return new OrchardError('INVALID_PARAMETER_VALUE', `A value in the request cannot be stored or compared: ${detail}`, { cause: error })
    default:
      return error
  }
}
