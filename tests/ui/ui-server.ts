// A real Orchard app (createApp: tracking API and artifact proxy) on a free port with the web UI
// registered, over a temp SQLite store, for the browser tests. The UI is rebuilt from source first
// (Vite 8: about a second), so the tests drive the current code. It is built into packages/ui/dist,
// the folder registerUi serves by default, so the tests cover that default and stay right once
// createApp registers the UI itself (Hono matches the first registration; both serve the same build).
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { createApp } from '@orchard/server'
import { openTrackingStore } from '@orchard/store'
import type { TrackingStore } from '@orchard/store'
import { build } from 'vite'
import { registerUi } from '../../packages/server/src/ui-static/index.ts'

export interface UiServer {
  readonly url: string
  readonly store: TrackingStore
  close(): Promise<void>
}

const UI_ROOT = fileURLToPath(new URL('../../packages/ui/', import.meta.url))

export async function startUiServer(): Promise<UiServer> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-ui-'))
  await build({ root: UI_ROOT, logLevel: 'warn' })
  const artifactsDir = join(dir, 'artifacts')
  const store = await openTrackingStore(`sqlite:///${join(dir, 'orchard.db')}`, { defaultArtifactRoot: 'mlflow-artifacts:/' })
  const app = createApp({ trackingStore: store, artifactsDestination: artifactsDir })
  registerUi(app)
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server)) as Server
    s.once('error', reject)
  })
  server.keepAliveTimeout = 1000
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
