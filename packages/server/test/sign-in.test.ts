// The UI's sign-in with access control on: the password form's session cookie, signing out, where
// signed-out browsers are sent, the grant lists of the permissions tabs, and single sign-on users in
// the store (created once, tied to their IdP subject, never taking over an existing account), on
// SQLite and PostgreSQL.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { openStores } from '@orchard/store'
import type { AuthStore, SsoStore, TrackingStore } from '@orchard/store'
import { testDatabase } from '@orchard/store/testing'
import { createApp } from '../src/app.ts'
import { ensureAdmin } from '../src/auth/bootstrap.ts'
import { safeNext } from '../src/auth/sign-in.ts'

const ADMIN = { username: 'admin', password: 'admin-password-123' }
const ORIGIN = 'http://127.0.0.1:5000'

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`UI sign-in (${backend})`, () => {
    let dir: string
    let database: ReturnType<typeof testDatabase> | undefined
    let trackingStore: TrackingStore
    let authStore: AuthStore
    let ssoStore: SsoStore
    let clock = Date.now()
    let app: ReturnType<typeof createApp>

    const request = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
      app.request(`${ORIGIN}${path}`, { ...init, headers: { host: '127.0.0.1:5000', ...init.headers } })

    const login = async (username: string, password: string) =>
      request('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN }, body: JSON.stringify({ username, password }) })

    const cookieOf = (response: Response) => /orchard_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1]

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'orchard-sign-in-'))
      database = backend === 'postgres' ? testDatabase('orchard_sign_in') : undefined
      await database?.create()
      const stores = await openStores(database ? database.url : `sqlite:///${join(dir, 'orchard.db')}`, { defaultArtifactRoot: 'mlflow-artifacts:/', now: () => clock })
      ;({ trackingStore, authStore, ssoStore } = stores)
      await ensureAdmin(authStore, ADMIN)
      await authStore.createUser('reader', 'reader-password-1')
      app = createApp({
        trackingStore,
        registryStore: stores.registryStore,
        artifactsDestination: join(dir, 'artifacts'),
        auth: { store: authStore, sso: ssoStore, settings: { defaultPermission: 'READ', now: () => clock, credentialCacheMs: 0 }, signIn: { sessionTtlMs: 60_000 } },
      })
    })

    after(async () => {
      await trackingStore?.close()
      await database?.drop()
      await rm(dir, { recursive: true, force: true })
    })

    test('a password sign-in sets an HttpOnly, SameSite=Lax session cookie that the API accepts, until sign-out', async () => {
      const response = await login(ADMIN.username, ADMIN.password)
      assert.equal(response.status, 200)
      assert.deepEqual(await response.json(), { user: { username: 'admin', is_admin: true } })
      const setCookie = response.headers.get('set-cookie') ?? ''
      assert.match(setCookie, /HttpOnly/)
      assert.match(setCookie, /SameSite=Lax/)
      assert.match(setCookie, /Max-Age=60/)
      const cookie = cookieOf(response)
      assert.ok(cookie?.startsWith('orchard_ses_'))
      const current = await request('/api/2.0/orchard/users/current', { headers: { cookie: `orchard_session=${cookie}` } })
      assert.equal(current.status, 200, await current.clone().text())
      assert.equal(((await current.json()) as { user: { username: string } }).user.username, 'admin')
      const config = (await (await request('/auth/config', { headers: { cookie: `orchard_session=${cookie}` } })).json()) as Record<string, unknown>
      assert.deepEqual(config, { password: true, oidc: false, user: { username: 'admin', is_admin: true } })

      const out = await request('/auth/logout', { method: 'POST', headers: { cookie: `orchard_session=${cookie}`, origin: ORIGIN, 'content-type': 'application/json' }, body: '{}' })
      assert.equal(out.status, 200)
      assert.match(out.headers.get('set-cookie') ?? '', /orchard_session=;.*Max-Age=0/)
      const after = await request('/api/2.0/orchard/users/current', { headers: { cookie: `orchard_session=${cookie}` } })
      assert.equal(after.status, 401)
    })

    test('a wrong password gets 401 and no cookie; a malformed body 400; a cross-site sign-in form is refused', async () => {
      const wrong = await login('reader', 'not-the-password')
      assert.equal(wrong.status, 401)
      assert.equal(cookieOf(wrong), undefined)
      assert.equal(((await wrong.json()) as { error_code: string }).error_code, 'UNAUTHENTICATED')
      const malformed = await request('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'not json' })
      assert.equal(malformed.status, 400)
      assert.equal(((await malformed.json()) as { error_code: string }).error_code, 'INVALID_PARAMETER_VALUE')
      const csrf = await request('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
        body: 'username=admin&password=x',
      })
      assert.equal(csrf.status, 403)
    })

    test('sessions expire', async () => {
      const cookie = cookieOf(await login('reader', 'reader-password-1'))
      const headers = { cookie: `orchard_session=${cookie}` }
      assert.equal((await request('/api/2.0/orchard/users/current', { headers })).status, 200)
      clock += 61_000
      assert.equal((await request('/api/2.0/orchard/users/current', { headers })).status, 401)
    })

    test('signed out: pages redirect to /login, the page’s fetches get 401 without a Basic challenge, clients get the challenge', async () => {
      const page = await request('/experiments/0?filter=x', { headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' } })
      assert.equal(page.status, 302)
      assert.equal(page.headers.get('location'), `/login?next=${encodeURIComponent('/experiments/0?filter=x')}`)
      const fromPage = await request('/api/2.0/mlflow/experiments/search?max_results=1', { headers: { 'sec-fetch-mode': 'same-origin', 'sec-fetch-site': 'same-origin' } })
      assert.equal(fromPage.status, 401)
      assert.equal(fromPage.headers.get('www-authenticate'), null)
      // Node's fetch sends Sec-Fetch-Mode: cors (and no Sec-Fetch-Site): a client, challenged.
      for (const headers of [{}, { 'sec-fetch-mode': 'cors' }] as Record<string, string>[]) {
        const client = await request('/api/2.0/mlflow/experiments/search?max_results=1', { headers })
        assert.equal(client.status, 401)
        assert.match(client.headers.get('www-authenticate') ?? '', /^Basic/)
      }
      // The sign-in page itself, and what it needs, load without a session.
      assert.notEqual((await request('/login', { headers: { accept: 'text/html' } })).status, 302)
      assert.deepEqual(await (await request('/auth/config')).json(), { password: true, oidc: false })
      const sso = await request('/auth/oidc/login')
      assert.equal(sso.status, 400)
      assert.match(await sso.text(), /not configured/)
    })

    test('the permissions tab lists every grant to MANAGE holders and admins, and refuses readers', async () => {
      const experimentId = await trackingStore.createExperiment({ name: `grants-${backend}` })
      await authStore.createUser('manager', 'manager-password')
      await authStore.createExperimentPermission(experimentId, 'manager', 'MANAGE')
      await authStore.createExperimentPermission(experimentId, 'reader', 'READ')
      const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` })
      const path = `/api/2.0/orchard/experiments/permissions/list?experiment_id=${experimentId}`
      const listed = await request(path, { headers: basic('manager', 'manager-password') })
      assert.equal(listed.status, 200)
      assert.deepEqual(await listed.json(), {
        permissions: [
          { username: 'manager', permission: 'MANAGE' },
          { username: 'reader', permission: 'READ' },
        ],
      })
      assert.equal((await request(path, { headers: basic('reader', 'reader-password-1') })).status, 403)
      assert.equal((await request(path, { headers: basic(ADMIN.username, ADMIN.password) })).status, 200)
      await authStore.createRegisteredModelPermission('m1', 'manager', 'EDIT')
      const models = await request('/api/2.0/orchard/registered-models/permissions/list?name=m1', { headers: basic(ADMIN.username, ADMIN.password) })
      assert.deepEqual(await models.json(), { permissions: [{ username: 'manager', permission: 'EDIT' }] })
    })

    test('single sign-on users: created once per subject, groups and admin flag refreshed, no password, never an existing account', async () => {
      const first = await ssoStore.signInExternalUser({ subject: 'https://idp|123', username: 'carol', groups: ['a', 'b'] })
      assert.equal(first.created, true)
      assert.equal(first.user.isAdmin, false)
      assert.deepEqual(await ssoStore.userGroups(first.user.id), ['a', 'b'])
      const again = await ssoStore.signInExternalUser({ subject: 'https://idp|123', username: 'carol-renamed', groups: ['c'], isAdmin: true })
      assert.equal(again.created, false)
      assert.deepEqual(again.user, { id: first.user.id, username: 'carol', isAdmin: true })
      assert.deepEqual(await ssoStore.userGroups(first.user.id), ['c'])
      // No password signs in as an SSO user.
      assert.equal(await authStore.authenticatePassword('carol', '!sso'), undefined)
      await assert.rejects(ssoStore.signInExternalUser({ subject: 'https://idp|999', username: 'admin', groups: [] }), { code: 'PERMISSION_DENIED' })
      await assert.rejects(ssoStore.signInExternalUser({ subject: 'https://idp|998', username: 'has space', groups: [] }), { code: 'PERMISSION_DENIED' })
      assert.equal((await authStore.getUser('admin')).isAdmin, true)
      // Groups take admin away again, but never from the last admin.
      assert.equal((await ssoStore.signInExternalUser({ subject: 'https://idp|123', username: 'carol', groups: [], isAdmin: false })).user.isAdmin, false)
      const admins = await authStore.listUsers()
      for (const user of admins) if (user.isAdmin && user.username !== 'admin') await authStore.updateAdmin(user.username, false)
      await authStore.updateAdmin('carol', true)
      await authStore.updateAdmin('admin', false)
      assert.equal((await ssoStore.signInExternalUser({ subject: 'https://idp|123', username: 'carol', groups: [], isAdmin: false })).user.isAdmin, true)
      await authStore.updateAdmin('admin', true)
    })
  })
}

test('safeNext keeps paths on this site only', () => {
  assert.equal(safeNext('/experiments/1?x=2'), '/experiments/1?x=2')
  for (const bad of ['//evil.example/x', '/\\evil.example', 'https://evil.example', '', undefined, '/a\r\nb']) assert.equal(safeNext(bad), '/')
})
