// A real Orchard app (createApp: tracking and registry APIs, artifact proxy, the web UI) on a free
// port over a temp SQLite store, for the browser tests. The UI is rebuilt from source first when its
// sources are newer than the build (Vite 8: about a second), so the tests drive the current code. It
// is built into packages/ui/dist, the folder createApp serves by default. Several browser test files
// run at once (the runner's concurrency is 2), so the build happens under a lock: one file builds,
// the others wait and then find the build fresh.
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { createApp } from '@orchard/server'
import { openStores } from '@orchard/store'
import type { RegistryStore, TrackingStore } from '@orchard/store'
import { build } from 'vite'

export interface UiServer {
  readonly url: string
  readonly store: TrackingStore
  readonly registry: RegistryStore
  close(): Promise<void>
}

const UI_ROOT = fileURLToPath(new URL('../../packages/ui/', import.meta.url))
const LOCK = join(UI_ROOT, '.build-lock')
const LOCK_STALE_MS = 120_000

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = info.mtimeMs
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)))
  return newest
}

export async function buildIfStale(): Promise<void> {
  for (;;) {
    try {
      await mkdir(LOCK)
      break
    } catch {
      // Another test file is building; a lock older than any build is left over from a killed run.
      const age = Date.now() - (await stat(LOCK).then((s) => s.mtimeMs, () => Date.now()))
      if (age > LOCK_STALE_MS) await rm(LOCK, { recursive: true, force: true })
      await sleep(100)
    }
  }
  try {
    const sources = Math.max(...(await Promise.all(['src', 'index.html', 'vite.config.ts', 'public'].map((p) => newestMtime(join(UI_ROOT, p)).catch(() => 0)))))
    const built = await stat(join(UI_ROOT, 'dist', 'index.html')).then((s) => s.mtimeMs, () => 0)
    if (built < sources) await build({ root: UI_ROOT, logLevel: 'warn' })
  } finally {
    await rm(LOCK, { recursive: true, force: true })
  }
}

/** `enableWorkspaces`: serve as `orchard server --enable-workspaces` does (store of workspaces, header). */
export async function startUiServer(options: { enableWorkspaces?: boolean } = {}): Promise<UiServer> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-ui-'))
  await buildIfStale()
  const artifactsDir = join(dir, 'artifacts')
  const { trackingStore: store, registryStore: registry, workspaceStore } = await openStores(`sqlite:///${join(dir, 'orchard.db')}`, {
    defaultArtifactRoot: 'mlflow-artifacts:/',
  })
  const app = createApp({
    trackingStore: store,
    registryStore: registry,
    artifactsDestination: artifactsDir,
    ...(options.enableWorkspaces ? { workspaces: { store: workspaceStore } } : {}),
  })
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server)) as Server
    s.once('error', reject)
  })
  server.keepAliveTimeout = 1000
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    registry,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
