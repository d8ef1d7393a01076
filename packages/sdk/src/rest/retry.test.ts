import assert from 'node:assert/strict'
import { test } from 'node:test'
import { backoffDelayMs, classifyNetworkError, classifyStatus, retryAfterMs } from './retry.ts'

const policy = { maxRetries: 5, initialDelayMs: 100, maxDelayMs: 1000 }
const networkError = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) })

test('backoff doubles its ceiling each retry, jitters below it and never passes maxDelayMs', () => {
  assert.equal(backoffDelayMs(policy, 0, () => 0.999999), 99.9999)
  assert.equal(backoffDelayMs(policy, 2, () => 0.5), 200)
  assert.equal(backoffDelayMs(policy, 10, () => 0.999999), 999.999)
  assert.equal(backoffDelayMs(policy, 3, () => 0), 0)
})

test("a server's Retry-After wins over a shorter backoff but is capped by maxDelayMs", () => {
  assert.equal(backoffDelayMs(policy, 0, () => 0.5, 700), 700)
  assert.equal(backoffDelayMs(policy, 0, () => 0.5, 60_000), 1000)
})

test('Retry-After is read as seconds or as an HTTP date', () => {
  assert.equal(retryAfterMs('2', 0), 2000)
  assert.equal(retryAfterMs(new Date(5000).toUTCString(), 1000), 4000)
  assert.equal(retryAfterMs(null, 0), undefined)
  assert.equal(retryAfterMs('soon', 0), undefined)
})

test('429 and 503 are refusals, 502 and 504 may have been handled, other statuses are permanent', () => {
  assert.equal(classifyStatus(429), 'not-handled')
  assert.equal(classifyStatus(503), 'not-handled')
  assert.equal(classifyStatus(502), 'maybe-handled')
  assert.equal(classifyStatus(504), 'maybe-handled')
  assert.equal(classifyStatus(500), 'permanent')
  assert.equal(classifyStatus(400), 'permanent')
})

test('connection refused was not handled; a reset connection may have been; other errors are permanent', () => {
  assert.equal(classifyNetworkError(networkError('ECONNREFUSED')), 'not-handled')
  assert.equal(classifyNetworkError(networkError('ECONNRESET')), 'maybe-handled')
  assert.equal(classifyNetworkError(networkError('UND_ERR_SOCKET')), 'maybe-handled')
  assert.equal(classifyNetworkError(new TypeError('Failed to fetch')), 'maybe-handled')
  assert.equal(classifyNetworkError(new Error('bug')), 'permanent')
})
