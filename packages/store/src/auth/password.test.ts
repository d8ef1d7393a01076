import assert from 'node:assert/strict'
import { mock, test } from 'node:test'
import { hashPassword, newTokenSecret, passwordKdf, tokenHash, verifyPassword } from './password.ts'

test('scrypt hashes carry their parameters and a fresh salt, and verify only the right password', async () => {
  const [a, b] = await Promise.all([hashPassword('correct horse battery'), hashPassword('correct horse battery')])
  assert.match(a, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
  assert.notEqual(a, b, 'a new salt each time')
  assert.equal(await verifyPassword('correct horse battery', a), true)
  assert.equal(await verifyPassword('correct horse batterz', a), false)
  assert.equal(await verifyPassword('', a), false)
  // NFC normalisation: the same text typed with a combining accent still matches
  assert.equal(await verifyPassword('cafe\u0301-password', await hashPassword('caf\u00e9-password')), true)
})

test('an unknown user, or a malformed stored hash, never verifies', async () => {
  assert.equal(await verifyPassword('anything', undefined), false)
  assert.equal(await verifyPassword('anything', 'plain-text'), false)
  assert.equal(await verifyPassword('anything', 'scrypt$1$1$1$$'), false)
})

test('a name with no password behind it (unknown, or single sign-on only) still runs the KDF once, as a wrong password does', async () => {
  const real = await hashPassword('a real password')
  await verifyPassword('warm-up', undefined) // the decoy hash is made once per process, not per check
  const derive = mock.method(passwordKdf, 'derive')
  try {
    for (const stored of [real, undefined, '!sso', 'plain-text']) {
      derive.mock.resetCalls()
      assert.equal(await verifyPassword('a wrong password', stored), false)
      assert.equal(derive.mock.callCount(), 1, `one KDF run for ${String(stored).slice(0, 6)}`)
      const [, , cost, blockSize] = derive.mock.calls[0]?.arguments ?? []
      assert.deepEqual([cost, blockSize], [32768, 8], 'with the interactive-login cost')
    }
  } finally {
    derive.mock.restore()
  }
})

test('tokens are 256 random bits behind a recognisable prefix; only their SHA-256 is kept', () => {
  const secret = newTokenSecret()
  assert.match(secret, /^orchard_pat_[\w-]{43}$/)
  assert.notEqual(secret, newTokenSecret())
  assert.match(tokenHash(secret), /^[0-9a-f]{64}$/)
  assert.equal(tokenHash(secret), tokenHash(secret))
})
