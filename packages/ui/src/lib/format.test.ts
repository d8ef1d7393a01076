import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatDuration, formatMetric } from './format.ts'

describe('formatDuration', () => {
  it('scales the unit with the length', () => {
    assert.equal(formatDuration(0, 120), '120ms')
    assert.equal(formatDuration(0, 5_200), '5.2s')
    assert.equal(formatDuration(0, 184_000), '3m 04s')
    assert.equal(formatDuration(0, 3_720_000), '1h 02m')
    assert.equal(formatDuration(0, null), '')
  })
})

describe('formatMetric', () => {
  it('keeps six significant digits and names non-finite values', () => {
    assert.equal(formatMetric(0.123456789), '0.123457')
    assert.equal(formatMetric(42), '42')
    assert.equal(formatMetric(Number.NaN), 'NaN')
    assert.equal(formatMetric(-Infinity), '-Infinity')
  })
})
