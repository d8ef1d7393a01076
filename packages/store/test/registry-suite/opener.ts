import { afterEach } from 'node:test'
import { openStoreContext } from '../../src/open-tracking-store.ts'
import type { RegistryStore } from '../../src/registry/registry-store.ts'
import { SqlRegistryStore } from '../../src/registry/sql-registry-store.ts'
import { ARTIFACT_ROOT, TestClock } from '../suite/harness.ts'
import type { StoreHarness } from '../suite/harness.ts'

interface Opened {
  readonly store: RegistryStore
  readonly clock: TestClock
  readonly uri: string
}

export type Open = () => Promise<Opened>

/** Opens a registry store on a fresh database per call; every store opened in a test is closed after it. */
export function registryOpener(harness: StoreHarness): Open {
  const opened: RegistryStore[] = []
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close()
  })
  return async () => {
    const clock = new TestClock()
    const uri = await harness.newDatabaseUri()
    const store = new SqlRegistryStore(await openStoreContext(uri, { defaultArtifactRoot: ARTIFACT_ROOT, now: clock.now }))
    opened.push(store)
    return { store, clock, uri }
  }
}
