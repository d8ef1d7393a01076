import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { applyGroupRoles, checkGroupRoles } from '../src/auth/group-roles.ts'
import { ADMIN, openAuthTestApp } from './auth-harness.ts'
import type { AuthTestApp } from './auth-harness.ts'

// --oidc-group-role on both databases: the roles an IdP group maps to are assigned at a sign-in and
// taken away at the first sign-in without the group; assignments an admin made are never touched, and
// an admin assigning a mapped role by hand makes it theirs. (The browser flow against a real provider
// is tests/ui/sso.test.ts.)

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`IdP groups mapped to roles (${backend})`, () => {
    let app: AuthTestApp
    before(async () => {
      app = await openAuthTestApp(backend)
    })
    after(() => app.close())

    test('assigns, removes and leaves hand-made assignments alone', async () => {
      const { authStore: store, ssoStore: sso } = app
      const reader = await store.createRole('default', 'reader')
      const writer = await store.createRole('default', 'writer')
      const teamRole = await store.createRole('team-a', 'reader')
      const kept = await store.createRole('default', 'kept')
      const mappings = [
        { group: 'ml', role: 'reader' },
        { group: 'ml', role: 'writer' },
        { group: 'team', role: 'reader', workspace: 'team-a' },
      ]
      await checkGroupRoles(store, mappings)
      await assert.rejects(checkGroupRoles(store, [{ group: 'x', role: 'reader', workspace: 'team-b' }]), /'reader' in workspace 'team-b' \(from x=reader@team-b\)/)

      const { user } = await sso.signInExternalUser({ subject: 'iss|1', username: 'ida', groups: ['ml', 'team'] })
      await store.assignRole('ida', kept.id)
      await applyGroupRoles(store, sso, user, ['ml', 'team'], mappings)
      const ids = async () => (await store.listUserRoles('ida')).map((role) => role.id).sort((a, b) => a - b)
      assert.deepEqual(await ids(), [reader.id, writer.id, teamRole.id, kept.id].sort((a, b) => a - b))
      // Signing in again with the same groups changes nothing.
      assert.deepEqual(await sso.syncIdpRoles(user.id, [reader.id, writer.id, teamRole.id]), { added: [], removed: [] })

      // The admin takes over `writer` (no "already exists": it becomes a hand-made assignment).
      const adopted = await app.call('POST', '/api/3.0/mlflow/roles/assign', { username: 'ida', role_id: writer.id }, { basic: ADMIN })
      assert.equal(adopted.status, 200)
      const again = await app.call('POST', '/api/3.0/mlflow/roles/assign', { username: 'ida', role_id: writer.id }, { basic: ADMIN })
      assert.equal(again.json.error_code, 'RESOURCE_ALREADY_EXISTS')

      await applyGroupRoles(store, sso, user, ['team'], mappings)
      assert.deepEqual(await ids(), [writer.id, teamRole.id, kept.id].sort((a, b) => a - b))
      // No mapping at all (the flag removed): what sign-in granted goes; the admin's stays.
      await applyGroupRoles(store, sso, user, ['ml', 'team'], [])
      assert.deepEqual(await ids(), [writer.id, kept.id].sort((a, b) => a - b))
      const events = (await store.listEvents({ maxResults: 50, username: 'ida' })).map((e) => `${e.action} ${e.target}`)
      assert.ok(events.includes(`role_unassigned role ${teamRole.id} from ida (no longer in its IdP group)`), events.join('\n'))

      // A mapped role deleted since start is skipped and recorded, not an error at sign-in.
      await store.deleteRole(reader.id)
      await applyGroupRoles(store, sso, user, ['ml'], mappings)
      assert.deepEqual(await ids(), [writer.id, kept.id].sort((a, b) => a - b))
      const missing = await store.listEvents({ maxResults: 1, username: 'ida' })
      assert.equal(missing[0]?.action, 'idp_role_missing')
    })
  })
}
