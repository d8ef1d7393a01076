import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ADMIN, openAuthTestApp, openReplica } from './auth-harness.ts'
import type { AuthTestApp, Backend } from './auth-harness.ts'

// Servers remember verified credentials and resolved grants (AccessCache). These tests pin down when
// a change to access takes effect: in the process that made it, on the very next request; in another
// process on the same database (a replica), within accessSyncMs and not before the cache expires.

const SYNC_MS = 2_000
const DAY = 24 * 60 * 60_000
const admin = { basic: ADMIN }
const alice = { basic: ['alice', 'alice-password-1'] as const }

async function setUp(app: AuthTestApp): Promise<{ runId: string; experimentId: string }> {
  await app.call('POST', 'users/create', { username: 'alice', password: 'alice-password-1' }, admin)
  const experimentId = (await app.call('POST', 'experiments/create', { name: 'cached' }, admin)).json.experiment_id as string
  const runId = (await app.call('POST', 'runs/create', { experiment_id: experimentId }, admin)).json.run.info.run_id as string
  assert.equal((await app.call('POST', 'experiments/permissions/create', { experiment_id: experimentId, username: 'alice', permission: 'EDIT' }, admin)).status, 200)
  return { runId, experimentId }
}

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`cached access (${backend})`, () => {
    let clock = Date.UTC(2026, 0, 1)
    let first: AuthTestApp
    let replica: AuthTestApp
    let runId: string
    let experimentId: string
    // Without a grant, nothing: so that a removed grant shows as 403.
    // Credentials are remembered for days here, so that only the token's own expiry can end one.
    const settings = { now: () => clock, accessSyncMs: SYNC_MS, credentialCacheMs: 3 * DAY, defaultPermission: 'NO_PERMISSIONS' as const }
    before(async () => {
      first = await openAuthTestApp(backend, settings)
      replica = await openReplica(first, settings)
      ;({ runId, experimentId } = await setUp(first))
    })
    after(async () => {
      await replica?.close()
      await first?.close()
    })

    const getRun = (app: AuthTestApp, credentials: { basic?: readonly [string, string]; bearer?: string }) =>
      app.call('GET', 'runs/get', { run_id: runId }, credentials).then((reply) => reply.status)

    test('in the process that made the change: a revoked token, a removed grant and a changed password fail on the next request', async () => {
      const created = await first.call('POST', '/api/2.0/orchard/tokens/create', { name: 'in-process' }, alice)
      const token = { bearer: created.json.token as string }
      assert.equal(await getRun(first, token), 200)
      assert.equal(await getRun(first, token), 200) // now answered from the cache
      assert.equal((await first.call('POST', '/api/2.0/orchard/tokens/revoke', { token_id: created.json.access_token.token_id }, alice)).status, 200)
      assert.equal(await getRun(first, token), 401)

      assert.equal(await getRun(first, alice), 200)
      await first.call('DELETE', 'experiments/permissions/delete', { experiment_id: experimentId, username: 'alice' }, admin)
      assert.equal(await getRun(first, alice), 403)
      await first.call('POST', 'experiments/permissions/create', { experiment_id: experimentId, username: 'alice', permission: 'EDIT' }, admin)
      assert.equal(await getRun(first, alice), 200)

      await first.call('PATCH', 'users/update-password', { username: 'alice', password: 'alice-password-2' }, admin)
      assert.equal(await getRun(first, alice), 401)
      assert.equal(await getRun(first, { basic: ['alice', 'alice-password-2'] }), 200)
      await first.call('PATCH', 'users/update-password', { username: 'alice', password: 'alice-password-1' }, admin)
    })

    test(`in another process on the same database: remembered until its next sync, refused within ${SYNC_MS} ms`, async () => {
      const created = await first.call('POST', '/api/2.0/orchard/tokens/create', { name: 'replica' }, alice)
      const token = { bearer: created.json.token as string }
      assert.equal(await getRun(replica, token), 200)
      assert.equal(await getRun(replica, alice), 200)

      await first.call('POST', '/api/2.0/orchard/tokens/revoke', { token_id: created.json.access_token.token_id }, alice)
      await first.call('DELETE', 'experiments/permissions/delete', { experiment_id: experimentId, username: 'alice' }, admin)
      assert.equal(await getRun(first, token), 401)
      assert.equal(await getRun(first, alice), 403)
      // The replica has not read the change counter since: it still answers from its cache (the bound is real).
      assert.equal(await getRun(replica, token), 200)
      assert.equal(await getRun(replica, alice), 200)

      clock += SYNC_MS
      assert.equal(await getRun(replica, token), 401)
      assert.equal(await getRun(replica, alice), 403)
    })

    test('a token is never remembered past its expiry', async () => {
      const created = await first.call('POST', '/api/2.0/orchard/tokens/create', { name: 'short', expires_in_days: 1 }, admin)
      const token = { bearer: created.json.token as string }
      assert.equal(await getRun(replica, token), 200)
      clock += SYNC_MS // the replica syncs (the token's creation was a change) and remembers the token
      assert.equal(await getRun(replica, token), 200)
      clock = (created.json.access_token.expiration_timestamp as number) - 1
      assert.equal(await getRun(replica, token), 200)
      clock += 1
      assert.equal(await getRun(replica, token), 401)
    })
  })
}
