import { OrchardError } from '@orchard/protocol'
import type { AuditNote, Tag } from '@orchard/core'
import type { RegistryStore } from '@orchard/store'
import type { ServerContext } from '../server-context.ts'

/** The registry store; app.ts registers registry routes only when there is one. */
export function registryOf(context: ServerContext): RegistryStore {
  if (!context.registryStore) throw new OrchardError('NOT_IMPLEMENTED', 'This server has no model registry store.')
  return context.registryStore
}

/** The audit note of a request: its optional comment. Orchard has no user identity to record yet. */
export const noteOf = (request: { comment?: string | undefined }): AuditNote => (request.comment ? { comment: request.comment } : {})

export const toTags = (list: readonly { key: string; value?: string | undefined }[] | undefined): Tag[] =>
  (list ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }))
