import assert from 'node:assert/strict'
import { it } from 'node:test'
import { groupRuns, summarizeNumbers } from './group-runs.ts'

it('groups by value in natural order, runs without a value last', () => {
  const runs = [{ m: 'ridge' }, { m: undefined }, { m: 'lasso' }, { m: 'ridge' }, { m: 'alpha-10' }, { m: 'alpha-9' }]
  const groups = groupRuns(runs, 'params.model', (r) => r.m)
  assert.deepEqual(groups.map((g) => [g.value, g.runs.length]), [['alpha-9', 1], ['alpha-10', 1], ['lasso', 1], ['ridge', 2], [undefined, 1]])
  assert.equal(new Set(groups.map((g) => g.id)).size, groups.length)
})

it('summarises finite values by mean and range', () => {
  assert.deepEqual(summarizeNumbers([1, undefined, 3, Number.NaN, 2]), { mean: 2, min: 1, max: 3, count: 3 })
  assert.equal(summarizeNumbers([undefined]), undefined)
})
