import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import { validateBatch, validateExperimentName, validateKey, validateMetric, validateParam, validateRunId } from './validate.ts'

function rejects(fn: () => void, fragment: string): void {
  try {
    fn()
  } catch (error) {
    assert.ok(isOrchardError(error), 'expected an OrchardError')
    assert.equal(error.code, 'INVALID_PARAMETER_VALUE')
    assert.match(error.message, new RegExp(fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    return
  }
  assert.fail('expected a rejection')
}

describe('validateKey', () => {
  it('accepts word characters, dots, dashes, slashes, colons and spaces', () => {
    for (const key of ['loss', 'val/loss', 'a.b-c d', 'epoch:1', 'mlflow.runName']) validateKey('Metric', key, 'key')
  })
  it('rejects characters outside the allowed set', () => {
    rejects(() => validateKey('Metric', 'bad$key', 'key'), 'Names may only contain')
  })
  it('rejects keys that resolve to another path', () => {
    for (const key of ['a/../b', './a', '/a', '.', 'a//b', '..', 'a/']) {
      rejects(() => validateKey('Param', key, 'key'), 'resolve to')
    }
  })
  it('rejects keys longer than 250 characters', () => {
    rejects(() => validateKey('Tag', 'k'.repeat(251), 'key'), 'maximum length of 250')
  })
})

describe('validateMetric', () => {
  it('accepts NaN and infinities as values', () => {
    for (const value of [Number.NaN, Infinity, -Infinity, 0.5]) validateMetric({ key: 'm', value, timestamp: 0, step: 0 })
  })
  it('rejects a negative timestamp', () => {
    rejects(() => validateMetric({ key: 'm', value: 1, timestamp: -1, step: 0 }, 'metrics[3]'), "'metrics[3].timestamp'")
  })
  it('rejects a fractional step', () => {
    rejects(() => validateMetric({ key: 'm', value: 1, timestamp: 1, step: 1.5 }), 'step must be an integer')
  })
})

describe('validateBatch', () => {
  const metric = { key: 'm', value: 1, timestamp: 1, step: 0 }
  it('rejects more than 1000 metrics', () => {
    rejects(() => validateBatch({ metrics: Array(1001).fill(metric), params: [], tags: [] }), 'at most 1000 metrics')
  })
  it('rejects more than 100 params', () => {
    const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' }))
    rejects(() => validateBatch({ metrics: [], params, tags: [] }), 'at most 100 params')
  })
  it('rejects more than 1000 entities in total', () => {
    const tags = Array.from({ length: 50 }, (_, i) => ({ key: `t${i}`, value: 'v' }))
    rejects(() => validateBatch({ metrics: Array(951).fill(metric), params: [], tags }), 'at most 1000 metrics, params, and tags')
  })
  it('rejects one param key with two values and names the key', () => {
    const params = [
      { key: 'lr', value: '0.1' },
      { key: 'lr', value: '0.2' },
    ]
    rejects(() => validateBatch({ metrics: [], params, tags: [] }), "'lr'")
  })
  it('accepts the same param twice with the same value', () => {
    validateBatch({ metrics: [], params: [{ key: 'a', value: '1' }, { key: 'a', value: '1' }], tags: [] })
  })
  it('names the offending entry by its index', () => {
    rejects(() => validateBatch({ metrics: [metric, { ...metric, key: 'x/../y' }], params: [], tags: [] }), "'metrics[1].key'")
  })
})

describe('other rules', () => {
  it('rejects a param value over 6000 characters', () => {
    rejects(() => validateParam({ key: 'p', value: 'x'.repeat(6001) }), 'maximum length of 6000')
  })
  it('rejects an empty experiment name', () => {
    rejects(() => validateExperimentName('  '), 'Invalid experiment name')
  })
  it('rejects run ids with path characters', () => {
    rejects(() => validateRunId('../etc'), "'run_id'")
  })
})
