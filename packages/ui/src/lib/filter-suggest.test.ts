import assert from 'node:assert/strict'
import { it } from 'node:test'
import { suggestFilter } from './filter-suggest.ts'

const keys = { metrics: ['val_rmse', 'train_rmse', 'val loss'], params: ['alpha', 'model'], tags: ['team'] }

it('completes keys by prefix, then by substring, quoting keys with spaces', () => {
  assert.deepEqual(suggestFilter('metrics.val', keys).map((s) => s.label), ['metrics.val_rmse', 'metrics.`val loss`'])
  assert.deepEqual(suggestFilter('rmse', keys).map((s) => s.label), ['metrics.val_rmse', 'metrics.train_rmse'])
  const [first] = suggestFilter("params.model = 'ridge' and al", keys)
  assert.equal(first?.text, "params.model = 'ridge' and params.alpha ")
})

it('offers the operators a key takes, then `and` after a value', () => {
  assert.deepEqual(suggestFilter('metrics.val_rmse ', keys).map((s) => s.label), ['<', '<=', '>', '>=', '=', '!='])
  assert.deepEqual(suggestFilter('params.model ', keys).map((s) => s.label), ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'])
  assert.deepEqual(suggestFilter('params.model I', keys).map((s) => s.text), ['params.model ILIKE ', 'params.model IN '])
  assert.deepEqual(suggestFilter('metrics.val_rmse < 8 ', keys).map((s) => s.text), ['metrics.val_rmse < 8 and '])
  assert.deepEqual(suggestFilter('', keys), [])
})

it('completes aggregates of a metric history: the opening, the metric inside, then numeric operators', () => {
  assert.deepEqual(suggestFilter('mi', keys).map((s) => s.text), ['min('])
  assert.equal(suggestFilter('me', keys).at(-1)?.label, 'mean(metrics.…)', 'after the keys that start so (metrics.…)')
  assert.deepEqual(suggestFilter('min(val', keys).map((s) => s.text), ['min(metrics.val_rmse) ', 'min(metrics.`val loss`) '])
  assert.deepEqual(suggestFilter("params.model = 'x' and max(", keys).map((s) => s.label), ['metrics.val_rmse', 'metrics.train_rmse', 'metrics.`val loss`'])
  assert.deepEqual(suggestFilter('min(metrics.val_rmse) ', keys).map((s) => s.label), ['<', '<=', '>', '>=', '=', '!='])
  assert.deepEqual(suggestFilter('min(metrics.val_rmse) < 8 ', keys).map((s) => s.text), ['min(metrics.val_rmse) < 8 and '])
})
