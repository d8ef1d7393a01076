import type { AuthStore } from '../auth/auth-store.ts'
import { SqlAuthStore } from '../auth/sql-auth-store.ts'
import { SqlSsoStore } from '../auth/sso-store.ts'
import type { SsoStore } from '../auth/sso-store.ts'
import { openStoreContext } from '../open-tracking-store.ts'
import type { OpenTrackingStoreOptions } from '../open-tracking-store.ts'
import { SqlTrackingStore } from '../sql/sql-tracking-store.ts'
import type { TrackingStore } from '../tracking-store.ts'
import type { RegistryStore } from './registry-store.ts'
import { SqlWorkspaceStore } from '../workspaces/sql-workspace-store.ts'
import type { WorkspaceStore } from '../workspaces/workspace-store.ts'
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
): Promise<{ trackingStore: TrackingStore; registryStore: RegistryStore; authStore: AuthStore; ssoStore: SsoStore; workspaceStore: WorkspaceStore }> {
  const ctx = await openStoreContext(uri, options)
  return {
    trackingStore: new SqlTrackingStore(ctx),
    registryStore: new SqlRegistryStore(ctx, false),
    authStore: new SqlAuthStore(ctx),
    workspaceStore: new SqlWorkspaceStore(ctx),
    ssoStore: new SqlSsoStore(ctx),
  }
}

/**
 * Opens the users, grants and tokens of access control (they live in the tracking database) on their
 * own connection; close() closes it. For tools such as `orchard db` and tests; the server shares
 * the connection of openStores.
 */
export async function openAuthStore(uri: string, options: OpenTrackingStoreOptions = {}): Promise<AuthStore & { close(): Promise<void> }> {
  const ctx = await openStoreContext(uri, options)
  const store = new SqlAuthStore(ctx)
  return Object.assign(store, { close: () => ctx.db.close() })
}
