import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { alignSeries } from './align-series.ts'

describe('alignSeries', () => {
  it('merges series onto the sorted union of x values with null gaps', () => {
    const [xs, a, b] = alignSeries([
      { x: [0, 2, 4], y: [1, 2, 3] },
      { x: [1, 2], y: [10, 20] },
    ])
    assert.deepEqual(xs, [0, 1, 2, 4])
    assert.deepEqual(a, [1, null, 2, 3])
    assert.deepEqual(b, [null, 10, 20, null])
  })

  it('handles no series and empty series', () => {
    assert.deepEqual(alignSeries([]), [[]])
    assert.deepEqual(alignSeries([{ x: [], y: [] }]), [[], []])
  })
})
