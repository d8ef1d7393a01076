import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import { SEARCH_BUDGET_FUNCTION } from '../sql/dialect-sqlite.ts'
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
})
