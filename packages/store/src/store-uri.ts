import { isAbsolute, resolve } from 'node:path'
import { invalidParameter } from '@orchard/protocol/base'

export type StoreTarget =
  | { readonly kind: 'sqlite'; readonly path: string; readonly memory: boolean; readonly statementTimeoutMs?: number }
  | { readonly kind: 'postgres'; readonly connectionString: string }

/**
 * Backend store URIs as MLflow (SQLAlchemy) writes them: `sqlite:///relative.db`,
 * `sqlite:////absolute/path.db`, `sqlite:///:memory:` or `sqlite://` (in memory), and
 * `postgresql://…` / `postgres://…`, optionally with a driver suffix such as `postgresql+psycopg2://`.
 * `sqlite://relative.db` (two slashes) is accepted as a relative path too. `?statement_timeout=MS`
 * bounds a search's time on either database (on SQLite, see sqlite-db.ts).
 */
export function parseStoreUri(uri: string): StoreTarget {
  const sqlite = /^sqlite(\+\w+)?:\/\/(.*)$/.exec(uri)
  if (sqlite) {
    const [rest = '', query] = (sqlite[2] ?? '').split(/\?(.*)/s)
    let path = rest
    if (path.startsWith('/')) path = path.slice(1)
    const timeout = sqliteStatementTimeout(uri, query)
    if (path === '' || path === ':memory:') return { kind: 'sqlite', path: ':memory:', memory: true, ...timeout }
    return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(path), memory: false, ...timeout }
  }
  const postgres = /^postgres(?:ql)?(?:\+\w+)?:\/\/(.*)$/.exec(uri)
  if (postgres) return { kind: 'postgres', connectionString: `postgresql://${postgres[1] ?? ''}` }
  throw invalidParameter(
    `Unsupported backend store URI '${uri}'. Use sqlite:///<path>, sqlite:///:memory: or postgresql://<user>@<host>/<database>.`,
  )
}

function sqliteStatementTimeout(uri: string, query: string | undefined): { statementTimeoutMs?: number } {
  const value = new URLSearchParams(query ?? '').get('statement_timeout')
  if (value === null) return {}
  const ms = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(ms) || ms <= 0) {
    throw invalidParameter(`Invalid statement_timeout '${value}' in backend store URI '${uri}': give a whole number of milliseconds above 0.`)
  }
  return { statementTimeoutMs: ms }
}
