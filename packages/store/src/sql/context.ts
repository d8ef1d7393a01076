import type { Db } from './db.ts'
import type { Dialect } from './dialect.ts'

/** What every store operation needs: the connection, its dialect, a clock and the artifact root. */
export interface StoreContext {
  readonly db: Db
  readonly dialect: Dialect
  /** Milliseconds since the epoch; injected so tests control time. */
  readonly now: () => number
  /** Opaque URI prefix for new experiments' artifact locations (a path, `s3://…`, `mlflow-artifacts:/`). */
  readonly artifactRoot: string
}

/** MLflow's append_to_uri_path: joins with exactly one `/`, treating the base as an opaque prefix. */
export function appendUriPath(base: string, ...parts: readonly string[]): string {
  return parts.reduce((uri, part) => (uri.endsWith('/') ? `${uri}${part}` : `${uri}/${part}`), base)
}

export type LifecycleRow = 'active' | 'deleted'

/** Lifecycle stages a view type includes. */
export function stagesFor(viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL'): LifecycleRow[] {
  if (viewType === 'ACTIVE_ONLY') return ['active']
  if (viewType === 'DELETED_ONLY') return ['deleted']
  return ['active', 'deleted']
}
