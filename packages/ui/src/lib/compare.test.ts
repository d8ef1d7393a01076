import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { axisFor, metricRows, parallelKeys, paramRows, position } from './compare.ts'
import type { CompareRun } from './compare.ts'

const run = (runId: string, params: Record<string, string>, metrics: Record<string, number>): CompareRun => ({
  runId,
  params: new Map(Object.entries(params)),
  metrics: new Map(Object.entries(metrics)),
})

const runs = [
  run('a', { lr: '0.1', model: 'tree', seed: '1' }, { loss: 0.5, acc: 0.9 }),
  run('b', { lr: '0.01', model: 'linear', seed: '1' }, { loss: 0.25, acc: 0.9 }),
  run('c', { lr: '0.001', model: 'tree', seed: '1', extra: 'x' }, { loss: 1 }),
]

describe('compare', () => {
  it('marks the keys whose values differ, a missing value counting as different', () => {
    assert.deepEqual(
      paramRows(runs).map((r) => [r.key, r.differs]),
      [['extra', true], ['lr', true], ['model', true], ['seed', false]],
    )
    assert.deepEqual(paramRows(runs).find((r) => r.key === 'extra')?.values, [undefined, undefined, 'x'])
    assert.deepEqual(
      metricRows(runs, String).map((r) => [r.key, r.values, r.differs]),
      [['acc', ['0.9', '0.9', undefined], true], ['loss', ['0.5', '0.25', '1'], true]],
    )
  })

  it('puts numeric params on a numeric axis and text ones on a categorical axis', () => {
    assert.deepEqual(axisFor(runs, 'params.lr'), { id: 'params.lr', kind: 'numeric', min: 0.001, max: 0.1 })
    assert.deepEqual(axisFor(runs, 'params.model'), { id: 'params.model', kind: 'categorical', categories: ['linear', 'tree'] })
    assert.equal(axisFor(runs, 'params.none'), undefined)
    const loss = axisFor(runs, 'metrics.loss')!
    assert.equal(position(loss, 0.25), 0)
    assert.equal(position(loss, 1), 1)
    assert.equal(position(loss, undefined), undefined)
    assert.equal(position(axisFor(runs, 'params.model')!, 'tree'), 1)
    assert.equal(position(axisFor(runs, 'params.seed')!, '1'), 0.5, 'a single value sits mid-axis')
  })

  it('chooses differing params, then differing metrics, for parallel coordinates', () => {
    assert.deepEqual(parallelKeys(runs, 10), ['params.extra', 'params.lr', 'params.model', 'metrics.acc', 'metrics.loss'])
    assert.deepEqual(parallelKeys(runs, 2), ['params.extra', 'params.lr'])
  })
})
