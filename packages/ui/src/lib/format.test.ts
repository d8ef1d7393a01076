import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatCompact, formatDuration, formatMetric, formatTicks } from './format.ts'

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

describe('formatTicks', () => {
  it('keeps tiny ticks apart in scientific notation instead of reading 0 0 0', () => {
    assert.deepEqual(formatTicks([0, 0.00001, 0.00002, 0.00003], 0.00001), ['0', '1e-5', '2e-5', '3e-5'])
    assert.deepEqual(formatTicks([1.5e-7, 2e-7, 2.5e-7], 5e-8), ['1.5e-7', '2e-7', '2.5e-7'])
    assert.deepEqual(formatTicks([-2e-9, 0, 2e-9], 2e-9), ['-2e-9', '0', '2e-9'])
    // An increment of 2.5 units needs a digit more than its magnitude: 2.25e-5, not 2.3e-5.
    assert.deepEqual(formatTicks([1.75e-5, 2e-5, 2.25e-5], 2.5e-6), ['1.75e-5', '2e-5', '2.25e-5'])
    assert.deepEqual(formatTicks([0, 0.25, 0.5, 0.75], 0.25), ['0', '0.25', '0.50', '0.75'])
  })
  it('gives large ticks an SI suffix', () => {
    assert.deepEqual(formatTicks([0, 5e6, 1e7, 1.5e7], 5e6), ['0', '5M', '10M', '15M'])
    assert.deepEqual(formatTicks([1.2e9, 1.25e9], 5e7), ['1.2G', '1.25G'])
  })
  it('uses as many decimals as the increment needs in between', () => {
    assert.deepEqual(formatTicks([0.2, 0.4, 0.6], 0.2), ['0.2', '0.4', '0.6'])
    assert.deepEqual(formatTicks([1.000001, 1.000002], 0.000001), ['1.000001', '1.000002'])
    assert.deepEqual(formatTicks([0, 500, 1000], 500), ['0', '500', '1000'])
  })
})

describe('formatCompact', () => {
  it('shortens to four significant digits in the same notation', () => {
    assert.equal(formatCompact(0.000012346), '1.235e-5')
    assert.equal(formatCompact(7.4587988), '7.459')
    assert.equal(formatCompact(123_456_789), '123.5M')
    assert.equal(formatCompact(0), '0')
  })
})
