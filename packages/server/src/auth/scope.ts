import { permissionRank } from '@orchard/protocol'
import type { AccessScope } from '@orchard/core'
import type { RequestHeaders } from '../define-routes.ts'
import type { ServerContext } from '../server-context.ts'

/**
 * What a search may return to this caller: undefined (everything) without access control or for an
 * admin, otherwise the caller's grants with the server's default, applied in SQL by the store.
 */
export function readableBy(context: ServerContext, http: RequestHeaders): AccessScope | undefined {
  const user = http.principal?.user
  if (!context.auth || !user || user.isAdmin) return undefined
  return { userId: user.id, defaultCanRead: permissionRank(context.auth.settings.defaultPermission) >= permissionRank('READ') }
}

/** Spread into a search query: `readableBy` only when there is a scope (exactOptionalPropertyTypes). */
export const scope = (readable: AccessScope | undefined): { readableBy?: AccessScope } => (readable ? { readableBy: readable } : {})
