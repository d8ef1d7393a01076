import type { StoreContext } from '../sql/context.ts'
import type { Db, Statement } from '../sql/db.ts'

/**
 * How a server learns that what it cached about access went stale. Every write that can change who
 * may do what (a grant, a role, a group, a user, a revoked token, an ended session, a moved run)
 * bumps two counters once it has committed:
 * - `local`, in this process, read synchronously before every request: a change made here is seen
 *   by the very next request;
 * - `access_changes.version` in the database (migration 012), which servers poll every couple of
 *   seconds: a change made by another process on the same database (a replica, `--workers`, the
 *   CLI) is seen within that interval.
 * The database counter is bumped after the change commits (or inside its transaction), so a process
 * that reads the new version and drops its cache can only re-read the new state.
 */
export class AccessChangeLog {
  private localCount = 0

  constructor(private readonly db: Db) {}

  /** Changes made through this connection since it opened. */
  get local(): number {
    return this.localCount
  }

  async changed(): Promise<void> {
    this.localCount++
    await this.db.run('UPDATE access_changes SET version = version + 1 WHERE id = 1')
  }

  /** The database's counter: changes made by any process. */
  async version(): Promise<number> {
    const [row] = await this.db.query<{ version: number }>('SELECT version FROM access_changes WHERE id = 1')
    return Number(row?.version ?? 0)
  }
}

// One log per connection, so the auth, SSO, tracking and workspace stores opened together share it.
const logs = new WeakMap<Db, AccessChangeLog>()

export function accessChangeLog(db: Db): AccessChangeLog {
  let log = logs.get(db)
  if (!log) {
    log = new AccessChangeLog(db)
    logs.set(db, log)
  }
  return log
}

/**
 * The same connection, except that every write (statement, batch or transaction) notes an access
 * change once it succeeds. Stores of access data write through it, so no mutation can forget to;
 * the few writes that change no one's access (audit entries, a token's last use, a new session)
 * use the plain connection.
 */
export function withAccessTracking(ctx: StoreContext): StoreContext {
  const { db } = ctx
  const log = accessChangeLog(db)
  const noting =
    <A extends unknown[], T>(write: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      const result = await write(...args)
      await log.changed()
      return result
    }
  const tracked: Db = {
    query: (sql, params, options) => db.query(sql, params, options),
    run: noting((sql: string, params?: readonly unknown[]) => db.run(sql, params)),
    runBatch: noting((statements: readonly Statement[]) => db.runBatch(statements)),
    exec: noting((script: string) => db.exec(script)),
    transaction: noting(<T>(fn: (tx: Db) => Promise<T>) => db.transaction(fn)) as Db['transaction'],
    close: () => db.close(),
    ...(db.poolStats ? { poolStats: db.poolStats.bind(db) } : {}),
  }
  // Reads go to the same connection; only writes note changes.
  logs.set(tracked, log)
  return { ...ctx, db: tracked }
}
