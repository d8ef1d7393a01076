// Single sign-on in headless Chromium against a real OpenID Connect provider on loopback
// (oidc-provider): the sign-in page's SSO button, the provider's own sign-in and consent pages, and
// back to Orchard signed in, the user created with its IdP groups (admin from --oidc-admin-groups),
// and IdP groups mapped to roles (--oidc-group-role) at each sign-in.
// Then the refusals: an ID token whose claims were changed in transit (its signature no longer
// matches the provider's JWKS), an expired ID token (Orchard's clock ahead of its expiry), and a
// callback whose state is not the one this browser was sent with. Signing out ends the session at the
// provider too (RP-initiated logout).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { openAuthUiServer } from './auth-ui-server.ts'
import type { AuthUiServer } from './auth-ui-server.ts'
import { SCREENSHOTS, launchBrowser, newPage } from './browser.ts'
import type { OidcSettings } from '@orchard/server'
import { CLIENT_ID, CLIENT_SECRET, GROUPS, changeClaim, startTestProvider } from './oidc-provider.ts'
import type { TestProvider } from './oidc-provider.ts'

const HOUR_MS = 3_600_000

describe('single sign-on in Chromium against a loopback OpenID provider', () => {
  let orchard: AuthUiServer
  let provider: TestProvider
  let browser: Browser
  // Orchard's clock: moved ahead to see an expired ID token refused.
  let skewMs = 0

  const settings = (issuer: string): OidcSettings => ({
    issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scopes: ['openid', 'profile', 'email', 'groups'],
    adminGroups: ['orchard-admins'],
    groupRoles: [
      { group: 'ml-readers', role: 'ds-reader' },
      { group: 'ml-readers', role: 'ds-writer' },
    ],
  })

  before(async () => {
    ;[orchard, browser] = await Promise.all([openAuthUiServer(), launchBrowser()])
    provider = await startTestProvider(`${orchard.url}/auth/oidc/callback`)
    // A mapping to a role that does not exist refuses to start, naming it.
    await assert.rejects(orchard.start(async () => settings(provider.issuer)), /--oidc-group-role names roles that do not exist: 'ds-reader' in workspace 'default' \(from ml-readers=ds-reader\), 'ds-writer'/)
    for (const name of ['ds-reader', 'ds-writer', 'hand-picked']) await orchard.auth.createRole('default', name)
    await orchard.start(async () => settings(provider.issuer), () => Date.now() + skewMs)
  })

  after(async () => {
    await browser?.close()
    await provider?.close()
    await orchard?.close()
  })

  /** From a signed-out page to the provider's pages, signing in there as `user`. */
  async function signInAtProvider(page: Page, user: string): Promise<void> {
    // The provider's development pages import a web font; this machine has no internet to wait for.
    await page.context().route('https://fonts.googleapis.com/**', (route) => route.abort())
    await page.goto(`${orchard.url}/models`)
    // Signed out, Orchard sends the browser to its sign-in page, remembering where it was going.
    await page.waitForURL(/\/login\?next=%2Fmodels$/)
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click()
    await page.waitForURL((url) => url.origin === provider.issuer)
    await page.locator('input[name=login]').fill(user)
    await page.locator('input[name=password]').fill('any password')
    await page.getByRole('button', { name: 'Sign-in' }).click()
    await page.getByRole('button', { name: 'Continue' }).click()
  }

  const sessionCookie = async (page: Page) => (await page.context().cookies(orchard.url)).find((c) => c.name === 'orchard_session')

  it('signs in through the provider, lands where it was going, and creates the user with its groups', async () => {
    const page = await newPage(browser)
    try {
      await page.goto(`${orchard.url}/login`)
      await page.getByRole('heading', { name: 'Sign in to Orchard' }).waitFor()
      await page.screenshot({ path: `${SCREENSHOTS}login.png` })
      assert.equal(await orchard.auth.findUser('alice'), undefined)
      await signInAtProvider(page, 'alice')
      await page.waitForURL(`${orchard.url}/models`)
      await page.getByRole('button', { name: 'Account: alice' }).waitFor()
      const cookie = await sessionCookie(page)
      assert.ok(cookie, 'a session cookie')
      assert.equal(cookie.httpOnly, true)
      assert.equal(cookie.sameSite, 'Lax')
      const alice = await orchard.auth.getUser('alice')
      // In orchard-admins at the provider: an admin here.
      assert.equal(alice.isAdmin, true)
      const events = await orchard.auth.listEvents({ maxResults: 10, username: 'alice' })
      assert.deepEqual(events.map((e) => e.action).slice(0, 2), ['login', 'user_created'])
      // The UI's API calls go through with the session.
      await page.getByText('No registered models yet.').waitFor()
    } finally {
      await page.context().close()
    }
  })

  it('a user outside the admin groups is created without admin, and SDK tokens still work for them', async () => {
    const page = await newPage(browser)
    try {
      await signInAtProvider(page, 'bob')
      await page.waitForURL(`${orchard.url}/models`)
      await page.getByRole('button', { name: 'Account: bob' }).waitFor()
      const bob = await orchard.auth.getUser('bob')
      assert.equal(bob.isAdmin, false)
      assert.deepEqual(GROUPS.bob, ['data-science'])
      // The CLI and SDK use tokens: one made for the SSO user authenticates as them.
      const { secret } = await orchard.auth.createToken(bob.id, 'sdk')
      const reply = await fetch(`${orchard.url}/api/2.0/orchard/users/current`, { headers: { authorization: `Bearer ${secret}` } })
      assert.equal(reply.status, 200)
      assert.equal(((await reply.json()) as { user: { username: string } }).user.username, 'bob')
    } finally {
      await page.context().close()
    }
  })

  it('maps IdP groups to roles at each sign-in: added while the IdP lists the group, removed after, hand-made assignments kept', async () => {
    const roleNames = async () => (await orchard.auth.listUserRoles('carol')).map((role) => role.name).sort()
    const signInAsCarol = async () => {
      const page = await newPage(browser)
      try {
        await signInAtProvider(page, 'carol')
        await page.waitForURL(`${orchard.url}/models`)
        await page.getByRole('button', { name: 'Account: carol' }).waitFor()
      } finally {
        await page.context().close()
      }
    }
    GROUPS.carol = ['ml-readers']
    try {
      await signInAsCarol()
      assert.deepEqual(await roleNames(), ['ds-reader', 'ds-writer'])
      // An admin assigns one role by hand and takes over another the mapping had granted.
      const byHand = await orchard.auth.listRoles('default')
      const idOf = (name: string) => byHand.find((role) => role.name === name)!.id
      await orchard.auth.assignRole('carol', idOf('hand-picked'))
      await orchard.auth.assignRole('carol', idOf('ds-writer'))
      // The IdP no longer lists the group: the next sign-in takes away only what the mapping granted.
      GROUPS.carol = []
      await signInAsCarol()
      assert.deepEqual(await roleNames(), ['ds-writer', 'hand-picked'])
      const actions = (await orchard.auth.listEvents({ maxResults: 20, username: 'carol' })).map((e) => `${e.action} ${e.target}`)
      assert.ok(actions.includes(`role_unassigned role ${idOf('ds-reader')} from carol (no longer in its IdP group)`), actions.join('\n'))
      assert.ok(actions.includes(`role_assigned role ${idOf('ds-reader')} to carol (IdP group ml-readers)`), actions.join('\n'))
      // Back in the group, the role comes back at the next sign-in.
      GROUPS.carol = ['ml-readers']
      await signInAsCarol()
      assert.deepEqual(await roleNames(), ['ds-reader', 'ds-writer', 'hand-picked'])
    } finally {
      delete GROUPS.carol
    }
  })

  it('refuses an ID token changed in transit: its signature does not verify against the JWKS', async () => {
    const page = await newPage(browser)
    provider.tamper = (idToken) => changeClaim(idToken, 'preferred_username', 'admin')
    try {
      await signInAtProvider(page, 'mallory')
      await page.getByRole('heading', { name: 'Sign-in failed' }).waitFor()
      assert.match((await page.getByRole('alert').textContent()) ?? '', /Single sign-on failed: .*JWT signature verification failed/)
      assert.equal(await sessionCookie(page), undefined)
      assert.equal(await orchard.auth.findUser('mallory'), undefined)
      assert.equal((await orchard.auth.getUser('admin')).isAdmin, true)
    } finally {
      provider.tamper = undefined
      await page.context().close()
    }
  })

  it('refuses an expired ID token', async () => {
    const page = await newPage(browser)
    // The provider's ID tokens last an hour: two hours on, Orchard's clock is past this one's expiry.
    skewMs = 2 * HOUR_MS
    try {
      await signInAtProvider(page, 'erin')
      await page.getByRole('heading', { name: 'Sign-in failed' }).waitFor()
      assert.match((await page.getByRole('alert').textContent()) ?? '', /Single sign-on failed: .*("exp"|expired|timestamp)/i)
      assert.equal(await sessionCookie(page), undefined)
      assert.equal(await orchard.auth.findUser('erin'), undefined)
    } finally {
      skewMs = 0
      await page.context().close()
    }
  })

  it('refuses a callback whose state is not the one this browser started with', async () => {
    const page = await newPage(browser)
    provider.forgeState = 'not-the-state-orchard-sent'
    try {
      await signInAtProvider(page, 'frank')
      await page.getByRole('heading', { name: 'Sign-in failed' }).waitFor()
      assert.match((await page.getByRole('alert').textContent()) ?? '', /Single sign-on failed: .*"state"/)
      assert.equal(await sessionCookie(page), undefined)
      assert.equal(await orchard.auth.findUser('frank'), undefined)
      // The attempt is used up: reloading the callback finds no sign-in in progress.
      await page.reload()
      await page.getByText('This sign-in was not started here').waitFor()
    } finally {
      provider.forgeState = undefined
      await page.context().close()
    }
  })

  it('signing out ends the session here and at the provider, then comes back to the sign-in page', async () => {
    const page = await newPage(browser)
    try {
      await signInAtProvider(page, 'erin')
      await page.waitForURL(`${orchard.url}/models`)
      await page.getByRole('button', { name: 'Account: erin' }).click()
      await page.getByRole('menuitem', { name: 'Sign out' }).click()
      // RP-initiated logout: the provider's end_session_endpoint asks to confirm, then sends the browser back.
      await page.waitForURL((url) => url.origin === provider.issuer && url.pathname.startsWith('/session/end'))
      assert.equal(await sessionCookie(page), undefined, 'the session here is gone before the provider is asked')
      await page.getByRole('button', { name: 'Yes, sign me out' }).click()
      await page.waitForURL(`${orchard.url}/login`)
      // Signed out at the provider too: single sign-on asks for the user again instead of passing straight through.
      await page.goto(`${orchard.url}/auth/oidc/login`)
      await page.waitForURL((url) => url.origin === provider.issuer)
      await page.locator('input[name=login]').waitFor()
    } finally {
      await page.context().close()
    }
  })

  it('records failed single sign-ons in the audit trail', async () => {
    const failed = (await orchard.auth.listEvents({ maxResults: 50 })).filter((e) => e.action === 'login_failed' && e.target?.startsWith('oidc'))
    assert.ok(failed.length >= 3, `three refused sign-ins recorded, got ${failed.length}`)
  })
})
