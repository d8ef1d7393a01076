import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { createApp } from '@orchard/server'
import { openTrackingStore } from '@orchard/store'
import type { TrackingStore } from '@orchard/store'

// A real server on a free loopback port with the artifact proxy, over a temp SQLite store. Built here
// rather than with startServer until createApp registers the artifact service itself.

export interface ArtifactServer {
  readonly url: string
  readonly port: number
  readonly dir: string
  readonly artifactsDir: string
  /** What the app's onError logged: every 5xx. */
  readonly errors: unknown[]
  close(): Promise<void>
}

export async function startArtifactServer(destination?: string): Promise<ArtifactServer> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-e2e-artifacts-'))
  const artifactsDir = join(dir, 'artifacts')
  await mkdir(artifactsDir)
  const store: TrackingStore = await openTrackingStore(`sqlite:///${join(dir, 'orchard.db')}`, { defaultArtifactRoot: 'mlflow-artifacts:/' })
  const errors: unknown[] = []
  const app = createApp({ trackingStore: store, artifactsDestination: destination ?? artifactsDir, logError: (error) => errors.push(error) })
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server)) as Server
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    artifactsDir,
    errors,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

