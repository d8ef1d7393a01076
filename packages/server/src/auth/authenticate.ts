import { hash, randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import type { AuthStore, AuthUser, UiSession } from '@orchard/store'
import { AccessCache } from './access-cache.ts'
import { LoginLimiter } from './login-limiter.ts'
import {
  DEFAULT_ACCESS_SYNC_MS,
  DEFAULT_CREDENTIAL_CACHE_MS,
  DEFAULT_FAILURE_WINDOW_MS,
  DEFAULT_MAX_FAILURES_PER_ADDRESS,
  DEFAULT_MAX_FAILURES_PER_USER,
} from './settings.ts'
import type { AuthSettings } from './settings.ts'

/** Who sent a request, once their credentials checked out. */
export interface Principal {
  readonly user: AuthUser
  readonly via: 'password' | 'token' | 'session'
}

declare module 'hono' {
  interface ContextVariableMap {
    principal?: Principal
  }
}

// Personal access tokens start with this (see @orchard/store); as a Basic password they are checked
// as tokens, so clients that only speak Basic (MLFLOW_TRACKING_USERNAME/PASSWORD) can use them.
const TOKEN_PREFIX = 'orchard_pat_'
// Longer headers are not credentials anyone issued; refusing them bounds the work per request.
const MAX_AUTHORIZATION_LENGTH = 4096

/** The client's address as the socket reports it (no X-Forwarded-For: a client could forge it). */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? 'unknown'
}

function decodeBasic(value: string): { username: string; password: string } | undefined {
  let text: string
  try {
    text = Buffer.from(value, 'base64').toString('utf8')
  } catch {
    return undefined
  }
  const colon = text.indexOf(':')
  if (colon < 0) return undefined
  return { username: text.slice(0, colon), password: text.slice(colon + 1) }
}

/**
 * Checks the credentials of a request: HTTP Basic (a password or a personal access token as the
 * password), `Authorization: Bearer <token>` (MLFLOW_TRACKING_TOKEN) or the UI's session cookie.
 * Verified credentials are remembered for credentialCacheMs (never past a token's or session's
 * expiry) under a hash of the Authorization header (or session cookie) keyed with a secret that
 * lives only in this process, so that neither the credential nor anything that verifies it sits in
 * memory; the AccessCache drops them all when access changes
 * (a revoked token, a changed password, an ended session), here at once and across processes
 * within its sync interval. Only successes are remembered: a wrong password costs scrypt every time.
 */
export class Authenticator {
  readonly cache: AccessCache
  private readonly cacheKey = randomBytes(32).toString('base64')
  private readonly limiter: LoginLimiter
  private readonly now: () => number
  private readonly ttlMs: number

  constructor(
    private readonly store: AuthStore,
    private readonly settings: AuthSettings,
  ) {
    this.now = settings.now ?? Date.now
    this.limiter = new LoginLimiter(settings.failureWindowMs ?? DEFAULT_FAILURE_WINDOW_MS, this.now)
    this.ttlMs = settings.credentialCacheMs ?? DEFAULT_CREDENTIAL_CACHE_MS
    this.cache = new AccessCache(store, settings.accessSyncMs ?? DEFAULT_ACCESS_SYNC_MS, this.now)
  }

  // SHA-256 of a per-process random key and the credential: a one-shot hash costs about a tenth of
  // an HMAC object in Node, and the digest never leaves this process, so length extension is moot.
  private keyOf(kind: string, secret: string): string {
    return hash('sha256', `${this.cacheKey}\0${kind}\0${secret}`, 'base64')
  }

  /** Remembers a verified principal under `key` until min(now + ttl, the credential's own expiry). */
  private remembered(key: () => string, verify: () => Promise<{ principal: Principal; expiresAt?: number } | undefined>): Promise<Principal | undefined> {
    if (this.ttlMs <= 0) return verify().then((verified) => verified?.principal)
    return this.cache.credential(key(), async () => {
      const verified = await verify()
      return verified && { value: verified.principal, until: Math.min(this.now() + this.ttlMs, verified.expiresAt ?? Number.POSITIVE_INFINITY) }
    })
  }

  /**
   * The principal remembered for this Authorization header, without parsing it or awaiting
   * anything (one hash and one map lookup); undefined when it must go through authenticate.
   * Call after the cache's refresh.
   */
  recognized(authorization: string | undefined): Principal | undefined {
    if (!authorization || authorization.length > MAX_AUTHORIZATION_LENGTH || this.ttlMs <= 0) return undefined
    return this.cache.credentialHit<Principal>(this.keyOf('authorization', authorization))
  }

  /** The principal of a UI session cookie; `find` is the session store's lookup. */
  session(secret: string, find: (secret: string) => Promise<UiSession | undefined>): Promise<Principal | undefined> {
    return this.remembered(() => this.keyOf('session', secret), async () => {
      const session = await find(secret)
      return session && { principal: { user: session.user, via: 'session' }, expiresAt: session.expirationTime }
    })
  }

  private async check(key: string, limit: number, username: string | undefined, address: string): Promise<void> {
    try {
      this.limiter.check(key, limit)
    } catch (error) {
      await this.store.recordEvent({ ...(username !== undefined ? { username } : {}), action: 'login_locked', target: key, address })
      throw error
    }
  }

  /** Drops remembered credentials and grants (store changes do this by themselves; see AccessCache). */
  forget(): void {
    this.cache.clear()
  }

  /**
   * The principal, undefined for missing or wrong credentials; REQUEST_LIMIT_EXCEEDED when locked out.
   * Remembered by the whole header as sent, so a repeat request is recognized without parsing it.
   */
  async authenticate(authorization: string | undefined, address: string): Promise<Principal | undefined> {
    if (!authorization || authorization.length > MAX_AUTHORIZATION_LENGTH) return undefined
    const space = authorization.indexOf(' ')
    const scheme = authorization.slice(0, space).toLowerCase()
    const value = authorization.slice(space + 1).trim()
    const addressKey = `address:${address}`
    const key = () => this.keyOf('authorization', authorization)
    if (scheme === 'bearer') {
      const principal = await this.remembered(key, async () => {
        await this.check(addressKey, this.settings.maxFailuresPerAddress ?? DEFAULT_MAX_FAILURES_PER_ADDRESS, undefined, address)
        return this.verifyToken(value)
      })
      if (!principal) {
        this.limiter.fail(addressKey)
        await this.store.recordEvent({ action: 'login_failed', target: 'bearer token', address })
      }
      return principal
    }
    if (scheme !== 'basic') return undefined
    return this.remembered(key, async () => {
      const credentials = decodeBasic(value)
      return credentials && this.verifyBasic(credentials.username, credentials.password, addressKey, address)
    })
  }

  private async verifyToken(secret: string): Promise<{ principal: Principal; expiresAt?: number } | undefined> {
    const owner = await this.store.verifyToken(secret)
    return owner && { principal: { user: owner.user, via: 'token' }, ...(owner.expirationTime !== undefined ? { expiresAt: owner.expirationTime } : {}) }
  }

  /** A Basic pair checked in the store (scrypt, or a token as the password), with lockout and audit. */
  private async verifyBasic(username: string, password: string, addressKey: string, address: string): Promise<{ principal: Principal; expiresAt?: number } | undefined> {
    const userKey = `user:${username}`
    await this.check(userKey, this.settings.maxFailuresPerUser ?? DEFAULT_MAX_FAILURES_PER_USER, username, address)
    await this.check(addressKey, this.settings.maxFailuresPerAddress ?? DEFAULT_MAX_FAILURES_PER_ADDRESS, username, address)
    let verified: { principal: Principal; expiresAt?: number } | undefined
    if (password.startsWith(TOKEN_PREFIX)) {
      const token = await this.verifyToken(password)
      verified = token?.principal.user.username === username ? token : undefined
    } else {
      const user = await this.store.authenticatePassword(username, password)
      verified = user && { principal: { user, via: 'password' } }
    }
    const via = password.startsWith(TOKEN_PREFIX) ? 'token' : 'password'
    if (!verified) {
      this.limiter.fail(userKey)
      this.limiter.fail(addressKey)
      await this.store.recordEvent({ username, action: 'login_failed', target: via === 'token' ? 'token as password' : 'password', address })
      return undefined
    }
    this.limiter.succeed(userKey)
    // One sign-in per verified password (then cached), not one per request.
    if (via === 'password') await this.store.recordEvent({ username, action: 'login', address })
    return verified
  }
}
