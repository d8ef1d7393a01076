import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseRunFilter } from '@orchard/core'
import { compileRunFilter } from './compile-filter.ts'
import { sqliteDialect } from './dialect-sqlite.ts'

describe('compileRunFilter', () => {
  it("puts an AND's cheapest and most selective clauses first, keeping the user's order within a rank", () => {
    const filter = parseRunFilter(
      "metrics.m0 > 0.2 and params.p1 != 'v3' and tags.team = 't1' and attributes.status = 'FINISHED' and params.p2 = 'v1' and min(metrics.loss) < 1",
    )
    const { sql, params } = compileRunFilter(sqliteDialect, filter!)
    const order = ['r.status', "FROM tags f", 'FROM params f WHERE f.run_key = r.run_key AND f.key = ? AND f.value = ?', 'FROM latest_metrics f', 'f.value != ?', 'min(h.value)']
    const positions = order.map((fragment) => sql.indexOf(fragment))
    assert.ok(positions.every((at) => at >= 0), sql)
    assert.deepEqual([...positions].sort((a, b) => a - b), positions, sql)
    assert.deepEqual(params, ['FINISHED', 'team', 't1', 'p2', 'v1', 'm0', 0.2, 'p1', 'v3', 'loss', 'loss', 1])
  })

  it('leaves the clauses of an OR in the order written', () => {
    const { params } = compileRunFilter(sqliteDialect, parseRunFilter("params.a != 'x' or tags.b = 'y'")!)
    assert.deepEqual(params, ['a', 'x', 'b', 'y'])
  })
})
