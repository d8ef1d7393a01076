import { createHmac, randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import type { AuthStore, AuthUser } from '@orchard/store'
import { LoginLimiter } from './login-limiter.ts'
import {
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
const MAX_CACHED_CREDENTIALS = 10_000

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
 * password) or `Authorization: Bearer <token>` (MLFLOW_TRACKING_TOKEN). Verified passwords are
 * remembered for credentialCacheMs under an HMAC with a key that lives only in this process.
 */
export class Authenticator {
  private readonly cache = new Map<string, { user: AuthUser; until: number }>()
  private readonly cacheKey = randomBytes(32)
  private readonly limiter: LoginLimiter
  private readonly now: () => number

  constructor(
    private readonly store: AuthStore,
    private readonly settings: AuthSettings,
  ) {
    this.now = settings.now ?? Date.now
    this.limiter = new LoginLimiter(settings.failureWindowMs ?? DEFAULT_FAILURE_WINDOW_MS, this.now)
  }

  private async check(key: string, limit: number, username: string | undefined, address: string): Promise<void> {
    try {
      this.limiter.check(key, limit)
    } catch (error) {
      await this.store.recordEvent({ ...(username !== undefined ? { username } : {}), action: 'login_locked', target: key, address })
      throw error
    }
  }

  /** Drops remembered passwords: a password, admin flag or user changed. */
  forget(): void {
    this.cache.clear()
  }

  /** The principal, undefined for missing or wrong credentials; REQUEST_LIMIT_EXCEEDED when locked out. */
  async authenticate(authorization: string | undefined, address: string): Promise<Principal | undefined> {
    if (!authorization || authorization.length > MAX_AUTHORIZATION_LENGTH) return undefined
    const space = authorization.indexOf(' ')
    const scheme = authorization.slice(0, space).toLowerCase()
    const value = authorization.slice(space + 1).trim()
    const addressKey = `address:${address}`
    if (scheme === 'bearer') {
      await this.check(addressKey, this.settings.maxFailuresPerAddress ?? DEFAULT_MAX_FAILURES_PER_ADDRESS, undefined, address)
      const user = await this.store.authenticateToken(value)
      if (!user) {
        this.limiter.fail(addressKey)
        await this.store.recordEvent({ action: 'login_failed', target: 'bearer token', address })
      }
      return user && { user, via: 'token' }
    }
    if (scheme !== 'basic') return undefined
    const credentials = decodeBasic(value)
    if (!credentials) return undefined
    const { username, password } = credentials
    const key = createHmac('sha256', this.cacheKey).update(`${username}\0${password}`).digest('base64')
    const cached = this.cache.get(key)
    if (cached && cached.until > this.now()) return { user: cached.user, via: password.startsWith(TOKEN_PREFIX) ? 'token' : 'password' }

    const userKey = `user:${username}`
    await this.check(userKey, this.settings.maxFailuresPerUser ?? DEFAULT_MAX_FAILURES_PER_USER, username, address)
    await this.check(addressKey, this.settings.maxFailuresPerAddress ?? DEFAULT_MAX_FAILURES_PER_ADDRESS, username, address)
    let user: AuthUser | undefined
    let via: Principal['via'] = 'password'
    if (password.startsWith(TOKEN_PREFIX)) {
      via = 'token'
      const owner = await this.store.authenticateToken(password)
      user = owner?.username === username ? owner : undefined
    } else {
      user = await this.store.authenticatePassword(username, password)
    }
    if (!user) {
      this.limiter.fail(userKey)
      this.limiter.fail(addressKey)
      await this.store.recordEvent({ username, action: 'login_failed', target: via === 'token' ? 'token as password' : 'password', address })
      return undefined
    }
    this.limiter.succeed(userKey)
    // One sign-in per verified password (then cached), not one per request.
    if (via === 'password') await this.store.recordEvent({ username, action: 'login', address })
    // Tokens are checked on every use (revocation is immediate); passwords are remembered a while.
    const ttl = this.settings.credentialCacheMs ?? DEFAULT_CREDENTIAL_CACHE_MS
    if (via === 'password' && ttl > 0) {
      if (this.cache.size >= MAX_CACHED_CREDENTIALS) this.cache.clear()
      this.cache.set(key, { user, until: this.now() + ttl })
    }
    return { user, via }
  }
}
