import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseJsonBody } from './json-body.ts'

describe('parseJsonBody', () => {
  it('parses ordinary JSON', () => {
    assert.deepEqual(parseJsonBody('{"a": 1, "b": ["x"]}'), { a: 1, b: ['x'] })
  })
  it('reads an empty body as an empty object', () => {
    assert.deepEqual(parseJsonBody('  '), {})
  })
  it("accepts Python's bare NaN and Infinity tokens outside strings only", () => {
    const body = parseJsonBody('{"value": NaN, "v2": -Infinity, "v3": Infinity, "s": "NaN Infinity"}')
    assert.deepEqual(body, { value: 'NaN', v2: '-Infinity', v3: 'Infinity', s: 'NaN Infinity' })
  })
  it('leaves escaped quotes inside strings alone', () => {
    assert.deepEqual(parseJsonBody('{"s": "a \\" NaN", "v": NaN}'), { s: 'a " NaN', v: 'NaN' })
  })
  it('decodes a double-encoded body as older clients send it', () => {
    assert.deepEqual(parseJsonBody(JSON.stringify(JSON.stringify({ name: 'x' }))), { name: 'x' })
  })
  it('rejects malformed JSON with INVALID_PARAMETER_VALUE', () => {
    assert.throws(() => parseJsonBody('{"a": '), { code: 'INVALID_PARAMETER_VALUE', message: /Malformed JSON/ })
  })
  it('rejects a body that is not an object', () => {
    assert.throws(() => parseJsonBody('[1, 2]'), { code: 'INVALID_PARAMETER_VALUE', message: /JSON object/ })
  })
})
