import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Context, Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { OrchardError, isOrchardError } from '@orchard/protocol/base'
import type { AuthStore, SsoStore } from '@orchard/store'
import type { Authenticator, Principal } from './authenticate.ts'
import { clientAddress } from './authenticate.ts'
import { applyGroupRoles } from './group-roles.ts'
import { OidcClient } from './oidc.ts'
import type { OidcFlow } from './oidc.ts'
import { DEFAULT_SESSION_TTL_MS, OIDC_FLOW_TTL_S } from './sign-in-settings.ts'
import type { SignInSettings } from './sign-in-settings.ts'

// The web UI's sign-in (with `--app-name basic-auth`): a password form and, with --oidc-issuer, single
// sign-on. Either ends in a session cookie: HttpOnly (no script reads it), SameSite=Lax (a page on
// another site cannot send it with a POST; the provider's redirect back, a top-level GET, does), Secure
// on https. Writes from the UI are also checked by the security middleware's Origin rule (CSRF).

export const SESSION_COOKIE = 'orchard_session'
const FLOW_COOKIE = 'orchard_oidc'
const CALLBACK_PATH = '/auth/oidc/callback'
/** Paths anyone may load with sign-in on: the sign-in page and the files it is built from. */
const PUBLIC_PREFIXES = ['/auth/', '/assets/']
const PUBLIC_PATHS = new Set(['/login', '/favicon.svg'])
const MAX_LOGIN_BODY_BYTES = 8192

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

/** A page on this server to return to: a path, never `//host` or another origin. */
export function safeNext(value: string | undefined | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\r\n]/.test(value)) return '/'
  return value
}

// Secure cookies when the browser speaks https to us or to the TLS proxy in front (which says so in
// X-Forwarded-Proto). A forged header can only add the Secure flag, never remove it.
const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https'

function errorPage(c: Context, status: 400 | 403 | 503, message: string): Response {
  return c.html(
    `<!doctype html><meta charset="utf-8"><title>Sign-in failed · Orchard</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>Sign-in failed</h1><p role="alert">${escapeHtml(message)}</p><p><a href="/login">Back to sign-in</a></p></body>`,
    status,
    { 'cache-control': 'no-store' },
  )
}

// The flow cookie carries the state, nonce and PKCE verifier of a sign-in and the page to return to.
// It is signed (HMAC-SHA256 with a secret the servers on this database share), so that no one can
// plant a flow of their own in a victim's browser (login CSRF with the attacker's verifier) or steer
// the redirect after sign-in; a cookie that fails the check ends the attempt with a clear error.
const FLOW_SECRET = 'oidc-flow-cookie'

const flowSignature = (payload: string, key: string) => createHmac('sha256', key).update(payload).digest('base64url')

function encodeFlow(flow: OidcFlow, key: string): string {
  const payload = Buffer.from(JSON.stringify(flow)).toString('base64url')
  return `${payload}.${flowSignature(payload, key)}`
}

/** The flow of a cookie, 'missing' without one, 'tampered' when its signature or shape is wrong. */
function decodeFlow(value: string | undefined, key: string): OidcFlow | 'missing' | 'tampered' {
  if (!value) return 'missing'
  const dot = value.lastIndexOf('.')
  if (value.length > 4096 || dot < 0) return 'tampered'
  const [payload, signature] = [value.slice(0, dot), Buffer.from(value.slice(dot + 1))]
  const expected = Buffer.from(flowSignature(payload, key))
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return 'tampered'
  try {
    const flow = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<OidcFlow>
    const strings = [flow.state, flow.nonce, flow.codeVerifier, flow.next]
    // `next` was checked when the flow started; checked again, as a redirect target should be.
    return strings.every((s) => typeof s === 'string' && s) ? { ...(flow as OidcFlow), next: safeNext(flow.next) } : 'tampered'
  } catch {
    return 'tampered'
  }
}

export class SignIn {
  private readonly oidc: OidcClient | undefined
  private readonly ttlMs: number
  private flowKey: Promise<string> | undefined

  constructor(
    private readonly store: AuthStore,
    private readonly sso: SsoStore,
    private readonly settings: SignInSettings,
    now: () => number = Date.now,
  ) {
    this.oidc = settings.oidc && new OidcClient(settings.oidc, now)
    this.ttlMs = settings.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS
  }

  /** The sign-in page, its assets and the sign-in endpoints need no session. */
  isPublic(path: string): boolean {
    return PUBLIC_PATHS.has(path) || PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix))
  }

  hasSessionCookie(c: Context): boolean {
    return getCookie(c, SESSION_COOKIE) !== undefined
  }

  /** The signed-in user of a request carrying a live session cookie (remembered by `authenticator`, when given). */
  async principal(c: Context, authenticator?: Authenticator): Promise<Principal | undefined> {
    const secret = getCookie(c, SESSION_COOKIE)
    if (!secret) return undefined
    if (authenticator) return authenticator.session(secret, (value) => this.sso.findSession(value))
    const session = await this.sso.findSession(secret)
    return session && { user: session.user, via: 'session' }
  }

  private async startSession(c: Context, userId: number, via: 'password' | 'oidc'): Promise<void> {
    const secret = await this.sso.createSession(userId, via, this.ttlMs)
    setCookie(c, SESSION_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c), maxAge: Math.floor(this.ttlMs / 1000) })
  }

  /** The key signing flow cookies, read from the store once (and again after a failed read). */
  private flowCookieKey(): Promise<string> {
    this.flowKey ??= this.sso.serverSecret(FLOW_SECRET).catch((error: unknown) => {
      this.flowKey = undefined
      throw error
    })
    return this.flowKey
  }

  private async providerLogoutUrl(c: Context): Promise<string | undefined> {
    try {
      // Back to this server's sign-in page (register it at the provider as a post-logout redirect URI).
      return (await this.oidc?.endSessionUrl(new URL('/login', this.redirectUri(c)).toString()))?.toString()
    } catch {
      return undefined
    }
  }

  private redirectUri(c: Context): string {
    return this.settings.oidc?.redirectUri ?? new URL(CALLBACK_PATH, c.req.url).toString()
  }

  register(app: Hono, authenticator: Authenticator): void {
    // What the sign-in page offers, and who is signed in (undefined before sign-in).
    app.get('/auth/config', async (c) => {
      const principal = await this.principal(c)
      return c.json({
        password: true,
        oidc: this.oidc !== undefined,
        ...(principal ? { user: { username: principal.user.username, is_admin: principal.user.isAdmin } } : {}),
      })
    })

    app.post('/auth/login', async (c) => {
      const text = await c.req.text()
      let body: { username?: unknown; password?: unknown } = {}
      try {
        if (text.length <= MAX_LOGIN_BODY_BYTES) body = JSON.parse(text) as typeof body
      } catch {
        // Answered below as missing fields.
      }
      if (typeof body !== 'object' || body === null || typeof body.username !== 'string' || typeof body.password !== 'string' || !body.username) {
        throw new OrchardError('INVALID_PARAMETER_VALUE', 'Send a JSON body with username and password.')
      }
      const authorization = `Basic ${Buffer.from(`${body.username}:${body.password}`).toString('base64')}`
      const principal = await authenticator.authenticate(authorization, clientAddress(c))
      if (!principal) return c.json({ error_code: 'UNAUTHENTICATED', message: 'Wrong user name or password.' }, 401)
      await this.startSession(c, principal.user.id, 'password')
      return c.json({ user: { username: principal.user.username, is_admin: principal.user.isAdmin } })
    })

    // Ends the session here and, for a single sign-on session, answers where the browser goes next
    // to end it at the provider too (`logout_url`, when the provider offers an end_session_endpoint),
    // so that signing out of Orchard does not leave the provider ready to sign the browser straight
    // back in. A provider that cannot be reached does not stop the sign-out here.
    app.post('/auth/logout', async (c) => {
      const secret = getCookie(c, SESSION_COOKIE)
      const session = secret ? await this.sso.findSession(secret) : undefined
      if (secret) await this.sso.deleteSession(secret)
      deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c) })
      const logoutUrl = session?.via === 'oidc' ? await this.providerLogoutUrl(c) : undefined
      return c.json(logoutUrl ? { logout_url: logoutUrl } : {})
    })

    app.get('/auth/oidc/login', async (c) => {
      if (!this.oidc) return errorPage(c, 400, 'Single sign-on is not configured on this server (--oidc-issuer).')
      let started
      try {
        started = await this.oidc.start(this.redirectUri(c), safeNext(c.req.query('next')))
      } catch (error) {
        return errorPage(c, 503, isOrchardError(error) ? error.message : 'The identity provider could not be reached.')
      }
      setCookie(c, FLOW_COOKIE, encodeFlow(started.flow, await this.flowCookieKey()), {
        path: '/auth/oidc/',
        httpOnly: true,
        sameSite: 'Lax',
        secure: isHttps(c),
        maxAge: OIDC_FLOW_TTL_S,
      })
      return c.redirect(started.url.toString(), 302)
    })

    app.get(CALLBACK_PATH, async (c) => {
      if (!this.oidc) return errorPage(c, 400, 'Single sign-on is not configured on this server (--oidc-issuer).')
      const flow = decodeFlow(getCookie(c, FLOW_COOKIE), await this.flowCookieKey())
      // One attempt per redirect: the state, nonce and verifier are never accepted twice.
      deleteCookie(c, FLOW_COOKIE, { path: '/auth/oidc/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c) })
      const address = clientAddress(c)
      if (flow === 'missing') {
        await this.store.recordEvent({ action: 'login_failed', target: 'oidc: no sign-in in progress', address })
        return errorPage(c, 400, 'This sign-in was not started here or took longer than 10 minutes. Start again from the sign-in page.')
      }
      if (flow === 'tampered') {
        await this.store.recordEvent({ action: 'login_failed', target: 'oidc: sign-in cookie failed its signature check', address })
        return errorPage(c, 400, 'The sign-in cookie was altered or was not made by this server, so this sign-in cannot be trusted. Start again from the sign-in page.')
      }
      try {
        const identity = await this.oidc.finish(this.redirectUri(c), new URL(c.req.url).searchParams, flow)
        const { user, created } = await this.sso.signInExternalUser(identity)
        if (created) await this.store.recordEvent({ username: user.username, action: 'user_created', target: `oidc ${identity.subject}`, address })
        await applyGroupRoles(this.store, this.sso, user, identity.groups, this.settings.oidc?.groupRoles ?? [])
        await this.store.recordEvent({ username: user.username, action: 'login', target: 'oidc', address })
        // Cached Basic logins carry the admin flag; a change made here must not wait for the cache.
        authenticator.forget()
        await this.startSession(c, user.id, 'oidc')
        return c.redirect(flow.next, 302)
      } catch (error) {
        if (!isOrchardError(error)) throw error
        await this.store.recordEvent({ action: 'login_failed', target: `oidc: ${error.message.slice(0, 200)}`, address })
        return errorPage(c, error.code === 'TEMPORARILY_UNAVAILABLE' ? 503 : 403, error.message)
      }
    })
  }
}
