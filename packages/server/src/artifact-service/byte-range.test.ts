import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { answerRange } from './byte-range.ts'

describe('answerRange', () => {
  it('serves the whole file without a Range header', () => assert.deepEqual(answerRange(undefined, 10), { kind: 'whole' }))
  it('serves a closed range, clamped to the last byte', () => {
    assert.deepEqual(answerRange('bytes=2-4', 10), { kind: 'partial', start: 2, end: 4 })
    assert.deepEqual(answerRange('bytes=5-100', 10), { kind: 'partial', start: 5, end: 9 })
  })
  it('serves an open range and a suffix', () => {
    assert.deepEqual(answerRange('bytes=7-', 10), { kind: 'partial', start: 7, end: 9 })
    assert.deepEqual(answerRange('bytes=-3', 10), { kind: 'partial', start: 7, end: 9 })
    assert.deepEqual(answerRange('bytes=-30', 10), { kind: 'partial', start: 0, end: 9 })
  })
  it('refuses ranges that start past the end, or an empty suffix', () => {
    assert.deepEqual(answerRange('bytes=10-', 10), { kind: 'unsatisfiable' })
    assert.deepEqual(answerRange('bytes=-0', 10), { kind: 'unsatisfiable' })
    assert.deepEqual(answerRange('bytes=0-', 0), { kind: 'unsatisfiable' })
  })
  it('ignores headers it does not serve: other units, several ranges, reversed or malformed ones', () => {
    for (const header of ['items=0-1', 'bytes=0-1,3-4', 'bytes=5-2', 'bytes=a-b', 'bytes=-']) {
      assert.deepEqual(answerRange(header, 10), { kind: 'whole' }, header)
    }
  })
})
