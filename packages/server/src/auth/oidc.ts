import * as client from 'openid-client'
import { OrchardError } from '@orchard/protocol/base'
import type { ExternalIdentity } from '@orchard/store'
import { DEFAULT_GROUPS_CLAIM, DEFAULT_OIDC_SCOPES, DEFAULT_USERNAME_CLAIM } from './sign-in-settings.ts'
import type { OidcSettings } from './sign-in-settings.ts'

/** What the browser carries between the redirect to the provider and the callback (in a cookie). */
export interface OidcFlow {
  readonly state: string
  readonly nonce: string
  readonly codeVerifier: string
  /** The page to open after signing in: a path on this server. */
  readonly next: string
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
const MAX_GROUPS = 1000

function isLoopback(url: URL): boolean {
  return LOOPBACK.has(url.hostname) || url.hostname.endsWith('.localhost')
}

/** Reads the groups claim: an array of strings, or one string (some providers send one group so). */
function groupsOf(claims: Record<string, unknown>, claim: string): string[] {
  const value = claims[claim]
  if (typeof value === 'string') return [value]
  if (!Array.isArray(value)) return []
  return value.filter((group): group is string => typeof group === 'string').slice(0, MAX_GROUPS)
}

/**
 * An OpenID Connect relying party on openid-client: discovery, the authorization URL with PKCE
 * (S256), state and nonce, and the code exchange, whose ID token is checked against the issuer's
 * JWKS (signature), issuer, audience, expiry, nonce and state.
 */
export class OidcClient {
  private configuration: Promise<client.Configuration> | undefined

  constructor(
    private readonly settings: OidcSettings,
    private readonly now: () => number = Date.now,
  ) {
    const issuer = new URL(settings.issuer)
    if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && isLoopback(issuer))) {
      throw new OrchardError('INVALID_PARAMETER_VALUE', `--oidc-issuer must be an https URL (http only on localhost): ${settings.issuer}`)
    }
  }

  /** Discovery runs on first use and again after a failure (the provider was down at start). */
  private async config(): Promise<client.Configuration> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      this.configuration = undefined
      throw new OrchardError('TEMPORARILY_UNAVAILABLE', `Could not reach the identity provider at ${this.settings.issuer}: ${(error as Error).message}`)
    })
    const discovered = await this.configuration
    // A configuration per use, from the discovered metadata, so token checks use the server's clock
    // as it is now (tests move it ahead to see an expired ID token refused); no request is made here.
    const config = new client.Configuration(discovered.serverMetadata(), this.settings.clientId, this.clientMetadata(), this.clientAuth())
    this.harden(config)
    return config
  }

  private clientMetadata(): Partial<client.ClientMetadata> {
    const secret = this.settings.clientSecret
    return {
      ...(secret ? { client_secret: secret } : {}),
      [client.clockSkew]: Math.round((this.now() - Date.now()) / 1000),
    }
  }

  private clientAuth(): client.ClientAuth {
    const secret = this.settings.clientSecret
    return secret ? client.ClientSecretBasic(secret) : client.None()
  }

  private harden(config: client.Configuration): void {
    if (new URL(this.settings.issuer).protocol === 'http:') client.allowInsecureRequests(config)
    // Verify the ID token's signature with the issuer's JWKS even though it came over TLS from the
    // token endpoint (openid-client leaves that optional by default).
    client.enableNonRepudiationChecks(config)
  }

  private async discover(): Promise<client.Configuration> {
    const issuer = new URL(this.settings.issuer)
    return client.discovery(issuer, this.settings.clientId, this.clientMetadata(), this.clientAuth(), {
      execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
    })
  }

  /** The provider's authorization URL for a new sign-in, and what the callback must match. */
  async start(redirectUri: string, next: string): Promise<{ url: URL; flow: OidcFlow }> {
    const config = await this.config()
    const flow: OidcFlow = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(), next }
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: (this.settings.scopes ?? DEFAULT_OIDC_SCOPES).join(' '),
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    })
    return { url, flow }
  }

  /**
   * Where to send the browser to end its session at the provider too (OpenID Connect RP-Initiated
   * Logout), coming back to `postLogoutRedirectUri`; undefined when the provider's discovery names no
   * end_session_endpoint. Orchard keeps no ID token, so the request names the client (client_id)
   * instead of hinting with one; providers then usually ask the user to confirm.
   */
  async endSessionUrl(postLogoutRedirectUri: string): Promise<URL | undefined> {
    const config = await this.config()
    if (!config.serverMetadata().end_session_endpoint) return undefined
    return client.buildEndSessionUrl(config, { client_id: this.settings.clientId, post_logout_redirect_uri: postLogoutRedirectUri })
  }

  /**
   * Exchanges the callback's code and checks the ID token; the identity it names. Any failed check
   * (state, nonce, signature, issuer, audience, expiry, an error from the provider) is PERMISSION_DENIED.
   */
  async finish(redirectUri: string, query: URLSearchParams, flow: OidcFlow): Promise<ExternalIdentity> {
    const config = await this.config()
    const callback = new URL(redirectUri)
    callback.search = query.toString()
    let claims: Record<string, unknown>
    try {
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      })
      claims = (tokens.claims() ?? {}) as Record<string, unknown>
    } catch (error) {
      // openid-client's message names the step; its cause, the check that failed.
      const cause = (error as Error).cause
      const detail = cause instanceof Error && cause.message !== (error as Error).message ? ` (${cause.message})` : ''
      throw new OrchardError('PERMISSION_DENIED', `Single sign-on failed: ${(error as Error).message}${detail}`, { cause: error })
    }
    const issuer = String(claims.iss)
    const subject = String(claims.sub)
    const usernameClaim = this.settings.usernameClaim ?? DEFAULT_USERNAME_CLAIM
    const name = claims[usernameClaim]
    if (typeof name !== 'string' || !name) {
      throw new OrchardError('PERMISSION_DENIED', `Single sign-on failed: the ID token has no '${usernameClaim}' claim to name the user (see --oidc-username-claim).`)
    }
    const groups = groupsOf(claims, this.settings.groupsClaim ?? DEFAULT_GROUPS_CLAIM)
    const adminGroups = this.settings.adminGroups
    return {
      subject: `${issuer}|${subject}`,
      username: name,
      groups,
      ...(adminGroups?.length ? { isAdmin: groups.some((group) => adminGroups.includes(group)) } : {}),
    }
  }
}
