import assert from 'node:assert/strict'
import { afterEach } from 'node:test'
import type { ErrorCode } from '@orchard/protocol'
import { isOrchardError } from '@orchard/protocol'
import { openStoreContext } from '../../src/open-tracking-store.ts'
import type { StoreContext } from '../../src/sql/context.ts'
import { SqlTrackingStore } from '../../src/sql/sql-tracking-store.ts'
import type { TrackingStore } from '../../src/tracking-store.ts'

/** What a database implementation provides to the shared suite. */
export interface StoreHarness {
  /** The URI of a new, empty database (a temp file, a fresh PostgreSQL schema). */
  newDatabaseUri(): Promise<string>
}

export const ARTIFACT_ROOT = 'mlflow-artifacts:/'

/** A clock the tests move by hand; the store reads it through the `now` option. */
export class TestClock {
  time = 1_700_000_000_000
  readonly now = (): number => this.time
  advance(ms: number): void {
    this.time += ms
  }
}

export interface OpenedStore {
  readonly store: TrackingStore
  readonly ctx: StoreContext
  readonly clock: TestClock
  readonly uri: string
}

/** Opens a store on a fresh database per call; every store opened in a test is closed after it. */
export function storeOpener(harness: StoreHarness): () => Promise<OpenedStore> {
  const opened: TrackingStore[] = []
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close()
  })
  return async () => {
    const clock = new TestClock()
    const uri = await harness.newDatabaseUri()
    const ctx = await openStoreContext(uri, { defaultArtifactRoot: ARTIFACT_ROOT, now: clock.now })
    const store = new SqlTrackingStore(ctx)
    opened.push(store)
    return { store, ctx, clock, uri }
  }
}

/** Asserts that `promise` rejects with an OrchardError of `code` whose message contains `fragment`. */
export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, fragment: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isOrchardError(error), `expected an OrchardError, got ${String(error)}`)
    assert.equal(error.code, code, error.message)
    assert.ok(error.message.includes(fragment), `message "${error.message}" lacks "${fragment}"`)
    return true
  })
}

export const sortByKey = <T extends { key: string }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
