import type { AuditNote, Page, RegistryAction, RegistryEntityType, RegistryEvent } from '@orchard/core'
import { workspaceOf } from '../sql/context.ts'
import type { StoreContext } from '../sql/context.ts'
import type { Db } from '../sql/db.ts'
import { fragment, joinFragments } from '../sql/dialect.ts'
import type { Fragment } from '../sql/dialect.ts'
import { decodePageToken, encodePageToken, queryFingerprint } from '../sql/page-token.ts'
import type { SearchRegistryEventsQuery } from './registry-store.ts'

interface EventInput {
  readonly modelId: number
  readonly name: string
  readonly version?: number
  readonly action: RegistryAction
  readonly key?: string
  readonly from?: string | undefined
  readonly to?: string | undefined
}

/** Who made a change no caller named: the audit trail always says who, even when it is not known. */
export const UNKNOWN_USER = 'unknown'

/** Appends one audit event; called inside the transaction that makes the change. */
export async function appendEvent(tx: Db, time: number, event: EventInput, note: AuditNote = {}): Promise<void> {
  const entityType: RegistryEntityType = event.version === undefined ? 'REGISTERED_MODEL' : 'MODEL_VERSION'
  await tx.run(
    // The model's workspace; a deleted model's row is gone, so then the one its earlier events carry.
    `INSERT INTO registry_events (registered_model_id, name, version, entity_type, action, key, from_value, to_value, comment, user_id, timestamp, workspace)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(
       (SELECT workspace FROM registered_models WHERE registered_model_id = ?),
       (SELECT workspace FROM registry_events WHERE registered_model_id = ? ORDER BY event_id DESC LIMIT 1), 'default'))`,
    [
      event.modelId,
      event.name,
      event.version ?? null,
      entityType,
      event.action,
      event.key ?? null,
      event.from ?? null,
      event.to ?? null,
      note.comment ?? null,
      note.userId ?? UNKNOWN_USER,
      time,
      event.modelId,
      event.modelId,
    ],
  )
}

interface EventRow {
  event_id: number
  name: string
  version: number | null
  entity_type: RegistryEntityType
  action: RegistryAction
  key: string | null
  from_value: string | null
  to_value: string | null
  comment: string | null
  user_id: string | null
  timestamp: number
}

const toEvent = (row: EventRow): RegistryEvent => ({
  eventId: String(row.event_id),
  timestamp: row.timestamp,
  entityType: row.entity_type,
  name: row.name,
  action: row.action,
  ...(row.version !== null ? { version: String(row.version) } : {}),
  ...(row.user_id !== null ? { userId: row.user_id } : {}),
  ...(row.key !== null ? { key: row.key } : {}),
  ...(row.from_value !== null ? { fromValue: row.from_value } : {}),
  ...(row.to_value !== null ? { toValue: row.to_value } : {}),
  ...(row.comment !== null ? { comment: row.comment } : {}),
})

export async function searchRegistryEvents(ctx: StoreContext, query: SearchRegistryEventsQuery, version: number | undefined): Promise<Page<RegistryEvent>> {
  const { db } = ctx
  const fingerprint = queryFingerprint({ n: query.name ?? null, v: version ?? null })
  const cursor = query.pageToken
    ? decodePageToken(query.pageToken, fingerprint)
    : { offset: 0, watermark: (await db.query<{ top: number | null }>('SELECT max(event_id) AS top FROM registry_events'))[0]?.top ?? 0 }
  const conditions: Fragment[] = [fragment('event_id <= ?', [cursor.watermark])]
  if (query.name !== undefined) {
    // The whole history of every model that has had this name: the one that has it now, and any
    // that had it before (renamed away or deleted); each name a model held appears on its events.
    conditions.push(
      fragment(
        `registered_model_id IN (SELECT registered_model_id FROM registered_models WHERE name = ? AND workspace = ?
           UNION SELECT registered_model_id FROM registry_events WHERE name = ? AND workspace = ?)`,
        [query.name, workspaceOf(ctx), query.name, workspaceOf(ctx)],
      ),
    )
  }
  if (version !== undefined) conditions.push(fragment('version = ?', [version]))
  const where = joinFragments(conditions, ' AND ')
  const rows = await db.query<EventRow>(
    `SELECT event_id, name, version, entity_type, action, key, from_value, to_value, comment, user_id, timestamp
     FROM registry_events WHERE ${where.sql} ORDER BY event_id DESC LIMIT ? OFFSET ?`,
    [...where.params, query.maxResults + 1, cursor.offset],
  )
  const items = rows.slice(0, query.maxResults).map(toEvent)
  return rows.length > query.maxResults
    ? { items, nextPageToken: encodePageToken({ offset: cursor.offset + query.maxResults, watermark: cursor.watermark }, fingerprint) }
    : { items }
}
