import { resolve } from 'node:path'

/**
 * The file a `sqlite:///…` backend URI names (SQLAlchemy's form, as the store reads it: three
 * slashes then a relative path, four for an absolute one), or undefined for PostgreSQL and
 * in-memory databases.
 */
export function sqliteFile(uri: string): string | undefined {
  const path = /^sqlite(?:\+\w+)?:\/\/\/?([^?]*)/.exec(uri)?.[1]
  if (!path || path === ':memory:') return undefined
  return resolve(path)
}
