import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import assert from 'node:assert/strict'
import { startServer } from '@orchard/server'
import type { RunningServer } from '@orchard/server'
import { isOrchardError } from '@orchard/protocol'
import type { ErrorCode } from '@orchard/protocol'
import { openEmbeddedTransport } from '../src/embedded/open-embedded.ts'
import { RestTransport } from '../src/index.ts'
import type { Transport } from '../src/index.ts'

/** A place to track to: an embedded store or a live server, and how to tear it down. */
export interface Target {
  readonly trackingUri: string
  /** The bare Transport the client would use on this target. */
  openTransport(): Promise<Transport>
  close(): Promise<void>
}

/** Opens a fresh target; the behaviour suite runs once per kind. */
export type OpenTarget = () => Promise<Target>

/** A SQLite file in a temp folder, opened directly by the client. */
export const openEmbeddedTarget: OpenTarget = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-sdk-'))
  return {
    trackingUri: `sqlite:///${join(dir, 'orchard.db')}`,
    openTransport: () => openEmbeddedTransport(`sqlite:///${join(dir, 'orchard.db')}`),
    close: () => rm(dir, { recursive: true, force: true }),
  }
}

/** A real server on port 0 over a SQLite file in a temp folder. */
export const openServerTarget: OpenTarget = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-sdk-server-'))
  const server: RunningServer = await startServer({
    host: '127.0.0.1',
    port: 0,
    backendStoreUri: `sqlite:///${join(dir, 'orchard.db')}`,
    defaultArtifactRoot: 'mlflow-artifacts:/',
    artifactsDestination: join(dir, 'artifacts'),
    logError: () => {},
  })
  return {
    trackingUri: server.url,
    openTransport: async () => new RestTransport(server.url, { retry: { maxRetries: 0 } }),
    async close() {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Assert a promise rejects with an OrchardError of `code` (and its MLflow status), optionally with a message fragment. */
export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, fragment?: string | RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isOrchardError(error), `expected an OrchardError, got ${String(error)}`)
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`)
    if (fragment !== undefined) {
      if (typeof fragment === 'string') assert.ok(error.message.includes(fragment), `message '${error.message}' lacks '${fragment}'`)
      else assert.match(error.message, fragment)
    }
    return true
  })
}

let counter = 0
/** A name no other test in this process uses. */
export const uniqueName = (prefix: string) => `${prefix}-${process.pid}-${++counter}`
