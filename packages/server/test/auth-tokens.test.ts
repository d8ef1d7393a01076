import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ADMIN, openAuthTestApp } from './auth-harness.ts'
import type { AuthTestApp } from './auth-harness.ts'

const DAY = 24 * 60 * 60 * 1000
const admin = { basic: ADMIN }
const alice = { basic: ['alice', 'alice-password-1'] as const }

describe('personal access tokens and failed logins', () => {
  let app: AuthTestApp
  let clock = Date.UTC(2026, 0, 1)
  before(async () => {
    app = await openAuthTestApp('sqlite', { now: () => clock, maxFailuresPerUser: 3, maxFailuresPerAddress: 100 })
    await app.call('POST', 'users/create', { username: 'alice', password: 'alice-password-1' }, admin)
    await app.call('POST', 'users/create', { username: 'bob', password: 'bob-password-123' }, admin)
  })
  after(() => app.close())

  test('a token is shown once, works as Bearer and as a Basic password, and is listed without its secret', async () => {
    const created = await app.call('POST', '/api/2.0/orchard/tokens/create', { name: 'laptop' }, alice)
    assert.equal(created.status, 200)
    const secret = created.json.token as string
    assert.match(secret, /^orchard_pat_[A-Za-z0-9_-]{43}$/)
    assert.equal(created.json.access_token.name, 'laptop')
    assert.equal(created.json.access_token.username, 'alice')
    assert.equal((await app.call('GET', 'experiments/search', undefined, { bearer: secret })).status, 200)
    const me = await app.call('GET', '/api/2.0/orchard/users/current', undefined, { bearer: secret })
    assert.equal(me.json.user.username, 'alice')
    assert.equal((await app.call('GET', 'experiments/search', undefined, { basic: ['alice', secret] })).status, 200)
    // as another user's password it is no good
    assert.equal((await app.call('GET', 'experiments/search', undefined, { basic: ['bob', secret] })).status, 401)
    const listed = await app.call('GET', '/api/2.0/orchard/tokens/list', undefined, alice)
    assert.equal(listed.json.access_tokens.length, 1)
    assert.ok(!JSON.stringify(listed.json).includes(secret.slice(12)), 'the list never carries the secret')
    assert.ok(listed.json.access_tokens[0].last_used_timestamp >= listed.json.access_tokens[0].creation_timestamp)
  })

  test('a revoked token stops working at once; only its owner or an admin may revoke it', async () => {
    const created = await app.call('POST', '/api/2.0/orchard/tokens/create', { name: 'ci' }, alice)
    const { token: secret, access_token: info } = created.json
    const bobRevoke = await app.call('POST', '/api/2.0/orchard/tokens/revoke', { token_id: info.token_id }, { basic: ['bob', 'bob-password-123'] })
    assert.equal(bobRevoke.status, 404)
    assert.equal((await app.call('GET', 'experiments/search', undefined, { bearer: secret })).status, 200)
    assert.equal((await app.call('POST', '/api/2.0/orchard/tokens/revoke', { token_id: info.token_id }, alice)).status, 200)
    assert.equal((await app.call('GET', 'experiments/search', undefined, { bearer: secret })).status, 401)
    const listed = await app.call('GET', '/api/2.0/orchard/tokens/list', undefined, alice)
    assert.ok(listed.json.access_tokens.find((t: { token_id: string }) => t.token_id === info.token_id).revoked_timestamp)
  })

  test('a token expires after its days; expiry is bounded', async () => {
    const created = await app.call('POST', '/api/2.0/orchard/tokens/create', { name: 'short', expires_in_days: 1 }, alice)
    assert.equal(created.json.access_token.expiration_timestamp, clock + DAY)
    assert.equal((await app.call('GET', 'experiments/search', undefined, { bearer: created.json.token })).status, 200)
    clock += DAY + 1
    assert.equal((await app.call('GET', 'experiments/search', undefined, { bearer: created.json.token })).status, 401)
    const tooLong = await app.call('POST', '/api/2.0/orchard/tokens/create', { expires_in_days: 100_000 }, alice)
    assert.equal(tooLong.status, 400)
    assert.equal(tooLong.json.error_code, 'INVALID_PARAMETER_VALUE')
  })

  test("an admin makes tokens for a service account; a user may not make or list another's", async () => {
    const forBob = await app.call('POST', '/api/2.0/orchard/tokens/create', { username: 'bob', name: 'service' }, admin)
    assert.equal(forBob.status, 200)
    assert.equal((await app.call('GET', '/api/2.0/orchard/users/current', undefined, { bearer: forBob.json.token })).json.user.username, 'bob')
    const byAlice = await app.call('POST', '/api/2.0/orchard/tokens/create', { username: 'bob' }, alice)
    assert.equal(byAlice.status, 403)
    assert.equal(byAlice.json.error_code, 'PERMISSION_DENIED')
    assert.equal((await app.call('GET', '/api/2.0/orchard/tokens/list', { username: 'bob' }, alice)).status, 403)
  })

  test('locks a user name out after repeated failures, even for the right password, until the window passes', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await app.call('GET', 'experiments/search', undefined, { basic: ['bob', `wrong-password-${i}`] })).status, 401)
    }
    const locked = await app.call('GET', 'experiments/search', undefined, { basic: ['bob', 'bob-password-123'] })
    assert.equal(locked.status, 429)
    assert.equal(locked.json.error_code, 'REQUEST_LIMIT_EXCEEDED')
    assert.ok(Number(locked.headers.get('retry-after')) > 0)
    // others are not affected
    assert.equal((await app.call('GET', 'experiments/search', undefined, alice)).status, 200)
    clock += 16 * 60 * 1000
    assert.equal((await app.call('GET', 'experiments/search', undefined, { basic: ['bob', 'bob-password-123'] })).status, 200)
  })

  test('the access audit trail records sign-ins, failures, lockouts, user and token changes; admins only', async () => {
    const events = await app.call('GET', '/api/2.0/orchard/auth/events', { max_results: 1000 }, admin)
    assert.equal(events.status, 200)
    const actions = (events.json.events as { action: string; username?: string; target?: string }[]).map((e) => `${e.action}:${e.username ?? '-'}`)
    for (const expected of ['user_created:admin', 'login:alice', 'login_failed:bob', 'login_locked:bob', 'token_created:alice', 'token_revoked:alice', 'login_failed:-']) {
      assert.ok(actions.includes(expected), `${expected} in ${actions.join(', ')}`)
    }
    const revoked = (events.json.events as { action: string; target?: string }[]).find((e) => e.action === 'token_revoked')
    assert.match(revoked?.target ?? '', /^[0-9a-f]{24}$/)
    const page = await app.call('GET', '/api/2.0/orchard/auth/events', { max_results: 2 }, admin)
    assert.equal(page.json.events.length, 2)
    const next = await app.call('GET', '/api/2.0/orchard/auth/events', { max_results: 2, page_token: page.json.next_page_token }, admin)
    assert.ok(Number(next.json.events[0].event_id) < Number(page.json.events[1].event_id))
    const bobs = await app.call('GET', '/api/2.0/orchard/auth/events', { username: 'bob' }, admin)
    assert.ok(bobs.json.events.every((e: { username: string }) => e.username === 'bob'))
    assert.equal((await app.call('GET', '/api/2.0/orchard/auth/events', {}, alice)).status, 403)
    assert.equal((await app.call('GET', '/api/2.0/orchard/auth/events', { page_token: 'x' }, admin)).status, 400)
  })
})
