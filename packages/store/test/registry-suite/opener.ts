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

export type Open = (() => Promise<Opened>) & { again(uri: string, clock: TestClock): Promise<RegistryStore> }

/** Opens a registry store on a fresh database per call; every store opened in a test is closed after it. */
export function registryOpener(harness: StoreHarness): Open {
  const opened: RegistryStore[] = []
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close()
  })
  const open = async (uri: string, clock: TestClock) => {
    const store = new SqlRegistryStore(await openStoreContext(uri, { defaultArtifactRoot: ARTIFACT_ROOT, now: clock.now }))
    opened.push(store)
    return store
  }
  return Object.assign(
    async () => {
      const clock = new TestClock()
      const uri = await harness.newDatabaseUri()
      return { store: await open(uri, clock), clock, uri }
    },
    /** A second store (own connection) on the database of an earlier open(): another server replica. */
    { again: (uri: string, clock: TestClock) => open(uri, clock) },
  )
}
