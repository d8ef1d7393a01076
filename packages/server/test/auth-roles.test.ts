import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ADMIN, openAuthTestApp } from './auth-harness.ts'
import type { AuthTestApp } from './auth-harness.ts'

// Roles (MLflow 3.14's RBAC endpoints), groups and deny grants (Orchard's), over HTTP on both
// databases: the wire shapes and MLflow's wording, then what the grants let users do, in route
// checks and in searches filtered in SQL.

const admin = { basic: ADMIN }
const alice = { basic: ['alice', 'alice-password-1'] as const }
const bob = { basic: ['bob', 'bob-password-12'] as const }
const carol = { basic: ['carol', 'carol-password-1'] as const }

const mlflow3 = (path: string) => `/api/3.0/mlflow/${path}`
const orchard = (path: string) => `/api/2.0/orchard/${path}`

async function createUsers(app: AuthTestApp): Promise<void> {
  for (const [name, password] of [alice.basic, bob.basic, carol.basic]) {
    assert.equal((await app.call('POST', 'users/create', { username: name, password }, admin)).status, 200)
  }
}

async function searchIds(app: AuthTestApp, who: { basic: readonly [string, string] }, pageSize = 1000): Promise<string[]> {
  const seen: string[] = []
  let pageToken: string | undefined
  do {
    const page = await app.call('POST', 'experiments/search', { max_results: pageSize, ...(pageToken ? { page_token: pageToken } : {}) }, who)
    assert.equal(page.status, 200)
    const ids = (page.json.experiments ?? []).map((e: { experiment_id: string }) => e.experiment_id)
    if (page.json.next_page_token) assert.equal(ids.length, pageSize, 'every page but the last is full')
    seen.push(...ids)
    pageToken = page.json.next_page_token
  } while (pageToken)
  return seen
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`roles, groups and deny (${backend})`, () => {
    let app: AuthTestApp
    before(async () => {
      app = await openAuthTestApp(backend)
      await createUsers(app)
    })
    after(() => app.close())

    test("role endpoints: MLflow's paths, shapes and wording", async () => {
      const created = await app.call('POST', mlflow3('roles/create'), { name: 'viewer', description: 'read-only' }, admin)
      assert.equal(created.status, 200)
      const role = created.json.role
      assert.deepEqual(role, { id: role.id, name: 'viewer', workspace: 'default', description: 'read-only', permissions: [] })
      assert.equal(typeof role.id, 'number')

      const again = await app.call('POST', mlflow3('roles/create'), { name: 'viewer', workspace: 'default' }, admin)
      assert.equal(again.status, 400)
      assert.equal(again.json.error_code, 'RESOURCE_ALREADY_EXISTS')
      assert.equal(again.json.message, 'Role (name=viewer, workspace=default) already exists.')
      // The same name in another workspace is another role.
      assert.equal((await app.call('POST', mlflow3('roles/create'), { name: 'viewer', workspace: 'research' }, admin)).status, 200)

      // role_id as a number or as a numeric string (the ajax UI and shell scripts send both)
      assert.deepEqual((await app.call('GET', mlflow3('roles/get'), { role_id: role.id }, admin)).json.role, role)
      const missing = await app.call('GET', mlflow3('roles/get'), { role_id: 999999 }, admin)
      assert.equal(missing.status, 404)
      assert.deepEqual(missing.json, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Role with id=999999 not found' })
      assert.equal((await app.call('GET', mlflow3('roles/get'), { role_id: 'abc' }, admin)).status, 400)

      const listed = await app.call('GET', mlflow3('roles/list'), {}, admin)
      assert.deepEqual(
        listed.json.roles.map((r: { name: string; workspace: string }) => `${r.workspace}/${r.name}`),
        ['default/viewer', 'research/viewer'],
      )
      assert.equal((await app.call('GET', mlflow3('roles/list'), { workspace: 'research' }, admin)).json.roles.length, 1)

      const empty = await app.call('PATCH', mlflow3('roles/update'), { role_id: role.id }, admin)
      assert.equal(empty.status, 400)
      assert.match(empty.json.message, /At least one of 'name' or 'description'/)
      const updated = await app.call('PATCH', mlflow3('roles/update'), { role_id: String(role.id), description: 'reads everything' }, admin)
      assert.equal(updated.json.role.description, 'reads everything')

      const add = (body: Record<string, unknown>) => app.call('POST', mlflow3('roles/permissions/add'), { role_id: role.id, ...body }, admin)
      const grant = await add({ resource_type: 'experiment', resource_pattern: '*', permission: 'READ' })
      assert.equal(grant.status, 200)
      assert.deepEqual(grant.json.role_permission, {
        id: grant.json.role_permission.id,
        role_id: role.id,
        resource_type: 'experiment',
        resource_pattern: '*',
        permission: 'READ',
      })
      const duplicate = await add({ resource_type: 'experiment', resource_pattern: '*', permission: 'EDIT' })
      assert.equal(duplicate.json.error_code, 'RESOURCE_ALREADY_EXISTS')
      const badLevel = await add({ resource_type: 'experiment', resource_pattern: '1', permission: 'OWN' })
      assert.equal(badLevel.status, 400)
      assert.equal(badLevel.json.message, "Invalid permission 'OWN'. Valid permissions are: ('READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')")
      // DENY is Orchard's, on its own route; MLflow's route keeps MLflow's levels.
      assert.equal((await add({ resource_type: 'experiment', resource_pattern: '1', permission: 'DENY' })).status, 400)
      const badType = await add({ resource_type: 'pipeline', resource_pattern: '1', permission: 'READ' })
      assert.equal(badType.status, 400)
      assert.equal(badType.json.error_code, 'INVALID_PARAMETER_VALUE')
      const badWorkspace = await add({ resource_type: 'workspace', resource_pattern: 'x', permission: 'READ' })
      assert.equal(badWorkspace.json.message, "resource_type='workspace' requires resource_pattern='*'. Got resource_pattern='x'.")
      assert.equal((await add({ resource_type: 'experiment', permission: 'READ' })).status, 400)
      assert.equal((await app.call('POST', mlflow3('roles/permissions/add'), { role_id: 999999, resource_type: 'experiment', resource_pattern: '1', permission: 'READ' }, admin)).status, 404)

      const permissionId = grant.json.role_permission.id
      const changed = await app.call('PATCH', mlflow3('roles/permissions/update'), { role_permission_id: permissionId, permission: 'EDIT' }, admin)
      assert.equal(changed.json.role_permission.permission, 'EDIT')
      const list = await app.call('GET', mlflow3('roles/permissions/list'), { role_id: role.id }, admin)
      assert.deepEqual(list.json.role_permissions, [changed.json.role_permission])

      const assigned = await app.call('POST', mlflow3('roles/assign'), { username: 'alice', role_id: role.id }, admin)
      assert.equal(assigned.status, 200)
      assert.deepEqual(Object.keys(assigned.json.assignment).sort(), ['id', 'role_id', 'user_id'])
      assert.equal(assigned.json.assignment.role_id, role.id)
      const twice = await app.call('POST', mlflow3('roles/assign'), { username: 'alice', role_id: role.id }, admin)
      assert.equal(twice.json.error_code, 'RESOURCE_ALREADY_EXISTS')
      assert.equal((await app.call('POST', mlflow3('roles/assign'), { username: 'nobody', role_id: role.id }, admin)).status, 404)

      // A user lists its own roles; not another user's.
      const own = await app.call('GET', mlflow3('users/roles/list'), { username: 'alice' }, alice)
      assert.equal(own.status, 200)
      assert.deepEqual(own.json.roles.map((r: { name: string }) => r.name), ['viewer'])
      assert.equal((await app.call('GET', mlflow3('users/roles/list'), { username: 'alice' }, bob)).status, 403)
      const users = await app.call('GET', mlflow3('roles/users/list'), { role_id: role.id }, admin)
      assert.deepEqual(users.json.assignments, [assigned.json.assignment])

      // Role management is for admins.
      const denied = await app.call('POST', mlflow3('roles/create'), { name: 'mine' }, alice)
      assert.equal(denied.status, 403)
      assert.equal(denied.json.error_code, 'PERMISSION_DENIED')
      assert.equal((await app.call('POST', mlflow3('roles/assign'), { username: 'alice', role_id: role.id }, bob)).status, 403)

      assert.equal((await app.call('DELETE', mlflow3('roles/unassign'), { username: 'alice', role_id: role.id }, admin)).status, 200)
      const gone = await app.call('DELETE', mlflow3('roles/unassign'), { username: 'alice', role_id: role.id }, admin)
      assert.equal(gone.status, 404)
      assert.match(gone.json.message, /User role assignment \(user_id=\d+, role_id=\d+\) not found/)
      assert.equal((await app.call('DELETE', mlflow3('roles/permissions/remove'), { role_permission_id: permissionId }, admin)).status, 200)
      assert.equal((await app.call('DELETE', mlflow3('roles/permissions/remove'), { role_permission_id: permissionId }, admin)).status, 404)
      assert.equal((await app.call('DELETE', mlflow3('roles/delete'), { role_id: role.id }, admin)).status, 200)
      assert.equal((await app.call('GET', mlflow3('roles/get'), { role_id: role.id }, admin)).status, 404)
      // Served under /ajax-api too, as MLflow's UI calls them.
      assert.equal((await app.call('GET', '/ajax-api/3.0/mlflow/roles/list', {}, admin)).status, 200)

      const events = await app.call('GET', orchard('auth/events'), { max_results: 50 }, admin)
      const actions = events.json.events.map((e: { action: string }) => e.action)
      for (const action of ['role_created', 'role_updated', 'role_permission_added', 'role_permission_updated', 'role_assigned', 'role_unassigned', 'role_deleted']) {
        assert.equal(actions.includes(action), true, `the audit trail records ${action}`)
      }
    })

    test('group endpoints: members, roles, errors', async () => {
      const created = await app.call('POST', orchard('groups/create'), { group_name: 'data-science', description: 'DS team' }, admin)
      assert.equal(created.status, 200)
      assert.deepEqual(created.json.group, { id: created.json.group.id, name: 'data-science', description: 'DS team', members: [], role_ids: [] })
      const duplicate = await app.call('POST', orchard('groups/create'), { group_name: 'data-science' }, admin)
      assert.equal(duplicate.json.error_code, 'RESOURCE_ALREADY_EXISTS')
      assert.equal((await app.call('POST', orchard('groups/create'), { group_name: '' }, admin)).status, 400)
      assert.equal((await app.call('POST', orchard('groups/create'), { group_name: 'mine' }, alice)).status, 403)

      assert.equal((await app.call('POST', orchard('groups/members/add'), { group_name: 'data-science', username: 'alice' }, admin)).status, 200)
      const withBob = await app.call('POST', orchard('groups/members/add'), { group_name: 'data-science', username: 'bob' }, admin)
      assert.deepEqual(withBob.json.group.members, ['alice', 'bob'])
      assert.equal((await app.call('POST', orchard('groups/members/add'), { group_name: 'data-science', username: 'bob' }, admin)).json.error_code, 'RESOURCE_ALREADY_EXISTS')
      const noUser = await app.call('POST', orchard('groups/members/add'), { group_name: 'data-science', username: 'nobody' }, admin)
      assert.deepEqual(noUser.json, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'User with username=nobody not found' })
      const noGroup = await app.call('POST', orchard('groups/members/add'), { group_name: 'nope', username: 'bob' }, admin)
      assert.deepEqual(noGroup.json, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Group with name=nope not found' })

      const role = (await app.call('POST', mlflow3('roles/create'), { name: 'ds-role' }, admin)).json.role
      const withRole = await app.call('POST', orchard('groups/roles/assign'), { group_name: 'data-science', role_id: role.id }, admin)
      assert.deepEqual(withRole.json.group.role_ids, [role.id])
      assert.equal((await app.call('POST', orchard('groups/roles/assign'), { group_name: 'data-science', role_id: 999999 }, admin)).status, 404)

      const mine = await app.call('GET', orchard('users/groups/list'), { username: 'bob' }, bob)
      assert.deepEqual(mine.json.groups.map((g: { name: string }) => g.name), ['data-science'])
      assert.equal((await app.call('GET', orchard('users/groups/list'), { username: 'alice' }, bob)).status, 403)
      assert.equal((await app.call('GET', orchard('groups/list'), {}, admin)).json.groups.length, 1)

      const without = await app.call('DELETE', orchard('groups/members/remove'), { group_name: 'data-science', username: 'bob' }, admin)
      assert.deepEqual(without.json.group.members, ['alice'])
      assert.equal((await app.call('DELETE', orchard('groups/members/remove'), { group_name: 'data-science', username: 'bob' }, admin)).status, 404)
      assert.equal((await app.call('DELETE', orchard('groups/roles/unassign'), { group_name: 'data-science', role_id: role.id }, admin)).status, 200)
      assert.equal((await app.call('DELETE', orchard('groups/delete'), { group_name: 'data-science' }, admin)).status, 200)
      assert.equal((await app.call('GET', orchard('groups/get'), { group_name: 'data-science' }, admin)).status, 404)
    })

    test('resolution: a role grant raises a user above the default; the highest grant wins', async () => {
      const experimentId = (await app.call('POST', 'experiments/create', { name: 'alice-shared' }, alice)).json.experiment_id as string
      const rename = (who: typeof carol, name: string) => app.call('POST', 'experiments/update', { experiment_id: experimentId, new_name: name }, who)
      // carol reads by default (READ) and may not edit
      assert.equal((await app.call('GET', 'experiments/get', { experiment_id: experimentId }, carol)).status, 200)
      assert.equal((await rename(carol, 'carol-1')).status, 403)
      // her own NO_PERMISSIONS hides it,
      await app.call('POST', 'experiments/permissions/create', { experiment_id: experimentId, username: 'carol', permission: 'NO_PERMISSIONS' }, alice)
      assert.equal((await app.call('GET', 'experiments/get', { experiment_id: experimentId }, carol)).status, 403)
      assert.equal((await searchIds(app, carol)).includes(experimentId), false, 'hidden from carol')
      // until a role grants EDIT on it: the higher grant wins, in checks and in search
      const role = (await app.call('POST', mlflow3('roles/create'), { name: 'editors' }, admin)).json.role
      await app.call('POST', mlflow3('roles/permissions/add'), { role_id: role.id, resource_type: 'experiment', resource_pattern: experimentId, permission: 'EDIT' }, admin)
      await app.call('POST', mlflow3('roles/assign'), { username: 'carol', role_id: role.id }, admin)
      assert.equal((await rename(carol, 'carol-2')).status, 200)
      assert.equal((await app.call('POST', 'experiments/delete', { experiment_id: experimentId }, carol)).status, 403)
      assert.equal((await searchIds(app, carol)).includes(experimentId), true, 'visible to carol')
      // A role in another workspace does not count while workspaces are off.
      const elsewhere = (await app.call('POST', mlflow3('roles/create'), { name: 'managers', workspace: 'research' }, admin)).json.role
      await app.call('POST', mlflow3('roles/permissions/add'), { role_id: elsewhere.id, resource_type: 'workspace', resource_pattern: '*', permission: 'MANAGE' }, admin)
      await app.call('POST', mlflow3('roles/assign'), { username: 'carol', role_id: elsewhere.id }, admin)
      assert.equal((await app.call('POST', 'experiments/delete', { experiment_id: experimentId }, carol)).status, 403)
      // Unassigned, the role's grant is gone at once.
      await app.call('DELETE', mlflow3('roles/unassign'), { username: 'carol', role_id: role.id }, admin)
      assert.equal((await rename(carol, 'carol-3')).status, 403)
    })

    test("deny: a group role denying a resource wins over the creator's MANAGE, everywhere but for admins", async () => {
      const experimentId = (await app.call('POST', 'experiments/create', { name: 'bob-private' }, bob)).json.experiment_id as string
      const runId = (await app.call('POST', 'runs/create', { experiment_id: experimentId }, bob)).json.run.info.run_id as string
      assert.equal((await app.call('POST', 'registered-models/create', { name: 'bob-model' }, bob)).status, 200)
      assert.equal((await app.call('GET', 'runs/get', { run_id: runId }, bob)).status, 200)

      const role = (await app.call('POST', mlflow3('roles/create'), { name: 'quarantine' }, admin)).json.role
      const deny = await app.call('POST', orchard('roles/permissions/deny'), { role_id: role.id, resource_type: 'experiment', resource_pattern: experimentId }, admin)
      assert.equal(deny.status, 200)
      assert.equal(deny.json.role_permission.permission, 'DENY')
      await app.call('POST', orchard('roles/permissions/deny'), { role_id: role.id, resource_type: 'registered_model', resource_pattern: 'bob-model' }, admin)
      assert.equal((await app.call('POST', orchard('roles/permissions/deny'), { role_id: role.id, resource_type: 'nope', resource_pattern: '1' }, admin)).status, 400)
      await app.call('POST', orchard('groups/create'), { group_name: 'contractors' }, admin)
      await app.call('POST', orchard('groups/members/add'), { group_name: 'contractors', username: 'bob' }, admin)
      await app.call('POST', orchard('groups/roles/assign'), { group_name: 'contractors', role_id: role.id }, admin)

      // bob created it (MANAGE), yet the deny wins: checks, run reads, searches
      const get = await app.call('GET', 'experiments/get', { experiment_id: experimentId }, bob)
      assert.equal(get.status, 403)
      assert.equal(get.json.error_code, 'PERMISSION_DENIED')
      assert.equal((await app.call('GET', 'runs/get', { run_id: runId }, bob)).status, 403)
      assert.equal((await app.call('POST', 'experiments/delete', { experiment_id: experimentId }, bob)).status, 403)
      assert.equal((await searchIds(app, bob, 1)).includes(experimentId), false, 'hidden from bob')
      assert.equal((await app.call('POST', 'runs/search', { experiment_ids: [experimentId] }, bob)).json.runs, undefined)
      assert.equal((await app.call('GET', 'registered-models/get', { name: 'bob-model' }, bob)).status, 403)
      const models = await app.call('GET', 'registered-models/search', {}, bob)
      assert.equal((models.json.registered_models ?? []).some((m: { name: string }) => m.name === 'bob-model'), false, 'model hidden from bob')
      // A role granting MANAGE on everything does not outweigh it either.
      const all = (await app.call('POST', mlflow3('roles/create'), { name: 'everything' }, admin)).json.role
      await app.call('POST', mlflow3('roles/permissions/add'), { role_id: all.id, resource_type: 'workspace', resource_pattern: '*', permission: 'MANAGE' }, admin)
      await app.call('POST', mlflow3('roles/assign'), { username: 'bob', role_id: all.id }, admin)
      assert.equal((await app.call('GET', 'experiments/get', { experiment_id: experimentId }, bob)).status, 403)
      // Admins are never denied.
      assert.equal((await app.call('GET', 'experiments/get', { experiment_id: experimentId }, admin)).status, 200)
      assert.equal((await searchIds(app, admin)).includes(experimentId), true, 'visible to the admin')
      // Out of the group, bob has his MANAGE back.
      await app.call('DELETE', orchard('groups/members/remove'), { group_name: 'contractors', username: 'bob' }, admin)
      assert.equal((await app.call('GET', 'experiments/get', { experiment_id: experimentId }, bob)).status, 200)
      assert.equal((await searchIds(app, bob, 1)).includes(experimentId), true, 'visible to bob again')
      assert.equal((await app.call('GET', 'registered-models/get', { name: 'bob-model' }, bob)).status, 200)
    })
  })

  describe(`roles with a default of NO_PERMISSIONS (${backend})`, () => {
    let app: AuthTestApp
    before(async () => {
      app = await openAuthTestApp(backend, { defaultPermission: 'NO_PERMISSIONS' })
      await createUsers(app)
    })
    after(() => app.close())

    test("group members inherit the group's roles: `*` and per-resource grants, deny, full search pages", async () => {
      const ids: string[] = []
      for (let i = 0; i < 6; i++) ids.push((await app.call('POST', 'experiments/create', { name: `team-${i}` }, admin)).json.experiment_id)
      const [first, second, third] = ids as [string, string, string]
      // alice sees nothing: no grants, default NO_PERMISSIONS
      assert.deepEqual(await searchIds(app, alice), [])
      assert.equal((await app.call('GET', 'experiments/get', { experiment_id: first }, alice)).status, 403)

      // a group role with two experiments
      const role = (await app.call('POST', mlflow3('roles/create'), { name: 'pair' }, admin)).json.role
      for (const id of [first, second]) {
        await app.call('POST', mlflow3('roles/permissions/add'), { role_id: role.id, resource_type: 'experiment', resource_pattern: id, permission: 'READ' }, admin)
      }
      await app.call('POST', orchard('groups/create'), { group_name: 'team' }, admin)
      await app.call('POST', orchard('groups/roles/assign'), { group_name: 'team', role_id: role.id }, admin)
      await app.call('POST', orchard('groups/members/add'), { group_name: 'team', username: 'alice' }, admin)
      assert.deepEqual((await searchIds(app, alice, 1)).sort(), [first, second].sort())
      assert.equal((await app.call('GET', 'experiments/get', { experiment_id: first }, alice)).status, 200)
      assert.equal((await app.call('GET', 'experiments/get', { experiment_id: third }, alice)).status, 403)
      // bob, outside the group, still sees nothing
      assert.deepEqual(await searchIds(app, bob), [])

      // `*` for the whole type, minus a denied one
      const everyone = (await app.call('POST', mlflow3('roles/create'), { name: 'all-experiments' }, admin)).json.role
      await app.call('POST', mlflow3('roles/permissions/add'), { role_id: everyone.id, resource_type: 'experiment', resource_pattern: '*', permission: 'READ' }, admin)
      await app.call('POST', orchard('roles/permissions/deny'), { role_id: everyone.id, resource_type: 'experiment', resource_pattern: third }, admin)
      await app.call('POST', orchard('groups/roles/assign'), { group_name: 'team', role_id: everyone.id }, admin)
      const visible = await searchIds(app, alice, 2)
      assert.equal(visible.includes(third), false, 'the denied experiment stays hidden')
      for (const id of ids.filter((id) => id !== third)) assert.equal(visible.includes(id), true, `experiment ${id} is visible through *`)
      assert.equal((await app.call('GET', 'experiments/get', { experiment_id: third }, alice)).status, 403)
      // runs of the denied experiment: not readable, not searchable
      const run = (await app.call('POST', 'runs/create', { experiment_id: third }, admin)).json.run.info.run_id as string
      assert.equal((await app.call('GET', 'runs/get', { run_id: run }, alice)).status, 403)
      assert.equal((await app.call('POST', 'runs/search', { experiment_ids: [third, first] }, alice)).status, 200)

      // registered models: workspace-wide READ from a role, and search follows
      await app.call('POST', 'registered-models/create', { name: 'shared-model' }, admin)
      assert.equal((await app.call('GET', 'registered-models/get', { name: 'shared-model' }, alice)).status, 403)
      const readers = (await app.call('POST', mlflow3('roles/create'), { name: 'workspace-readers' }, admin)).json.role
      await app.call('POST', mlflow3('roles/permissions/add'), { role_id: readers.id, resource_type: 'workspace', resource_pattern: '*', permission: 'READ' }, admin)
      await app.call('POST', mlflow3('roles/assign'), { username: 'alice', role_id: readers.id }, admin)
      assert.equal((await app.call('GET', 'registered-models/get', { name: 'shared-model' }, alice)).status, 200)
      const models = await app.call('GET', 'registered-models/search', {}, alice)
      assert.deepEqual(models.json.registered_models.map((m: { name: string }) => m.name), ['shared-model'])
      assert.equal((await app.call('GET', 'registered-models/search', {}, bob)).json.registered_models, undefined)

      // Leaving the group takes its roles away at once.
      await app.call('DELETE', orchard('groups/members/remove'), { group_name: 'team', username: 'alice' }, admin)
      assert.equal((await app.call('GET', 'experiments/get', { experiment_id: first }, alice)).status, 200, 'workspace-wide READ from her own role')
      await app.call('DELETE', mlflow3('roles/unassign'), { username: 'alice', role_id: readers.id }, admin)
      assert.deepEqual(await searchIds(app, alice), [])
    })
  })
}
