import { WORKSPACE_HEADER, permissionRank } from '@orchard/protocol/base'
import type { AccessScope } from '@orchard/core'
import type { RequestHeaders } from '../define-routes.ts'
import type { ServerContext } from '../server-context.ts'
import { DEFAULT_ROLE_WORKSPACE, roleScope } from './resolve.ts'

/**
 * What a search may return to this caller: undefined (everything) without access control or for an
 * admin, otherwise the caller's grants, its role grants on `resourceType` and the server's default,
 * applied in SQL by the store.
 */
export async function readableBy(
  context: ServerContext,
  http: RequestHeaders,
  resourceType: 'experiment' | 'registered_model',
): Promise<AccessScope | undefined> {
  const user = http.principal?.user
  if (!context.auth || !user || user.isAdmin) return undefined
  // Roles are per workspace: the request's when workspaces are on (its header was checked already).
  const workspace = (context.workspaces && http.header(WORKSPACE_HEADER)?.trim()) || DEFAULT_ROLE_WORKSPACE
  const roles = roleScope(await context.auth.store.effectiveRoleGrants(user.id, workspace, resourceType))
  return {
    userId: user.id,
    defaultCanRead: permissionRank(context.auth.settings.defaultPermission) >= permissionRank('READ'),
    ...(roles ? { roles } : {}),
  }
}

/** Spread into a search query: `readableBy` only when there is a scope (exactOptionalPropertyTypes). */
export const scope = (readable: AccessScope | undefined): { readableBy?: AccessScope } => (readable ? { readableBy: readable } : {})
