import { openStoreContext } from '../open-tracking-store.ts'
import type { OpenTrackingStoreOptions } from '../open-tracking-store.ts'
import { SqlTrackingStore } from '../sql/sql-tracking-store.ts'
import type { TrackingStore } from '../tracking-store.ts'
import type { RegistryStore } from './registry-store.ts'
import { SqlRegistryStore } from './sql-registry-store.ts'

/**
 * Opens the model registry at a backend store URI, on its own connection. The registry lives in the
 * same database and schema as tracking (MLflow's default registry URI is the tracking URI).
 *
 * @example const registry = await openRegistryStore('sqlite:///mlruns/orchard.db')
 */
export async function openRegistryStore(uri: string, options: OpenTrackingStoreOptions = {}): Promise<RegistryStore> {
  return new SqlRegistryStore(await openStoreContext(uri, options))
}

/**
 * Opens tracking and registry on one connection (one pool, one SQLite handle). Close the tracking
 * store to close both; the registry store's close() is then a no-op.
 *
 * @example const { trackingStore, registryStore } = await openStores('postgresql://localhost/orchard')
 */
export async function openStores(
  uri: string,
  options: OpenTrackingStoreOptions = {},
): Promise<{ trackingStore: TrackingStore; registryStore: RegistryStore }> {
  const ctx = await openStoreContext(uri, options)
  return { trackingStore: new SqlTrackingStore(ctx), registryStore: new SqlRegistryStore(ctx, false) }
}
