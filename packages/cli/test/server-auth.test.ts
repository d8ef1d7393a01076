import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { get } from 'node:http'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { orchard, STACK_FRAME, startCli, tempDir } from './harness.ts'

/** A GET with a chosen Host header (fetch does not let a caller set it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => get(url, { headers: { host } }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject))
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

describe('orchard server --app-name basic-auth', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  before(async () => {
    dir = await tempDir()
  })
  after(() => dir.remove())

  it('refuses to start without an admin and says what to set', async () => {
    const result = await orchard(dir.path, ['server', '--port', '0', '--app-name', 'basic-auth'])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /ORCHARD_ADMIN_USERNAME and ORCHARD_ADMIN_PASSWORD/)
    assert.doesNotMatch(result.stderr, STACK_FRAME)
  })

  it('refuses to start when --oidc-group-role (here MLFLOW_OIDC_GROUP_ROLES) names a role that does not exist', async () => {
    const result = await orchard(
      dir.path,
      ['server', '--port', '0', '--app-name', 'basic-auth', '--backend-store-uri', `sqlite:///${join(dir.path, 'group-roles.db')}`],
      {
        ORCHARD_ADMIN_USERNAME: 'root',
        ORCHARD_ADMIN_PASSWORD: 'root-password-123',
        MLFLOW_OIDC_ISSUER: 'https://sso.example.com/realms/ml',
        MLFLOW_OIDC_CLIENT_ID: 'orchard',
        MLFLOW_OIDC_GROUP_ROLES: 'data-science=reader, mlops=editor@team-a',
      },
    )
    assert.equal(result.code, 1)
    assert.match(result.stderr, /--oidc-group-role names roles that do not exist: 'reader' in workspace 'default' \(from data-science=reader\), 'editor' in workspace 'team-a' \(from mlops=editor@team-a\)/)
    assert.doesNotMatch(result.stderr, STACK_FRAME)
  })

  it('refuses an unknown app name and a bad default permission', async () => {
    const app = await orchard(dir.path, ['server', '--port', '0', '--app-name', 'oauth2'])
    assert.equal(app.code, 2)
    assert.match(app.stderr, /Unknown --app-name 'oauth2'/)
    const level = await orchard(dir.path, ['server', '--port', '0', '--app-name', 'basic-auth', '--auth-default-permission', 'ALL'])
    assert.equal(level.code, 2)
    assert.match(level.stderr, /READ, USE, EDIT, MANAGE, NO_PERMISSIONS/)
  })

  it('creates the first admin from the environment, then serves only authenticated requests', async (t) => {
    const server = await startCli(dir.path, ['server', '--port', '0', '--app-name', 'basic-auth'], {
      ORCHARD_ADMIN_USERNAME: 'root',
      ORCHARD_ADMIN_PASSWORD: 'root-password-123',
    })
    t.after(() => server.kill())
    assert.equal((await fetch(`${server.url}/health`)).status, 200)
    const anonymous = await fetch(`${server.url}/api/2.0/mlflow/experiments/search`)
    assert.equal(anonymous.status, 401)
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic/)
    const ok = await fetch(`${server.url}/api/2.0/mlflow/experiments/search`, { headers: { authorization: basic('root', 'root-password-123') } })
    assert.equal(ok.status, 200)
    const me = await fetch(`${server.url}/api/2.0/orchard/users/current`, { headers: { authorization: basic('root', 'root-password-123') } })
    assert.equal(((await me.json()) as { user: { is_admin: boolean } }).user.is_admin, true)
  })

  it('reads the admin and default permission from an MLflow basic_auth.ini given by --auth-config', async (t) => {
    const config = join(dir.path, 'basic_auth.ini')
    await writeFile(config, '[mlflow]\ndefault_permission = NO_PERMISSIONS\nadmin_username = boss\nadmin_password = boss-password-12\n')
    const server = await startCli(dir.path, ['server', '--port', '0', '--app-name', 'basic-auth', '--auth-config', config, '--backend-store-uri', `sqlite:///${join(dir.path, 'other.db')}`])
    t.after(() => server.kill())
    const headers = { authorization: basic('boss', 'boss-password-12'), 'content-type': 'application/json' }
    const created = await fetch(`${server.url}/api/2.0/mlflow/users/create`, { method: 'POST', headers, body: JSON.stringify({ username: 'ann', password: 'ann-password-123' }) })
    assert.equal(created.status, 200)
    // NO_PERMISSIONS by default: ann cannot read the Default experiment
    const denied = await fetch(`${server.url}/api/2.0/mlflow/experiments/get?experiment_id=0`, { headers: { authorization: basic('ann', 'ann-password-123') } })
    assert.equal(denied.status, 403)
  })

  it('serves only the hosts of --allowed-hosts', async (t) => {
    const server = await startCli(dir.path, ['server', '--port', '0', '--allowed-hosts', 'mlflow.example.test'])
    t.after(() => server.kill())
    const port = new URL(server.url).port
    assert.equal(await getWithHost(`${server.url}/health`, `mlflow.example.test:${port}`), 200)
    assert.equal(await getWithHost(`${server.url}/health`, `127.0.0.1:${port}`), 403)
  })

  it('orchard tokens create, list and revoke; the CLI and SDK then use the token', async (t) => {
    const server = await startCli(dir.path, ['server', '--port', '0', '--app-name', 'basic-auth', '--backend-store-uri', `sqlite:///${join(dir.path, 'tokens.db')}`], {
      ORCHARD_ADMIN_USERNAME: 'root',
      ORCHARD_ADMIN_PASSWORD: 'root-password-123',
    })
    t.after(() => server.kill())
    const asRoot = { MLFLOW_TRACKING_URI: server.url, MLFLOW_TRACKING_USERNAME: 'root', MLFLOW_TRACKING_PASSWORD: 'root-password-123' }
    const created = await orchard(dir.path, ['tokens', 'create', '--name', 'laptop', '--expires-in-days', '30', '--json'], asRoot)
    assert.equal(created.code, 0, created.stderr)
    const { token, access_token: info } = JSON.parse(created.stdout) as { token: string; access_token: { token_id: string } }
    assert.match(token, /^orchard_pat_/)
    const withToken = { MLFLOW_TRACKING_URI: server.url, MLFLOW_TRACKING_TOKEN: token }
    const listed = await orchard(dir.path, ['tokens', 'list'], withToken)
    assert.equal(listed.code, 0, listed.stderr)
    assert.match(listed.stdout, new RegExp(`${info.token_id}\\s+laptop\\s+active`))
    assert.ok(!listed.stdout.includes(token))
    const search = await orchard(dir.path, ['experiments', 'search'], withToken)
    assert.equal(search.code, 0, search.stderr)
    assert.match(search.stdout, /Default/)
    const revoked = await orchard(dir.path, ['tokens', 'revoke', info.token_id], asRoot)
    assert.equal(revoked.code, 0, revoked.stderr)
    const after = await orchard(dir.path, ['tokens', 'list'], withToken)
    assert.equal(after.code, 1)
    assert.match(after.stderr, /not authenticated.*MLFLOW_TRACKING_TOKEN/)
    const noServer = await orchard(dir.path, ['tokens', 'list'], { MLFLOW_TRACKING_URI: './mlruns' })
    assert.equal(noServer.code, 2)
    assert.match(noServer.stderr, /talks to a tracking server/)
  })
})
