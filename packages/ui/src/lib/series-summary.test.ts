import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { summarize } from './series-summary.ts'

describe('summarize', () => {
  it('takes the last value by step then time, and the finite min and max per run', () => {
    const summary = summarize([
      { runId: 'a', value: 3, step: 0, timestamp: 10 },
      { runId: 'a', value: Number.NaN, step: 2, timestamp: 5 },
      { runId: 'a', value: 1, step: 1, timestamp: 30 },
      { runId: 'b', value: 7, step: 0, timestamp: 1 },
      { runId: 'b', value: 8, step: 0, timestamp: 2 },
    ])
    const a = summary.get('a')!
    assert.ok(Number.isNaN(a.last))
    assert.deepEqual([a.min, a.max, a.count], [1, 3, 3])
    assert.deepEqual(summary.get('b'), { last: 8, min: 7, max: 8, count: 2 })
  })

  it('counts a bucket’s min, max and points', () => {
    const summary = summarize([
      { runId: 'a', value: 1, step: 99, timestamp: 1, min: 0.5, max: 40, count: 100 },
      { runId: 'a', value: 2, step: 199, timestamp: 2, min: 1.5, max: 2.5, count: 100 },
    ])
    assert.deepEqual(summary.get('a'), { last: 2, min: 0.5, max: 40, count: 200 })
  })
})
