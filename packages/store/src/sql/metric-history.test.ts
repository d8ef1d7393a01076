import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sampleSteps } from './metric-history.ts'

describe('sampleSteps', () => {
  it('keeps every step when they fit', () => {
    assert.deepEqual(sampleSteps([1, 2, 3], new Set([1, 3]), 0, 10, 5), [1, 2, 3])
  })
  it('takes evenly spaced steps, the last one and the boundaries inside the range', () => {
    const steps = Array.from({ length: 100 }, (_, i) => i)
    assert.deepEqual(sampleSteps(steps, new Set([0, 99, 55]), 0, 99, 4), [0, 25, 50, 55, 75, 99])
    assert.deepEqual(sampleSteps(steps, new Set([0, 99, 55]), 10, 19, 2), [10, 15, 19])
  })
})
