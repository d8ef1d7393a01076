import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ExactSum } from './exact-sum.ts'

const sum = (values: readonly number[]) => {
  const exact = new ExactSum()
  for (const value of values) exact.add(value)
  return exact.value()
}

describe('ExactSum', () => {
  it('gives the correctly rounded sum whatever the order', () => {
    assert.equal(sum([0.1, 0.2, 0.3]), 0.6)
    assert.equal(sum([1e100, 1, -1e100]), 1)
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10 ** ((i % 7) - 3))
    const forward = sum(values)
    assert.equal(sum([...values].reverse()), forward)
    assert.equal(sum([...values].sort((a, b) => a - b)), forward)
  })

  it('keeps infinities and overflow as a plain sum would', () => {
    assert.equal(sum([1, Number.POSITIVE_INFINITY, 2]), Number.POSITIVE_INFINITY)
    assert.ok(Number.isNaN(sum([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])))
    assert.equal(sum([1.7e308, 1.7e308]), Number.POSITIVE_INFINITY)
    assert.equal(sum([]), 0)
  })
})
