// A real Orchard app with access control on (`--app-name basic-auth`), the UI's sign-in and, when
// asked, single sign-on against a provider, over a temp SQLite store, for the browser tests of
// sign-in, tokens, permissions and the admin page (optionally with workspaces). The port is taken before the app is made, so the provider can be
// told Orchard's callback URL.
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getRequestListener } from '@hono/node-server'
import { checkGroupRoles, createApp, ensureAdmin } from '@orchard/server'
import type { OidcSettings } from '@orchard/server'
import { openStores } from '@orchard/store'
import type { AuthStore, RegistryStore, TrackingStore } from '@orchard/store'
import type { Page } from 'playwright-core'
import { buildIfStale } from './ui-server.ts'

export const ADMIN = { username: 'admin', password: 'admin-password-123' }

export interface AuthUiServer {
  readonly url: string
  readonly store: TrackingStore
  readonly registry: RegistryStore
  readonly auth: AuthStore
  /** Starts the app; `oidc` is called with the app's URL to learn the provider's settings. */
  start(oidc?: (url: string) => Promise<OidcSettings>, now?: () => number): Promise<void>
  close(): Promise<void>
}

/** The sign-in page's password form, as `username`; resolves once the user menu shows them signed in. */
export async function signInWithPassword(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url)
  await page.getByRole('heading', { name: 'Sign in to Orchard' }).waitFor()
  await page.getByLabel('User name').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('button', { name: `Account: ${username}` }).waitFor()
}

export async function openAuthUiServer(options: { readonly enableWorkspaces?: boolean } = {}): Promise<AuthUiServer> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-ui-auth-'))
  await buildIfStale()
  const { trackingStore, registryStore, authStore, ssoStore, workspaceStore } = await openStores(`sqlite:///${join(dir, 'orchard.db')}`, {
    defaultArtifactRoot: 'mlflow-artifacts:/',
  })
  await ensureAdmin(authStore, ADMIN)
  let handler: ReturnType<typeof getRequestListener> | undefined
  const server: Server = createServer((req, res) => {
    if (handler) void handler(req, res)
    else res.writeHead(503).end()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  server.keepAliveTimeout = 1000
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    store: trackingStore,
    registry: registryStore,
    auth: authStore,
    async start(oidc, now) {
      const oidcSettings = oidc ? await oidc(url) : undefined
      // As startServer does: a mapping to a role that does not exist refuses to start.
      await checkGroupRoles(authStore, oidcSettings?.groupRoles)
      const app = createApp({
        trackingStore,
        registryStore,
        artifactsDestination: join(dir, 'artifacts'),
        auth: {
          store: authStore,
          sso: ssoStore,
          settings: { defaultPermission: 'READ', ...(now ? { now } : {}) },
          signIn: oidcSettings ? { oidc: oidcSettings } : {},
        },
        ...(options.enableWorkspaces ? { workspaces: { store: workspaceStore } } : {}),
      })
      handler = getRequestListener(app.fetch)
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await trackingStore.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
