import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { orchard, STACK_FRAME, startCli, tempDir } from './harness.ts'

// `orchard roles …` and `orchard groups …` through the real binary against a real server with
// authentication on and a default of NO_PERMISSIONS, checked by what another user can then see.

describe('orchard roles and orchard groups', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  before(async () => {
    dir = await tempDir()
  })
  after(() => dir.remove())

  it('create a role, grant, assign it through a group, deny, revoke; a member sees what the grants say', async (t) => {
    const server = await startCli(
      dir.path,
      ['server', '--port', '0', '--app-name', 'basic-auth', '--auth-default-permission', 'NO_PERMISSIONS', '--backend-store-uri', `sqlite:///${join(dir.path, 'roles.db')}`],
      { ORCHARD_ADMIN_USERNAME: 'root', ORCHARD_ADMIN_PASSWORD: 'root-password-123' },
    )
    t.after(() => server.kill())
    const asRoot = { MLFLOW_TRACKING_URI: server.url, MLFLOW_TRACKING_USERNAME: 'root', MLFLOW_TRACKING_PASSWORD: 'root-password-123' }
    const asAna = { MLFLOW_TRACKING_URI: server.url, MLFLOW_TRACKING_USERNAME: 'ana', MLFLOW_TRACKING_PASSWORD: 'ana-password-123' }
    const made = await fetch(`${server.url}/api/2.0/mlflow/users/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('root:root-password-123').toString('base64')}` },
      body: JSON.stringify({ username: 'ana', password: 'ana-password-123' }),
    })
    assert.equal(made.status, 200)
    const run = async (args: string[], env = asRoot) => {
      const result = await orchard(dir.path, args, env)
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`)
      return result.stdout
    }
    // ana sees nothing yet
    assert.doesNotMatch(await run(['experiments', 'search'], asAna), /Default/)

    const role = JSON.parse(await run(['roles', 'create', '--name', 'readers', '--description', 'read all', '--json'])) as { role: { id: number } }
    const roleId = String(role.role.id)
    assert.match(await run(['roles', 'grant', '--role-id', roleId, '--resource-type', 'experiment', '--pattern', '*', '--permission', 'READ']), /grants READ on experiment \*/)
    assert.match(await run(['groups', 'create', '--name', 'team']), /Created group team/)
    await run(['groups', 'add-member', '--name', 'team', '--user', 'ana'])
    await run(['groups', 'assign-role', '--name', 'team', '--role-id', roleId])
    assert.match(await run(['groups', 'list']), /team\s+ana\s+\d+/)
    assert.match(await run(['experiments', 'search'], asAna), /Default/)

    const denied = await run(['roles', 'deny', '--role-id', roleId, '--resource-type', 'experiment', '--pattern', '0', '--json'])
    const denyId = String((JSON.parse(denied) as { role_permission: { id: number } }).role_permission.id)
    assert.match(await run(['roles', 'list']), new RegExp(`readers\\s+${denyId}\\s+experiment\\s+0\\s+DENY`))
    assert.doesNotMatch(await run(['experiments', 'search'], asAna), /Default/)
    await run(['roles', 'revoke', denyId])
    assert.match(await run(['experiments', 'search'], asAna), /Default/)
    await run(['groups', 'remove-member', '--name', 'team', '--user', 'ana'])
    assert.doesNotMatch(await run(['experiments', 'search'], asAna), /Default/)

    // Only admins manage roles; bad values are usage errors; no stack traces.
    const notAdmin = await orchard(dir.path, ['roles', 'list'], asAna)
    assert.equal(notAdmin.code, 1)
    assert.match(notAdmin.stderr, /Permission denied/)
    const badId = await orchard(dir.path, ['roles', 'assign', '--role-id', 'viewers', '--user', 'ana'], asRoot)
    assert.equal(badId.code, 2)
    assert.match(badId.stderr, /--role-id must be an integer/)
    const missing = await orchard(dir.path, ['roles', 'assign', '--role-id', '999', '--user', 'ana'], asRoot)
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /Role with id=999 not found/)
    for (const result of [notAdmin, badId, missing]) assert.doesNotMatch(result.stderr, STACK_FRAME)
    await run(['roles', 'delete', '--role-id', roleId])
    await run(['groups', 'delete', '--name', 'team'])
    assert.match(await run(['roles', 'list']), /No roles\./)
  })
})
