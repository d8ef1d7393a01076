import assert from 'node:assert/strict'
import { it } from 'node:test'
import { compareValues, splitAggregate, withAggregate } from './aggregates.ts'

it('reads and writes the aggregate in a metric column id', () => {
  assert.deepEqual(splitAggregate('loss@min'), { key: 'loss', aggregate: 'min' })
  assert.deepEqual(splitAggregate('val/loss'), { key: 'val/loss', aggregate: 'last' })
  assert.deepEqual(splitAggregate('loss@median'), { key: 'loss@median', aggregate: 'last' })
  assert.equal(withAggregate('loss', 'mean'), 'metrics.loss@mean')
  assert.equal(withAggregate('loss', 'last'), 'metrics.loss')
})

it('sorts missing values last both ways', () => {
  const values = [3, undefined, 1, Number.NaN, 2]
  assert.deepEqual([...values].sort((a, b) => compareValues(a, b, true)).slice(0, 3), [1, 2, 3])
  assert.deepEqual([...values].sort((a, b) => compareValues(a, b, false)).slice(0, 3), [3, 2, 1])
})
