import { permissionRank } from '@orchard/protocol/base'
import type { PermissionLevel } from '@orchard/protocol/base'
import type { RoleScope } from '@orchard/core'
import type { EffectiveRoleGrant } from '@orchard/store'

/**
 * The workspace whose roles apply: `default` until workspaces are on (MLflow's reserved name), so
 * roles created with no workspace, or with `default`, are the ones that count.
 */
export const DEFAULT_ROLE_WORKSPACE = 'default'

/** What a user holds on one resource: a level, or DENY (which no allow outweighs). */
export type ResolvedPermission = PermissionLevel | 'DENY'

const matches = (grant: EffectiveRoleGrant, key: string) => grant.resourcePattern === '*' || grant.resourcePattern === key

/**
 * MLflow's resolution plus Orchard's deny: a DENY from any of the user's roles (its own or its
 * groups') wins; otherwise the highest of the user's own grant and its role grants on the resource
 * (its key, `*`, or the whole workspace); with none of those, the server's default. Admins never get
 * here. A creator holds MANAGE through the own grant written when it created the resource.
 */
export function resolvePermission(
  own: PermissionLevel | undefined,
  grants: readonly EffectiveRoleGrant[],
  key: string,
  defaultPermission: PermissionLevel,
): ResolvedPermission {
  let best: PermissionLevel | undefined = own
  for (const grant of grants) {
    if (!matches(grant, key)) continue
    if (grant.permission === 'DENY') return 'DENY'
    if (best === undefined || permissionRank(grant.permission) > permissionRank(best)) best = grant.permission
  }
  return best ?? defaultPermission
}

/** The role grants of one type as a search needs them (see RoleScope); undefined when there are none. */
export function roleScope(grants: readonly EffectiveRoleGrant[]): RoleScope | undefined {
  if (grants.length === 0) return undefined
  const readable = new Set<string>()
  const unreadable = new Set<string>()
  const denied = new Set<string>()
  let denyAll = false
  let wildcard: RoleScope['wildcard']
  for (const grant of grants) {
    const canRead = grant.permission !== 'DENY' && grant.permission !== 'NO_PERMISSIONS'
    if (grant.resourcePattern === '*') {
      if (grant.permission === 'DENY') denyAll = true
      else if (canRead) wildcard = 'readable'
      else wildcard ??= 'unreadable'
    } else if (grant.permission === 'DENY') denied.add(grant.resourcePattern)
    else if (canRead) readable.add(grant.resourcePattern)
    else unreadable.add(grant.resourcePattern)
  }
  for (const key of readable) unreadable.delete(key)
  return { denyAll, ...(wildcard ? { wildcard } : {}), readable: [...readable], unreadable: [...unreadable], denied: [...denied] }
}
