import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '@orchard/server'
import type { RunningServer } from '@orchard/server'

export interface ServerFixture {
  readonly server: RunningServer
  readonly dir: string
  close(): Promise<void>
}

/** A real Orchard server on a free loopback port over a temp SQLite store with proxied artifacts. */
export async function startTestServer(): Promise<ServerFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-e2e-'))
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    backendStoreUri: `sqlite:///${join(dir, 'orchard.db')}`,
    defaultArtifactRoot: 'mlflow-artifacts:/',
    artifactsDestination: join(dir, 'artifacts'),
  })
  return {
    server,
    dir,
    async close() {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
