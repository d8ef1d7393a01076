import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeOffsetToken, decodePageToken, encodeOffsetToken, encodePageToken, queryFingerprint } from './page-token.ts'

describe('page tokens', () => {
  const fingerprint = queryFingerprint({ filter: 'metrics.a > 1' })

  it('round-trip offset and watermark for the same search', () => {
    const token = encodePageToken({ offset: 200, watermark: 12345 }, fingerprint)
    assert.deepEqual(decodePageToken(token, fingerprint), { offset: 200, watermark: 12345 })
  })

  it('refuse tokens of another search, malformed tokens and bad numbers', () => {
    const token = encodePageToken({ offset: 200, watermark: 1 }, fingerprint)
    assert.throws(() => decodePageToken(token, queryFingerprint({ filter: 'other' })), { code: 'INVALID_PARAMETER_VALUE', message: /other arguments/ })
    for (const bad of ['', '!!!', Buffer.from('[]').toString('base64'), Buffer.from('{"offset":1.5,"watermark":0}').toString('base64')]) {
      assert.throws(() => decodePageToken(bad, fingerprint), { code: 'INVALID_PARAMETER_VALUE', message: /Invalid page token/ })
    }
  })

  it('encode metric history offsets as MLflow does', () => {
    assert.equal(Buffer.from(encodeOffsetToken(7), 'base64').toString(), '{"offset":7}')
    assert.equal(decodeOffsetToken(encodeOffsetToken(7)), 7)
    assert.throws(() => decodeOffsetToken(Buffer.from('{"offset":"7"}').toString('base64')), { code: 'INVALID_PARAMETER_VALUE' })
  })
})
