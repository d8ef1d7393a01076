// The UI with access control on, in Chromium against a real server: the password sign-in page, the
// user menu's access tokens (created and shown once, listed, revoked, and working as bearer tokens
// until revoked), the permissions tabs of an experiment and a registered model (grant, change,
// revoke through MLflow's endpoints; shown to admins and MANAGE holders only), and signing out.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { ADMIN, openAuthUiServer, signInWithPassword } from './auth-ui-server.ts'
import type { AuthUiServer } from './auth-ui-server.ts'
import { SCREENSHOTS, launchBrowser, newPage } from './browser.ts'

describe('sign-in, access tokens and permissions tabs in Chromium', () => {
  let server: AuthUiServer
  let browser: Browser
  let experimentId: string

  before(async () => {
    ;[server, browser] = await Promise.all([openAuthUiServer(), launchBrowser()])
    await server.start()
    experimentId = await server.store.createExperiment({ name: 'shared-exp' })
    await server.registry.createRegisteredModel({ name: 'shared-model' })
    await server.auth.createUser('dana', 'dana-password-1')
    await server.auth.createUser('eve', 'eve-password-12')
    await server.auth.createExperimentPermission(experimentId, 'dana', 'MANAGE')
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  const signIn = (page: Page, username: string, password: string, path = '/') => signInWithPassword(page, `${server.url}${path}`, username, password)

  it('refuses a wrong password on the sign-in page, then signs in and returns to the page asked for', async () => {
    const page = await newPage(browser)
    try {
      await page.goto(`${server.url}/experiments/${experimentId}`)
      await page.waitForURL(new RegExp(`/login\\?next=%2Fexperiments%2F${experimentId}$`))
      await page.getByRole('heading', { name: 'Sign in to Orchard' }).waitFor()
      // No SSO configured: no SSO button.
      assert.equal(await page.getByRole('link', { name: 'Sign in with single sign-on' }).count(), 0)
      await page.getByLabel('User name').fill('dana')
      await page.getByLabel('Password').fill('wrong-password-00')
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.getByRole('alert').filter({ hasText: 'Wrong user name or password.' }).waitFor()
      await page.getByLabel('Password').fill('dana-password-1')
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.waitForURL(`${server.url}/experiments/${experimentId}`)
      await page.getByRole('heading', { name: 'shared-exp' }).waitFor()
    } finally {
      await page.context().close()
    }
  })

  it('creates an access token shown once, lists it, and revokes it; the token works until revoked', async () => {
    const page = await newPage(browser)
    try {
      await signIn(page, 'eve', 'eve-password-12')
      await page.getByRole('button', { name: 'Account: eve' }).click()
      await page.getByRole('menuitem', { name: 'Access tokens' }).click()
      const dialog = page.getByRole('dialog', { name: 'Access tokens' })
      await dialog.getByText('No tokens yet.').waitFor()
      await dialog.getByLabel('Name').fill('laptop')
      await dialog.getByRole('button', { name: 'Create token' }).click()
      const secret = await dialog.getByLabel('New token').inputValue()
      assert.match(secret, /^orchard_pat_/)
      await dialog.locator('table[aria-label="Your access tokens"] tbody tr', { hasText: 'laptop' }).waitFor()
      await page.screenshot({ path: `${SCREENSHOTS}access-tokens.png` })
      const whoAmI = () => fetch(`${server.url}/api/2.0/orchard/users/current`, { headers: { authorization: `Bearer ${secret}` } })
      assert.equal((await whoAmI()).status, 200)
      // Closed and opened again, the secret is gone: it was shown once.
      await dialog.getByRole('button', { name: 'Close' }).click()
      await page.getByRole('button', { name: 'Account: eve' }).click()
      await page.getByRole('menuitem', { name: 'Access tokens' }).click()
      await dialog.locator('tbody tr', { hasText: 'laptop' }).waitFor()
      assert.equal(await dialog.getByLabel('New token').count(), 0)
      assert.equal(await page.content().then((html) => html.includes(secret)), false)
      await dialog.getByRole('button', { name: 'Revoke laptop' }).click()
      await dialog.locator('tbody tr', { hasText: 'laptop' }).getByText('revoked').waitFor()
      assert.equal((await whoAmI()).status, 401)
    } finally {
      await page.context().close()
    }
  })

  it('grants, changes and revokes permissions on an experiment from its permissions tab (MANAGE holder)', async () => {
    const page = await newPage(browser)
    try {
      await signIn(page, 'dana', 'dana-password-1', `/experiments/${experimentId}`)
      await page.getByRole('link', { name: 'Permissions' }).click()
      await page.waitForURL(`${server.url}/experiments/${experimentId}/permissions`)
      const grants = page.locator('table[aria-label="Grants"]')
      await grants.locator('tr[data-user="dana"]').waitFor()
      const form = page.getByRole('form', { name: 'Grant a permission' })
      await form.getByLabel('User name').fill('eve')
      await form.getByLabel('Permission').selectOption('EDIT')
      await form.getByRole('button', { name: 'Grant' }).click()
      await grants.locator('tr[data-user="eve"]').waitFor()
      assert.equal((await server.auth.getExperimentPermission(experimentId, 'eve')).permission, 'EDIT')
      await page.getByLabel('Permission of eve').selectOption('READ')
      await page.waitForFunction(() => (document.querySelector('select[aria-label="Permission of eve"]') as HTMLSelectElement | null)?.disabled === false)
      assert.equal((await server.auth.getExperimentPermission(experimentId, 'eve')).permission, 'READ')
      await page.screenshot({ path: `${SCREENSHOTS}permissions.png` })
      // A grant for a user who does not exist: MLflow's refusal, shown in place.
      await form.getByLabel('User name').fill('nobody')
      await form.getByRole('button', { name: 'Grant' }).click()
      await page.getByRole('alert').filter({ hasText: 'User with username=nobody not found' }).waitFor()
      await page.getByRole('button', { name: 'Revoke eve' }).click()
      await grants.locator('tr[data-user="eve"]').waitFor({ state: 'detached' })
      await assert.rejects(server.auth.getExperimentPermission(experimentId, 'eve'), { code: 'RESOURCE_DOES_NOT_EXIST' })
    } finally {
      await page.context().close()
    }
  })

  it('hides the permissions tab from users without MANAGE, and the server refuses them', async () => {
    const page = await newPage(browser)
    try {
      await signIn(page, 'eve', 'eve-password-12', `/experiments/${experimentId}`)
      await page.getByRole('heading', { name: 'shared-exp' }).waitFor()
      await page.waitForLoadState('networkidle')
      assert.equal(await page.getByRole('link', { name: 'Permissions' }).count(), 0)
      await page.goto(`${server.url}/experiments/${experimentId}/permissions`)
      await page.getByRole('alert').filter({ hasText: 'Permission denied' }).waitFor()
    } finally {
      await page.context().close()
    }
  })

  it('sends the page to the sign-in page when its session ends while it is open', async () => {
    const page = await newPage(browser)
    try {
      await signIn(page, 'eve', 'eve-password-12', '/models')
      await page.getByText('shared-model').waitFor()
      // The session ends on the server (signed out from another tab); the browser still holds the cookie.
      const cookie = (await page.context().cookies(server.url)).find((c) => c.name === 'orchard_session')!
      const out = await fetch(`${server.url}/auth/logout`, { method: 'POST', headers: { cookie: `orchard_session=${cookie.value}`, 'content-type': 'application/json' }, body: '{}' })
      assert.equal(out.status, 200)
      // The next API call of the page gets 401: to the sign-in page, without the browser's Basic dialog.
      await page.getByRole('link', { name: 'shared-model' }).click()
      await page.waitForURL(/\/login\?next=%2Fmodels%2Fshared-model$/)
      await page.getByRole('heading', { name: 'Sign in to Orchard' }).waitFor()
    } finally {
      await page.context().close()
    }
  })

  it('lets an admin manage a registered model’s permissions, then signs out', async () => {
    const page = await newPage(browser)
    try {
      await signIn(page, ADMIN.username, ADMIN.password, '/models/shared-model')
      await page.getByRole('link', { name: 'Permissions' }).click()
      await page.waitForURL(`${server.url}/models/shared-model/permissions`)
      await page.getByText('No one has a grant here').waitFor()
      const form = page.getByRole('form', { name: 'Grant a permission' })
      await form.getByLabel('User name').fill('dana')
      await form.getByLabel('Permission').selectOption('MANAGE')
      await form.getByRole('button', { name: 'Grant' }).click()
      await page.locator('tr[data-user="dana"]').waitFor()
      assert.equal((await server.auth.getRegisteredModelPermission('shared-model', 'dana')).permission, 'MANAGE')
      await page.getByRole('button', { name: `Account: ${ADMIN.username}` }).click()
      await page.getByRole('menuitem', { name: 'Sign out' }).click()
      await page.waitForURL(`${server.url}/login`)
      // The old session is gone: pages send the browser back to sign in.
      await page.goto(`${server.url}/models`)
      await page.waitForURL(/\/login\?next=%2Fmodels$/)
    } finally {
      await page.context().close()
    }
  })
})
