// The OIDC sign-in cookie (state, nonce, PKCE verifier and the page to return to) is signed with a
// secret the servers on one database share: a cookie changed in the browser, or not made by this
// server, ends the attempt with a clear 400 before anything reaches the provider, and the attempt is
// recorded. A real provider on loopback (no browser needed: the checks come before any page).
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createApp } from '@orchard/server'
import { openStores } from '@orchard/store'
import type { AuthStore, SsoStore, TrackingStore } from '@orchard/store'
import { CLIENT_ID, CLIENT_SECRET, startTestProvider } from './oidc-provider.ts'
import type { TestProvider } from './oidc-provider.ts'

const ORIGIN = 'http://localhost'
const CALLBACK = `${ORIGIN}/auth/oidc/callback`

describe('the signed OIDC sign-in cookie', () => {
  let dir: string
  let provider: TestProvider
  let trackingStore: TrackingStore
  let auth: AuthStore
  let sso: SsoStore
  let app: ReturnType<typeof createApp>
  let replica: ReturnType<typeof createApp>
  let closeReplica: () => Promise<void>

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-oidc-flow-'))
    provider = await startTestProvider(CALLBACK)
    const uri = `sqlite:///${join(dir, 'orchard.db')}`
    const open = async () => {
      const stores = await openStores(uri)
      const server = createApp({
        trackingStore: stores.trackingStore,
        registryStore: stores.registryStore,
        logError: () => undefined,
        auth: {
          store: stores.authStore,
          sso: stores.ssoStore,
          settings: { defaultPermission: 'READ' },
          signIn: { oidc: { issuer: provider.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: CALLBACK } },
        },
      })
      return { stores, server }
    }
    const first = await open()
    ;({ trackingStore, authStore: auth, ssoStore: sso } = first.stores)
    app = first.server
    const second = await open()
    replica = second.server
    closeReplica = () => second.stores.trackingStore.close()
  })
  after(async () => {
    await closeReplica?.()
    await trackingStore?.close()
    await provider?.close()
    await rm(dir, { recursive: true, force: true })
  })

  /** Starts a sign-in: the flow cookie's value and the state sent to the provider. */
  async function start(server = app): Promise<{ cookie: string; state: string }> {
    const reply = await server.request(`${ORIGIN}/auth/oidc/login?next=%2Fmodels`)
    assert.equal(reply.status, 302)
    const cookie = /orchard_oidc=([^;]+)/.exec(reply.headers.get('set-cookie') ?? '')?.[1]
    assert.ok(cookie, 'a flow cookie is set')
    return { cookie, state: new URL(reply.headers.get('location') ?? '').searchParams.get('state') ?? '' }
  }

  const callback = (cookie: string, state: string, server = app) =>
    server.request(`${CALLBACK}?code=not-a-real-code&state=${encodeURIComponent(state)}`, { headers: { cookie: `orchard_oidc=${cookie}` } })

  it('is payload.signature, and a genuine one reaches the code exchange (on this server or another on the same database)', async () => {
    const { cookie, state } = await start()
    assert.match(cookie, /^[\w-]+\.[\w-]{43}$/)
    // The made-up code is refused by the provider: the cookie itself passed.
    const reply = await callback(cookie, state, replica)
    assert.equal(reply.status, 403)
    assert.match(await reply.text(), /Single sign-on failed/)
  })

  it('refuses a cookie whose content was changed (another page to return to), or with its signature removed or forged', async () => {
    const { cookie, state } = await start()
    const [payload, signature] = cookie.split('.') as [string, string]
    const flow = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, string>
    const redirected = Buffer.from(JSON.stringify({ ...flow, next: '//evil.example/' })).toString('base64url')
    const forged = [
      `${redirected}.${signature}`,
      payload, // the unsigned cookie of earlier versions
      `${payload}.${'A'.repeat(43)}`,
      `${payload}.`,
    ]
    const before = (await auth.listEvents({ maxResults: 100 })).length
    for (const value of forged) {
      const reply = await callback(value, state)
      assert.equal(reply.status, 400, value)
      assert.match(await reply.text(), /The sign-in cookie was altered or was not made by this server/)
      assert.equal(reply.headers.get('location'), null, 'no redirect anywhere')
    }
    const events = (await auth.listEvents({ maxResults: 100 })).slice(0, forged.length)
    assert.equal((await auth.listEvents({ maxResults: 100 })).length, before + forged.length)
    assert.ok(events.every((e) => e.action === 'login_failed' && e.target === 'oidc: sign-in cookie failed its signature check'))
  })

  it("signing out of a single sign-on session names the provider's end-session URL, which the provider accepts", async () => {
    const { user } = await sso.signInExternalUser({ subject: `${provider.issuer}|carol`, username: 'carol', groups: [] })
    const signOut = async (via: 'oidc' | 'password') => {
      const secret = await sso.createSession(user.id, via, 60_000)
      const reply = await app.request(`${ORIGIN}/auth/logout`, {
        method: 'POST',
        headers: { cookie: `orchard_session=${secret}`, 'content-type': 'application/json', origin: ORIGIN },
        body: '{}',
      })
      assert.equal(reply.status, 200)
      assert.equal(await sso.findSession(secret), undefined, 'the session is gone here')
      return (await reply.json()) as { logout_url?: string }
    }
    const { logout_url: logoutUrl } = await signOut('oidc')
    assert.ok(logoutUrl, 'an OIDC session signs out at the provider too')
    const url = new URL(logoutUrl)
    const discovered = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as { end_session_endpoint: string }
    assert.equal(`${url.origin}${url.pathname}`, discovered.end_session_endpoint)
    assert.equal(url.searchParams.get('client_id'), CLIENT_ID)
    assert.equal(url.searchParams.get('post_logout_redirect_uri'), `${ORIGIN}/login`)
    // The provider accepts it: its sign-out confirmation page, not an error.
    const page = await fetch(url)
    const html = await page.text()
    assert.equal(page.status, 200, html.slice(0, 300))
    assert.doesNotMatch(html, /error/i)
    // (It checks what it accepts: a return address not registered for Orchard's client is refused.)
    const elsewhere = new URL(url)
    elsewhere.searchParams.set('post_logout_redirect_uri', 'http://evil.example/')
    assert.equal((await fetch(elsewhere)).status, 400)
    // A password session has nothing to end at the provider.
    assert.deepEqual(await signOut('password'), {})
  })

  it('still tells a missing cookie apart (the sign-in was not started here)', async () => {
    const reply = await app.request(`${CALLBACK}?code=x&state=y`)
    assert.equal(reply.status, 400)
    assert.match(await reply.text(), /This sign-in was not started here/)
  })
})
