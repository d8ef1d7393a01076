import assert from 'node:assert/strict'
import { test } from 'node:test'
import { authOptions, parseAuthConfig, securityOptions } from './auth-options.ts'

test('auth is off without --app-name, and its other flags then need it', async () => {
  assert.equal(await authOptions({ appName: undefined, defaultPermission: undefined, configPath: undefined }, {}), undefined)
  await assert.rejects(authOptions({ appName: undefined, defaultPermission: 'READ', configPath: undefined }, {}), /need --app-name basic-auth/)
})

test('the first admin comes from the environment; half of it is an error; READ is the default', async () => {
  const options = await authOptions(
    { appName: 'basic-auth', defaultPermission: undefined, configPath: undefined },
    { ORCHARD_ADMIN_USERNAME: 'root', ORCHARD_ADMIN_PASSWORD: 'root-password-1' },
  )
  assert.deepEqual(options, { defaultPermission: 'READ', initialAdmin: { username: 'root', password: 'root-password-1' } })
  await assert.rejects(authOptions({ appName: 'basic-auth', defaultPermission: undefined, configPath: undefined }, { ORCHARD_ADMIN_USERNAME: 'root' }), /both/)
  const none = await authOptions({ appName: 'basic-auth', defaultPermission: 'NO_PERMISSIONS', configPath: undefined }, {})
  assert.deepEqual(none, { defaultPermission: 'NO_PERMISSIONS' })
})

test("reads MLflow's basic_auth.ini and refuses unknown settings", () => {
  const config = parseAuthConfig(
    '# comment\n[mlflow]\ndefault_permission = EDIT\ndatabase_uri = sqlite:///basic_auth.db\nadmin_username = a\nadmin_password = p\nauth_cache_ttl_seconds = 30\n[other]\nx = y\n',
    'f.ini',
  )
  assert.deepEqual(config, { defaultPermission: 'EDIT', adminUsername: 'a', adminPassword: 'p', cacheTtlSeconds: 30 })
  assert.throws(() => parseAuthConfig('[mlflow]\nadmin_pasword = x\n', 'f.ini'), /f\.ini:2: unknown setting 'admin_pasword'/)
  assert.throws(() => parseAuthConfig('[mlflow]\njunk\n', 'f.ini'), /expected 'key = value'/)
})

test('security flags: comma lists, environment fallback, validated X-Frame-Options', () => {
  assert.deepEqual(securityOptions({}, {}), {})
  assert.deepEqual(securityOptions({ 'allowed-hosts': 'a.example, *.b.example', 'x-frame-options': 'deny' }, {}), {
    allowedHosts: ['a.example', '*.b.example'],
    xFrameOptions: 'DENY',
  })
  assert.deepEqual(securityOptions({}, { MLFLOW_SERVER_ALLOWED_HOSTS: '*' }), { allowedHosts: ['*'] })
  assert.deepEqual(securityOptions({ 'disable-security-middleware': true }, {}), { disabled: true })
  assert.throws(() => securityOptions({ 'x-frame-options': 'ALLOW' }, {}), /SAMEORIGIN, DENY or NONE/)
})
