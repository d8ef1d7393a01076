import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { smoothSeries } from './smoothing.ts'

describe('smoothSeries', () => {
  it('returns the values unchanged at weight 0', () => {
    assert.deepEqual(smoothSeries([1, null, 3], 0), [1, null, 3])
  })

  it('is debiased: a constant series stays constant from the first point', () => {
    const smoothed = smoothSeries([5, 5, 5, 5], 0.9)
    for (const v of smoothed) assert.ok(Math.abs(v! - 5) < 1e-9)
  })

  it('damps a step and keeps gaps and non-finite values in place', () => {
    const smoothed = smoothSeries([0, null, 10, Number.NaN, 10], 0.5)
    assert.equal(smoothed[0], 0)
    assert.equal(smoothed[1], null)
    assert.ok(smoothed[2]! > 0 && smoothed[2]! < 10)
    assert.ok(Number.isNaN(smoothed[3]))
    assert.ok(smoothed[4]! > smoothed[2]! && smoothed[4]! < 10)
  })
})
