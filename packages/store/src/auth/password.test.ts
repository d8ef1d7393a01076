import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hashPassword, newTokenSecret, tokenHash, verifyPassword } from './password.ts'

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

test('tokens are 256 random bits behind a recognisable prefix; only their SHA-256 is kept', () => {
  const secret = newTokenSecret()
  assert.match(secret, /^orchard_pat_[\w-]{43}$/)
  assert.notEqual(secret, newTokenSecret())
  assert.match(tokenHash(secret), /^[0-9a-f]{64}$/)
  assert.equal(tokenHash(secret), tokenHash(secret))
})
