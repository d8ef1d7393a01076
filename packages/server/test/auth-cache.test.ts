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

    // The authorizer remembers decisions per user, level and resource id (AccessCache): a second
    // request from the same caller on the same run makes no lookup. These pin down that a
    // remembered decision goes with the grants it came from.
    const logBatch = (app: AuthTestApp) =>
      app.call('POST', 'runs/log-batch', { run_id: runId, metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }] }, alice).then((reply) => reply.status)
    // The tests above remove alice's grant; these start from EDIT, seen by both servers.
    const grantEdit = async () => {
      const created = await first.call('POST', 'experiments/permissions/create', { experiment_id: experimentId, username: 'alice', permission: 'EDIT' }, admin)
      if (created.status !== 200) await first.call('PATCH', 'experiments/permissions/update', { experiment_id: experimentId, username: 'alice', permission: 'EDIT' }, admin)
      clock += SYNC_MS
    }

    test('a remembered decision is dropped when the grant is lowered: in this process at once, on another within the sync interval', async () => {
      await grantEdit()
      assert.equal(await logBatch(first), 200)
      assert.equal(await logBatch(replica), 200)
      assert.equal(await logBatch(first), 200) // remembered on both
      assert.equal(await logBatch(replica), 200)

      const update = (permission: string) => first.call('PATCH', 'experiments/permissions/update', { experiment_id: experimentId, username: 'alice', permission }, admin)
      assert.equal((await update('READ')).status, 200)
      assert.equal(await logBatch(first), 403)
      assert.equal(await getRun(first, alice), 200) // READ still allowed: only the EDIT decision changed
      assert.equal(await logBatch(replica), 200) // not synced yet: the bound is real
      clock += SYNC_MS
      assert.equal(await logBatch(replica), 403)

      // A remembered refusal goes the same way.
      assert.equal((await update('EDIT')).status, 200)
      assert.equal(await logBatch(first), 200)
      clock += SYNC_MS
      assert.equal(await logBatch(replica), 200)
    })

    test('a remembered decision is dropped when a role denies the experiment', async () => {
      await grantEdit()
      assert.equal(await getRun(first, alice), 200)
      const role = await first.call('POST', '/api/3.0/mlflow/roles/create', { name: 'no-cached', workspace: 'default' }, admin)
      assert.equal(role.status, 200, JSON.stringify(role.json))
      const roleId = role.json.role.id
      const grant = await first.call('POST', '/api/2.0/orchard/roles/permissions/deny', { role_id: roleId, resource_type: 'experiment', resource_pattern: experimentId }, admin)
      assert.equal(grant.status, 200, JSON.stringify(grant.json))
      const assigned = await first.call('POST', '/api/3.0/mlflow/roles/assign', { role_id: roleId, username: 'alice' }, admin)
      assert.equal(assigned.status, 200, JSON.stringify(assigned.json))
      assert.equal(await getRun(first, alice), 403)
      assert.equal((await first.call('DELETE', '/api/3.0/mlflow/roles/delete', { role_id: roleId }, admin)).status, 200)
      assert.equal(await getRun(first, alice), 200)
    })

    test('a check on a resource that does not exist yet is not remembered', async () => {
      // Experiment ids are sequential: ask for the next one before it exists (let through to its
      // 404), then create it without a grant for alice, who holds nothing by default here.
      const created = await first.call('POST', 'experiments/create', { name: 'probe' }, admin)
      const next = String(Number(created.json.experiment_id) + 1)
      assert.equal((await first.call('GET', 'experiments/get', { experiment_id: next }, alice)).status, 404)
      assert.equal((await first.call('GET', 'experiments/get', { experiment_id: next }, alice)).status, 404)
      const later = await first.call('POST', 'experiments/create', { name: 'later' }, admin)
      assert.equal(later.json.experiment_id, next)
      assert.equal((await first.call('GET', 'experiments/get', { experiment_id: next }, alice)).status, 403)
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
