import { OrchardError, invalidParameter } from '@orchard/protocol/base'
import type { AuditNote, Tag } from '@orchard/core'
import type { RegistryStore } from '@orchard/store'
import type { RequestHeaders } from '../define-routes.ts'
import type { ServerContext } from '../server-context.ts'

/** The registry store; app.ts registers registry routes only when there is one. */
export function registryOf(context: ServerContext): RegistryStore {
  if (!context.registryStore) throw new OrchardError('NOT_IMPLEMENTED', 'This server has no model registry store.')
  return context.registryStore
}

/**
 * Who a request says it comes from, without authentication. With it on, the authenticated user is
 * recorded and this header is ignored: a client could write any name in it.
 */
export const USER_HEADER = 'X-Orchard-User'
// Audit user ids are short names or emails; MLflow's user_id columns are 256 wide.
const MAX_USER_LENGTH = 256

function userOf(http: RequestHeaders): string | undefined {
  if (http.principal) return http.principal.user.username
  const user = http.header(USER_HEADER)?.trim()
  if (!user) return undefined
  if (user.length > MAX_USER_LENGTH || /\p{Cc}/u.test(user)) {
    throw invalidParameter(`Header ${USER_HEADER} must be a user name of at most ${MAX_USER_LENGTH} printable characters.`)
  }
  return user
}

/**
 * The audit note of a request: who (the authenticated user, else the X-Orchard-User header; the store
 * records `unknown` when there is neither) and its optional comment.
 */
export function noteOf(request: { comment?: string | undefined }, http: RequestHeaders): AuditNote {
  const userId = userOf(http)
  return { ...(userId ? { userId } : {}), ...(request.comment ? { comment: request.comment } : {}) }
}

export const toTags = (list: readonly { key: string; value?: string | undefined }[] | undefined): Tag[] =>
  (list ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }))
