import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MAX_JSON_DEPTH } from '@orchard/protocol/base'
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
  it('refuses nesting past the limit wherever it is, and takes it up to the limit', () => {
    const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`
    // The body's object is level 1.
    assert.ok(Array.isArray(parseJsonBody(`{"a": ${nest(MAX_JSON_DEPTH - 1)}}`).a))
    for (const body of [`{"a": ${nest(MAX_JSON_DEPTH)}}`, `{"a": [1, {"b": ${nest(MAX_JSON_DEPTH)}}]}`, `{"v": NaN, "a": ${nest(100_000)}}`]) {
      assert.throws(() => parseJsonBody(body), { code: 'INVALID_PARAMETER_VALUE', message: new RegExp(`nested deeper than ${MAX_JSON_DEPTH} levels`) })
    }
  })
  it('refuses NUL in any string or key, and reads an escaped backslash before u0000 as text', () => {
    for (const body of ['{"a": "x\\u0000"}', '{"a\\u0000": 1}', '{"a": [{"b": ["\\u0000"]}]}', JSON.stringify(JSON.stringify({ a: '\u0000' }))]) {
      assert.throws(() => parseJsonBody(body), { code: 'INVALID_PARAMETER_VALUE', message: /NUL character/ }, body)
    }
    assert.deepEqual(parseJsonBody('{"a": "x\\\\u0000"}'), { a: 'x\\u0000' })
  })
})
