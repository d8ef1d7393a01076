import type { AccessScope, RoleScope } from '@orchard/core'
import type { PermissionLevel } from '@orchard/protocol/base'
import type { Db } from '../sql/db.ts'
import { fragment, joinFragments } from '../sql/dialect.ts'
import type { Dialect, Fragment } from '../sql/dialect.ts'

// A search under access control keeps the rows the user may read. A row is readable when its highest
// grant (the user's own grant, and what its roles and its groups' roles grant) is READ or more; a row
// nothing grants falls to the server's default; a DENY from any role hides the row whatever else
// grants it. Without roles that is one indexed probe of the user's grants per row (NOT EXISTS a
// NO_PERMISSIONS grant with a readable default, EXISTS a readable grant otherwise). The server
// resolves the user's few role grants to key lists first (RoleScope), which the predicate tests with
// IN lists. All of it sits inside the search's own WHERE, so pages are full and page tokens stay right.

type KeyType = 'bigint' | 'text'

const keysOf = (keys: readonly string[], type: KeyType): (string | number)[] =>
  type === 'text' ? [...keys] : keys.filter((k) => /^\d{1,18}$/.test(k)).map(Number)

function inKeys(column: string, keys: readonly string[], type: KeyType, negate = false): Fragment | undefined {
  const values = keysOf(keys, type)
  if (values.length === 0) return undefined
  return fragment(`${column} ${negate ? 'NOT IN' : 'IN'} (${values.map(() => '?').join(', ')})`, values)
}

const or = (parts: readonly (Fragment | undefined)[]): Fragment => {
  const present = parts.filter((p): p is Fragment => p !== undefined)
  return present.length === 1 ? (present[0] as Fragment) : joinFragments(present.map(wrap), ' OR ')
}
const and = (parts: readonly (Fragment | undefined)[]): Fragment => {
  const present = parts.filter((p): p is Fragment => p !== undefined)
  return present.length === 1 ? (present[0] as Fragment) : joinFragments(present.map(wrap), ' AND ')
}
const wrap = (part: Fragment): Fragment => ({ sql: `(${part.sql})`, params: part.params })

function readable(table: string, key: string, column: string, type: KeyType, scope: AccessScope): Fragment {
  const roles: RoleScope | undefined = scope.roles
  if (roles?.denyAll) return fragment('1 = 0')
  const notDenied = roles ? inKeys(column, roles.denied, type, true) : undefined
  if (roles?.wildcard === 'readable') return notDenied ?? fragment('1 = 1')
  const probe = (condition: string) => fragment(`EXISTS (SELECT 1 FROM ${table} ap WHERE ap.user_id = ? AND ap.${key} = ${column} AND ${condition})`, [scope.userId])
  const ownReadable = probe(`ap.permission <> 'NO_PERMISSIONS'`)
  const byRole = roles ? inKeys(column, roles.readable, type) : undefined
  let allow: Fragment
  if (scope.defaultCanRead && roles?.wildcard !== 'unreadable') {
    // Readable unless the user's own grant is NO_PERMISSIONS, or (with no own grant) a role's is.
    const noUnreadableOwn = fragment(`NOT ${probe(`ap.permission = 'NO_PERMISSIONS'`).sql}`, [scope.userId])
    const unreadableByRole = roles ? inKeys(column, roles.unreadable, type, true) : undefined
    allow = unreadableByRole ? or([and([noUnreadableOwn, unreadableByRole]), ownReadable, byRole]) : or([noUnreadableOwn, byRole])
  } else {
    allow = or([ownReadable, byRole])
  }
  return and([notDenied, allow])
}

/** Rows whose experiment id (`column`) the scope's user may read. */
export const readableExperiments = (column: string, scope: AccessScope): Fragment =>
  readable('experiment_permissions', 'experiment_id', column, 'bigint', scope)

/** Rows whose registered model name (`column`) the scope's user may read. */
export const readableRegisteredModels = (column: string, scope: AccessScope): Fragment =>
  readable('registered_model_permissions', 'name', column, 'text', scope)

/** Whether one key is readable, given the user's own grant on it (the same rule as `readable`). */
export function isReadable(key: string, own: PermissionLevel | undefined, scope: AccessScope): boolean {
  const roles = scope.roles
  if (roles?.denyAll || roles?.denied.includes(key)) return false
  if (roles?.wildcard === 'readable' || roles?.readable.includes(key)) return true
  if (own !== undefined) return own !== 'NO_PERMISSIONS'
  if (roles?.wildcard === 'unreadable' || roles?.unreadable.includes(key)) return false
  return scope.defaultCanRead
}

/**
 * The ids of `experimentIds` the scope's user may read, in one query over the user's grants. Searches
 * that name their experiments (runs, logged models) narrow the list this way rather than probing a
 * grant per row: on a 1000-run search that is one indexed lookup instead of a thousand.
 */
export async function readableExperimentIds(db: Db, dialect: Dialect, experimentIds: readonly number[], scope: AccessScope): Promise<number[]> {
  if (experimentIds.length === 0) return []
  const within = dialect.inList('experiment_id', experimentIds, 'bigint')
  const rows = await db.query<{ experiment_id: number; permission: PermissionLevel }>(
    `SELECT experiment_id, permission FROM experiment_permissions WHERE user_id = ? AND ${within.sql}`,
    [scope.userId, ...within.params],
  )
  const own = new Map(rows.map((row) => [Number(row.experiment_id), row.permission]))
  return experimentIds.filter((id) => isReadable(String(id), own.get(id), scope))
}
