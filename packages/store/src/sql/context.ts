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
  /**
   * The workspace every operation is confined to, set only when the server runs with workspaces
   * enabled. Unset, names are looked up in `default` and ids are not checked against a workspace,
   * so a store without workspaces runs the queries it always ran.
   */
  readonly workspace?: string
}

/** The workspace that always exists and holds everything created without workspaces. */
export const DEFAULT_WORKSPACE = 'default'

/** The workspace names are looked up and created in. */
export const workspaceOf = (ctx: { readonly workspace?: string }): string => ctx.workspace ?? DEFAULT_WORKSPACE

/** ` AND <column> = ?` confining a query to the context's workspace; empty without workspaces. */
export function inWorkspace(column: string, workspace: string | undefined): { sql: string; params: unknown[] } {
  return workspace === undefined ? { sql: '', params: [] } : { sql: ` AND ${column} = ?`, params: [workspace] }
}

/** MLflow's append_to_uri_path: joins with exactly one `/`, treating the base as an opaque prefix. */
export function appendUriPath(base: string, ...parts: readonly string[]): string {
  return parts.reduce((uri, part) => (uri.endsWith('/') ? `${uri}${part}` : `${uri}/${part}`), base)
}
