import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PermissionLevel } from '@orchard/protocol'
import { openStores } from '@orchard/store'
import type { AuthStore, RegistryStore, SsoStore, TrackingStore } from '@orchard/store'
import { testDatabase } from '@orchard/store/testing'
import { createApp } from '../src/app.ts'
import { ensureAdmin } from '../src/auth/bootstrap.ts'
import type { AuthSettings } from '../src/auth/settings.ts'

export type Backend = 'sqlite' | 'postgres'

export interface AuthReply {
  readonly status: number
  readonly headers: Headers
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any
}

export interface Credentials {
  readonly basic?: readonly [string, string]
  readonly bearer?: string
}

export interface AuthTestApp {
  readonly trackingStore: TrackingStore
  readonly registryStore: RegistryStore
  readonly authStore: AuthStore
  readonly ssoStore: SsoStore
  /** The database's URI, for a second server on the same database (openReplica). */
  readonly uri: string
  /** `path` is relative to /api/2.0/mlflow/ unless it starts with `/`. GET sends `body` as a query string. */
  call(method: string, path: string, body?: unknown, credentials?: Credentials, headers?: Record<string, string>): Promise<AuthReply>
  close(): Promise<void>
}

export const ADMIN: readonly [string, string] = ['admin', 'admin-password-123']

export const basic = (username: string, password: string): string => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`

/** The app with access control on, over a real SQLite file or a fresh PostgreSQL database. */
export async function openAuthTestApp(backend: Backend, settings: Partial<AuthSettings> = {}): Promise<AuthTestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-auth-'))
  const database = backend === 'postgres' ? testDatabase('orchard_auth') : undefined
  await database?.create()
  const uri = database ? database.url : `sqlite:///${join(dir, 'orchard.db')}`
  const app = await connect(uri, settings, join(dir, 'artifacts'))
  await ensureAdmin(app.authStore, { username: ADMIN[0], password: ADMIN[1] })
  return {
    ...app,
    async close() {
      await app.close()
      await database?.drop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * A second server process's view of `first`'s database: its own connection, caches and change
 * counters (as a replica behind a load balancer, or `orchard server --workers`), in this process.
 */
export function openReplica(first: AuthTestApp, settings: Partial<AuthSettings> = {}): Promise<AuthTestApp> {
  return connect(first.uri, settings, join(tmpdir(), 'orchard-auth-replica-artifacts'))
}

async function connect(uri: string, settings: Partial<AuthSettings>, artifactsDestination: string): Promise<AuthTestApp> {
  const { trackingStore, registryStore, authStore, ssoStore } = await openStores(uri, {
    defaultArtifactRoot: 'mlflow-artifacts:/',
    ...(settings.now ? { now: settings.now } : {}),
  })
  const errors: unknown[] = []
  const app = createApp({
    trackingStore,
    registryStore,
    artifactsDestination,
    logError: (e) => errors.push(e),
    auth: { store: authStore, sso: ssoStore, settings: { defaultPermission: 'READ' as PermissionLevel, ...settings } },
  })
  return {
    trackingStore,
    registryStore,
    authStore,
    ssoStore,
    uri,
    async call(method, path, body, credentials, extraHeaders = {}) {
      let url = path.startsWith('/') ? path : `/api/2.0/mlflow/${path}`
      const headers: Record<string, string> = { 'content-type': 'application/json', ...extraHeaders }
      if (credentials?.basic) headers.authorization = basic(...credentials.basic)
      if (credentials?.bearer) headers.authorization = `Bearer ${credentials.bearer}`
      const init: RequestInit = { method, headers }
      if (method === 'GET' && body !== undefined) {
        const query = new URLSearchParams()
        for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
          for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item))
        }
        url += `${url.includes('?') ? '&' : '?'}${query}`
      } else if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body)
      }
      const response = await app.request(url, init)
      const text = await response.text()
      let json: unknown = text
      try {
        json = JSON.parse(text)
      } catch {
        // plain text
      }
      if (response.status >= 500 && (json as { error_code?: string })?.error_code === 'INTERNAL_ERROR') {
        throw new Error(`server error ${response.status}: ${text}; logged: ${String(errors[0])}`)
      }
      return { status: response.status, headers: response.headers, json }
    },
    async close() {
      await trackingStore.close()
    },
  }
}
