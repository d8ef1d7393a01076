import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStores } from '@orchard/store'
import type { RegistryStore, TrackingStore } from '@orchard/store'
import { testDatabase } from '@orchard/store/testing'
import type { Hono } from 'hono'
import { createApp } from '../src/app.ts'
import type { AppOptions } from '../src/app.ts'

export type Backend = 'sqlite' | 'postgres'

export interface RawReply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any
}

/**
 * The whole app (tracking, registry, webhooks, artifact proxy) on a real store of either backend,
 * driven in-process. Unlike the route harnesses it never throws on a 5xx: hostile-input tests
 * assert on every status themselves, and `errors` holds what the app logged.
 */
export interface HostileApp {
  readonly app: Hono
  readonly dir: string
  readonly trackingStore: TrackingStore
  readonly registryStore: RegistryStore
  readonly errors: unknown[]
  /** `body`: an object is sent as JSON, a string or bytes as they are. */
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawReply>
  close(): Promise<void>
}

export async function openHostileApp(backend: Backend, options: Partial<AppOptions> = {}): Promise<HostileApp> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-hostile-'))
  const database = backend === 'postgres' ? testDatabase('orchard_hostile') : undefined
  await database?.create()
  const uri = database ? database.url : `sqlite:///${join(dir, 'orchard.db')}`
  const { trackingStore, registryStore } = await openStores(uri, { defaultArtifactRoot: 'mlflow-artifacts:/' })
  const errors: unknown[] = []
  const app = createApp({
    trackingStore,
    registryStore,
    artifactsDestination: join(dir, 'artifacts'),
    defaultArtifactRoot: 'mlflow-artifacts:/',
    logError: (error) => errors.push(error),
    ...options,
  })
  return {
    app,
    dir,
    trackingStore,
    registryStore,
    errors,
    async send(method, path, body, headers = {}) {
      const url = path.startsWith('/') ? path : `/api/2.0/mlflow/${path}`
      const init: RequestInit = { method, headers: { 'content-type': 'application/json', ...headers } }
      if (body !== undefined) {
        init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body)
      }
      const response = await app.request(url, init)
      const text = await response.text()
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        json = undefined
      }
      return { status: response.status, headers: response.headers, text, json }
    },
    async close() {
      await trackingStore.close()
      await database?.drop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** A 4xx in MLflow's error JSON with the given status and code, its message matching `fragment`. */
export function assertRefused(reply: RawReply, status: number, code: string, fragment: RegExp | string, what = ''): void {
  const message = String(reply.json?.message ?? '')
  const matches = typeof fragment === 'string' ? message.includes(fragment) : fragment.test(message)
  if (reply.status !== status || reply.json?.error_code !== code || !matches) {
    throw new Error(`${what}: expected ${status} ${code} ~ ${String(fragment)}, got ${reply.status} ${reply.text.slice(0, 500)}`)
  }
}
