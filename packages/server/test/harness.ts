import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openTrackingStore } from '@orchard/store'
import type { TrackingStore } from '@orchard/store'
import { createApp } from '../src/app.ts'

export interface Reply {
  readonly status: number
  // Tests read arbitrary wire fields; a loose type keeps them short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any
}

export interface TestApp {
  readonly store: TrackingStore
  readonly dir: string
  /** POST/PATCH/DELETE send `body` as JSON (a string is sent verbatim); GET sends it as a query string. */
  call(method: string, path: string, body?: unknown): Promise<Reply>
  close(): Promise<void>
}

/** The app over a real SQLite store in a temp folder, driven in-process through its fetch handler. */
export async function openTestApp(options: { allowedArtifactLocations?: readonly string[] } = {}): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-server-'))
  const store = await openTrackingStore(`sqlite:///${join(dir, 'orchard.db')}`, { defaultArtifactRoot: 'mlflow-artifacts:/' })
  const errors: unknown[] = []
  const app = createApp({ trackingStore: store, artifactsDestination: join(dir, 'artifacts'), logError: (e) => errors.push(e), ...options })
  return {
    store,
    dir,
    async call(method, path, body) {
      let url = path.startsWith('/') ? path : `/api/2.0/mlflow/${path}`
      const init: RequestInit = { method, headers: { 'content-type': 'application/json' } }
      if (method === 'GET' && body !== undefined) {
        const query = new URLSearchParams()
        for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
          for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item))
        }
        url += `?${query}`
      } else if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body)
      }
      const response = await app.request(url, init)
      const text = await response.text()
      let json: unknown = text
      try {
        json = JSON.parse(text)
      } catch {
        // plain-text endpoints (/health, /version)
      }
      if (response.status >= 500) throw new Error(`server error ${response.status}: ${text}; logged: ${String(errors[0])}`)
      return { status: response.status, json }
    },
    async close() {
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Assert an MLflow error reply: status, error_code and a fragment of the message. */
export function expectError(reply: Reply, status: number, code: string, fragment: string | RegExp): void {
  const ok =
    reply.status === status &&
    reply.json?.error_code === code &&
    (typeof fragment === 'string' ? String(reply.json?.message).includes(fragment) : fragment.test(String(reply.json?.message)))
  if (!ok) {
    throw new Error(`expected ${status} ${code} containing ${String(fragment)}, got ${reply.status} ${JSON.stringify(reply.json)}`)
  }
}
