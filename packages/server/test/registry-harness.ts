import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStores } from '@orchard/store'
import { createApp } from '../src/app.ts'
import type { AppOptions } from '../src/app.ts'
import type { Reply } from './harness.ts'

export { expectError } from './harness.ts'

export interface RegistryTestApp {
  /** GET sends `body` as a query string (repeated keys for arrays); other methods send it as JSON, as MLflow's client does. */
  call(method: string, path: string, body?: Record<string, unknown>, headers?: Record<string, string>): Promise<Reply>
  close(): Promise<void>
}

type App = ReturnType<typeof createApp>

/**
 * MLflow-client-shaped calls on an in-process app: GET sends `body` as a query string (repeated keys
 * for arrays), other methods as JSON. A 5xx fails the test with the error the app logged.
 */
export function appCaller(app: App, errors: readonly unknown[]): RegistryTestApp['call'] {
  return async (method, path, body, headers = {}) => {
    let url = path.startsWith('/') ? path : `/api/2.0/mlflow/${path}`
    const init: RequestInit = { method, headers: { 'content-type': 'application/json', ...headers } }
    if (method === 'GET' && body !== undefined) {
      const query = new URLSearchParams()
      for (const [key, value] of Object.entries(body)) {
        for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item))
      }
      url += `?${query}`
    } else if (body !== undefined) {
      init.body = JSON.stringify(body)
    }
    const response = await app.request(url, init)
    const text = await response.text()
    if (response.status >= 500) throw new Error(`server error ${response.status}: ${text}; logged: ${String(errors[0])}`)
    return { status: response.status, json: text ? JSON.parse(text) : undefined }
  }
}

/** The app with tracking and registry stores on one real SQLite file, driven in-process. */
export async function openRegistryTestApp(options: Partial<AppOptions> = {}): Promise<RegistryTestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-registry-server-'))
  const { trackingStore, registryStore } = await openStores(`sqlite:///${join(dir, 'orchard.db')}`, { defaultArtifactRoot: 'mlflow-artifacts:/' })
  const errors: unknown[] = []
  const app = createApp({ trackingStore, registryStore, logError: (e) => errors.push(e), ...options })
  return {
    call: appCaller(app, errors),
    async close() {
      await trackingStore.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
