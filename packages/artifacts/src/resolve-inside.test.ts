import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { normalizeArtifactPath, resolveInside } from './resolve-inside.ts'

const ESCAPES = [
  '../secret',
  'a/../../secret',
  '..',
  '/etc/passwd',
  'C:/Windows',
  'a\\..\\b',
  'a\0b',
  '%2e%2e/secret',
  '%2e%2e%2fsecret',
  'a/%2E%2E/%2E%2E/x',
  '%252e%252e/secret',
  '%5c..%5cx',
  '%00',
]

describe('resolveInside', () => {
  for (const path of ESCAPES) {
    it(`rejects ${JSON.stringify(path)} with INVALID_PARAMETER_VALUE`, () => {
      assert.throws(() => resolveInside('/data/root', path), { code: 'INVALID_PARAMETER_VALUE', message: /Invalid path/ })
    })
  }
  it('resolves ordinary relative paths under the root', () => {
    assert.equal(resolveInside('/data/root', 'model/MLmodel'), '/data/root/model/MLmodel')
    assert.equal(resolveInside('/data/root', './a//b/'), '/data/root/a/b')
  })
  it('treats an empty or absent path as the root', () => {
    assert.equal(resolveInside('/data/root', undefined), '/data/root')
    assert.equal(resolveInside('/data/root', ''), '/data/root')
  })
  it('keeps names that merely contain dots or percent signs', () => {
    assert.equal(normalizeArtifactPath('a..b/c%20d.txt'), 'a..b/c%20d.txt')
    assert.equal(normalizeArtifactPath('.hidden/x'), '.hidden/x')
  })
})
