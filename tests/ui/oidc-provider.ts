// A real OpenID Connect provider (the `oidc-provider` package, certified by the OpenID Foundation) on
// loopback, for the single sign-on tests: discovery, JWKS, authorization with PKCE, the token
// endpoint, and its development sign-in and consent pages, where any user name signs in. Users'
// groups come from GROUPS. A proxy in front of the provider can tamper with the ID token the token
// endpoint returns, or with the state of the redirect back, to see Orchard refuse them.
import { generateKeyPairSync } from 'node:crypto'
import { createServer, request } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

export const CLIENT_ID = 'orchard-ui'
export const CLIENT_SECRET = 'orchard-test-client-secret'

/** The IdP groups of each test user (any other name signs in with none); a test may change them between sign-ins. */
export const GROUPS: Record<string, readonly string[]> = {
  alice: ['data-science', 'orchard-admins'],
  bob: ['data-science'],
}

export interface TestProvider {
  /** The issuer Orchard discovers (the tampering proxy when `tamper` is set). */
  readonly issuer: string
  /** What the proxy does to the next token responses' ID token; undefined passes them through. */
  tamper: ((idToken: string) => string) | undefined
  /** When set, the provider's redirects back to Orchard carry this state instead of the one Orchard sent. */
  forgeState: string | undefined
  close(): Promise<void>
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return (server.address() as AddressInfo).port
}

/** Starts the provider for Orchard's callback `redirectUri`. */
export async function startTestProvider(redirectUri: string): Promise<TestProvider> {
  const providerServer = createServer()
  const proxyServer = createServer()
  const [providerPort, proxyPort] = await Promise.all([listen(providerServer), listen(proxyServer)])
  // Orchard sees the proxy as the issuer; the provider must name the same issuer in its tokens.
  const issuer = `http://127.0.0.1:${proxyPort}`
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        // Signing out of Orchard ends the session here too and comes back to Orchard's sign-in page.
        post_logout_redirect_uris: [new URL('/login', redirectUri).toString()],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' }] },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email'], groups: ['groups'] },
    // Put the scopes' claims in the ID token itself (as Keycloak and Okta can be set to do).
    conformIdTokenClaims: false,
    cookies: { keys: ['orchard-test-provider-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, preferred_username: sub, name: sub, email: `${sub}@example.com`, groups: [...(GROUPS[sub] ?? [])] }),
    }),
  })
  // The provider warns on every start that devInteractions are for development: so they are here.
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider:', error))
  providerServer.on('request', provider.callback())

  const state: TestProvider = {
    issuer,
    tamper: undefined,
    forgeState: undefined,
    async close() {
      for (const server of [providerServer, proxyServer]) {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
      }
    },
  }

  // Everything passes through untouched, except token responses when `tamper` is set.
  proxyServer.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const upstream = request(
      { host: '127.0.0.1', port: providerPort, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (reply) => {
        const tamper = state.tamper
        const location = reply.headers.location
        if (state.forgeState && location?.startsWith(redirectUri)) {
          const forged = new URL(location)
          forged.searchParams.set('state', state.forgeState)
          reply.headers.location = forged.toString()
        }
        if (!tamper || !incoming.url?.startsWith('/token')) {
          outgoing.writeHead(reply.statusCode ?? 502, reply.headers)
          reply.pipe(outgoing)
          return
        }
        const chunks: Buffer[] = []
        reply.on('data', (chunk: Buffer) => chunks.push(chunk))
        reply.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id_token?: string }
          if (body.id_token) body.id_token = tamper(body.id_token)
          const text = JSON.stringify(body)
          const headers = { ...reply.headers, 'content-length': String(Buffer.byteLength(text)) }
          outgoing.writeHead(reply.statusCode ?? 502, headers)
          outgoing.end(text)
        })
      },
    )
    upstream.on('error', () => outgoing.destroy())
    incoming.pipe(upstream)
  })
  return state
}

/** An ID token with one claim of its payload changed and the signature kept: a forgery. */
export function changeClaim(idToken: string, claim: string, value: unknown): string {
  const [header, payload, signature] = idToken.split('.')
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
  claims[claim] = value
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.')
}
