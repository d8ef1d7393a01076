import { isAbsolute, resolve } from 'node:path'
import { invalidParameter } from '@orchard/protocol/base'

export type StoreTarget =
  | { readonly kind: 'sqlite'; readonly path: string; readonly memory: boolean }
  | { readonly kind: 'postgres'; readonly connectionString: string }

/**
 * Backend store URIs as MLflow (SQLAlchemy) writes them: `sqlite:///relative.db`,
 * `sqlite:////absolute/path.db`, `sqlite:///:memory:` or `sqlite://` (in memory), and
 * `postgresql://…` / `postgres://…`, optionally with a driver suffix such as `postgresql+psycopg2://`.
 * `sqlite://relative.db` (two slashes) is accepted as a relative path too.
 */
export function parseStoreUri(uri: string): StoreTarget {
  const sqlite = /^sqlite(\+\w+)?:\/\/(.*)$/.exec(uri)
  if (sqlite) {
    let path = (sqlite[2] ?? '').replace(/\?.*$/, '')
    if (path.startsWith('/')) path = path.slice(1)
    if (path === '' || path === ':memory:') return { kind: 'sqlite', path: ':memory:', memory: true }
    return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(path), memory: false }
  }
  const postgres = /^postgres(?:ql)?(?:\+\w+)?:\/\/(.*)$/.exec(uri)
  if (postgres) return { kind: 'postgres', connectionString: `postgresql://${postgres[1] ?? ''}` }
  throw invalidParameter(
    `Unsupported backend store URI '${uri}'. Use sqlite:///<path>, sqlite:///:memory: or postgresql://<user>@<host>/<database>.`,
  )
}
