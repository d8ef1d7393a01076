import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import { SEARCH_BUDGET_FUNCTION } from '../sql/dialect-sqlite.ts'
import { CHECKPOINT_BACKSTOP_PAGES } from './checkpointer.ts'
import { openSqliteDb } from './sqlite-db.ts'

const deferred = () => {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

describe('SqliteDb', () => {
  it('stops a read that calls the search budget once it runs past the statement timeout', async () => {
    const db = openSqliteDb(':memory:', { statementTimeoutMs: 50 })
    // A billion rows, each calling the budget as a search's rows do: minutes of work without it.
    const endless = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE ${SEARCH_BUDGET_FUNCTION}() AND x < 1000000000) SELECT count(*) AS n FROM c`
    const started = performance.now()
    await assert.rejects(db.query(endless), (error: unknown) => {
      assert.ok(isOrchardError(error), String(error))
      assert.equal(error.code, 'TEMPORARILY_UNAVAILABLE')
      assert.match(error.message, /statement timeout/)
      return true
    })
    assert.ok(performance.now() - started < 5_000, `stopped after ${performance.now() - started} ms`)
    // The budget is per statement: the next read has its own, and reads that finish in time pass.
    assert.deepEqual(await db.query(`SELECT count(*) AS n FROM (SELECT 1 UNION ALL SELECT 2) WHERE ${SEARCH_BUDGET_FUNCTION}()`), [{ n: 2 }])
    await db.close()
  })

  it('makes reads wait for an open transaction, so they never see its uncommitted rows', async () => {
    const db = openSqliteDb(':memory:')
    await db.exec('CREATE TABLE t (x INTEGER)')
    const inside = deferred()
    const release = deferred()
    const failing = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t VALUES (1)')
      inside.resolve()
      await release.promise
      throw new Error('roll back')
    })
    await inside.promise
    const read = db.query<{ n: number }>('SELECT count(*) AS n FROM t')
    release.resolve()
    await assert.rejects(failing, /roll back/)
    assert.deepEqual(await read, [{ n: 0 }])
    await db.close()
  })

  it('runs concurrent transactions one after the other on the one connection', async () => {
    const db = openSqliteDb(':memory:')
    await db.exec('CREATE TABLE t (x INTEGER)')
    const order: string[] = []
    await Promise.all(
      [1, 2, 3].map((n) =>
        db.transaction(async (tx) => {
          order.push(`begin ${n}`)
          await tx.run('INSERT INTO t VALUES (?)', [n])
          await new Promise((resolve) => setTimeout(resolve, 5))
          order.push(`end ${n}`)
        }),
      ),
    )
    assert.deepEqual(order, ['begin 1', 'end 1', 'begin 2', 'end 2', 'begin 3', 'end 3'])
    assert.deepEqual(await db.query('SELECT x FROM t ORDER BY x'), [{ x: 1 }, { x: 2 }, { x: 3 }])
    await db.close()
  })

  it('translates constraint violations in the transaction helper', async () => {
    const db = openSqliteDb(':memory:')
    await db.exec('CREATE TABLE t (x INTEGER PRIMARY KEY)')
    await db.run('INSERT INTO t VALUES (1)')
    await assert.rejects(db.run('INSERT INTO t VALUES (1)'), { code: 'RESOURCE_ALREADY_EXISTS', message: /UNIQUE constraint failed: t.x/ })
    await db.close()
  })

  describe('with background checkpoints', () => {
    const PAGE = 4096
    const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0)
    const waitFor = async (done: () => boolean, ms: number) => {
      for (const deadline = Date.now() + ms; !done() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10))
      return done()
    }

    it("copies the log into the database file from the worker, which the commits' own checkpoint would not do yet", async () => {
      const dir = mkdtempSync(join(tmpdir(), 'orchard-checkpoint-'))
      try {
        for (const background of [false, true]) {
          const path = join(dir, `${background}.db`)
          const db = openSqliteDb(path, { backgroundCheckpoints: background })
          await db.exec('CREATE TABLE t (x BLOB)')
          const before = sizeOf(path)
          // About 500 pages: far below either automatic checkpoint (1,000 and CHECKPOINT_BACKSTOP_PAGES).
          for (let i = 0; i < 100; i++) await db.run('INSERT INTO t VALUES (randomblob(20000))')
          const copied = await waitFor(() => sizeOf(path) > before + 400 * PAGE, 2_000)
          assert.equal(copied, background, `background ${background}: database file ${before} → ${sizeOf(path)} bytes`)
          await db.close()
          // Closed, the worker's connection is closed too: the last one out removes the log.
          assert.equal(existsSync(`${path}-wal`), false)
          const again = openSqliteDb(path)
          assert.deepEqual(await again.query('SELECT count(*) AS n FROM t'), [{ n: 100 }])
          await again.close()
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })

    it('keeps the log bounded under a stream of commits with no pause between them', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'orchard-checkpoint-'))
      try {
        const path = join(dir, 'stream.db')
        const db = openSqliteDb(path, { backgroundCheckpoints: true })
        await db.exec('CREATE TABLE t (x BLOB)')
        let largest = 0
        // Three times the backstop's pages, committed back to back.
        for (let i = 0; i < (3 * CHECKPOINT_BACKSTOP_PAGES) / 5; i++) {
          await db.run('INSERT INTO t VALUES (randomblob(20000))')
          largest = Math.max(largest, sizeOf(`${path}-wal`))
        }
        // The backstop checkpoints once the log passes its mark, unless the worker is checkpointing
        // at that moment; then it tries again after the next commit. Without one, the log would
        // hold all 12,000+ pages.
        assert.ok(largest < 2 * CHECKPOINT_BACKSTOP_PAGES * PAGE, `largest log ${largest} bytes`)
        const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM t')
        assert.equal(row?.n, (3 * CHECKPOINT_BACKSTOP_PAGES) / 5)
        await db.close()
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
})
