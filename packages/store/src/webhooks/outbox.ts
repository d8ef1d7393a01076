import { randomUUID } from 'node:crypto'
import { webhookPayload } from '@orchard/core'
import type { Page, WebhookAttemptResult, WebhookDelivery, WebhookDeliveryStatus, WebhookEvent } from '@orchard/core'
import type { StoreContext } from '../sql/context.ts'
import type { Db } from '../sql/db.ts'
import { decodeOffsetToken, encodeOffsetToken } from '../sql/page-token.ts'
import { webhookNotFound } from './webhooks.ts'

// The webhook outbox. A registry change enqueues its event in its own transaction; the server's
// delivery loop claims, sends and records. Deliveries to one webhook go out in the order their
// changes committed: only the oldest PENDING row of a webhook is ever claimed.

/**
 * Queues `event` for every active webhook subscribed to it. Call it inside the transaction that
 * makes the change: the rows commit or roll back with it.
 */
export async function enqueueWebhookEvent(tx: Db, time: number, event: WebhookEvent, data: Record<string, unknown>): Promise<void> {
  const hooks = await tx.query<{ webhook_id: string }>(
    `SELECT w.webhook_id FROM webhooks w JOIN webhook_events e ON e.webhook_id = w.webhook_id
     WHERE e.entity = ? AND e.action = ? AND w.status = 'ACTIVE' AND w.deleted_timestamp IS NULL ORDER BY w.webhook_id`,
    [event.entity, event.action],
  )
  if (hooks.length === 0) return
  const payload = webhookPayload(event, time, data)
  for (const { webhook_id } of hooks) {
    await tx.run(
      `INSERT INTO webhook_deliveries (delivery_uuid, webhook_id, entity, action, payload, status, attempts, created_at, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?, ?)`,
      [randomUUID(), webhook_id, event.entity, event.action, payload, time, time],
    )
  }
}

interface DeliveryRow {
  delivery_uuid: string
  webhook_id: string
  entity: WebhookEvent['entity']
  action: WebhookEvent['action']
  payload: string
  status: WebhookDeliveryStatus
  attempts: number
  created_at: number
  next_attempt_at: number
  last_response_status: number | null
  last_error: string | null
  delivered_at: number | null
}

const DELIVERY_COLUMNS =
  'd.delivery_uuid, d.webhook_id, d.entity, d.action, d.payload, d.status, d.attempts, d.created_at, d.next_attempt_at, d.last_response_status, d.last_error, d.delivered_at'

const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  deliveryId: row.delivery_uuid,
  webhookId: row.webhook_id,
  event: { entity: row.entity, action: row.action },
  payload: row.payload,
  status: row.status,
  attempts: row.attempts,
  createdAt: row.created_at,
  nextAttemptAt: row.next_attempt_at,
  ...(row.last_response_status !== null ? { lastResponseStatus: row.last_response_status } : {}),
  ...(row.last_error !== null ? { lastError: row.last_error } : {}),
  ...(row.delivered_at !== null ? { deliveredAt: row.delivered_at } : {}),
})

/** A claimed delivery with where to send it and the key to sign it with. */
export interface ClaimedDelivery {
  readonly delivery: WebhookDelivery
  readonly url: string
  readonly secret?: string
}

/**
 * Leases up to `limit` due deliveries, at most one per webhook (its oldest pending one), to
 * `owner` until `now + leaseMs`. The lease conditions are on the updated row itself, so when two
 * replicas race for a row PostgreSQL re-checks them after the first commits and the second skips
 * it; SQLite runs one write transaction at a time.
 */
export async function claimWebhookDeliveries(ctx: StoreContext, owner: string, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
  const now = ctx.now()
  const claimed = await ctx.db.transaction((tx) =>
    tx.query<{ delivery_id: number }>(
      `UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ?
       WHERE delivery_id IN (
         SELECT heads.head FROM (
           SELECT min(d.delivery_id) AS head FROM webhook_deliveries d JOIN webhooks w ON w.webhook_id = d.webhook_id
           WHERE d.status = 'PENDING' AND w.status = 'ACTIVE' AND w.deleted_timestamp IS NULL GROUP BY d.webhook_id
         ) heads JOIN webhook_deliveries x ON x.delivery_id = heads.head
         WHERE x.next_attempt_at <= ? AND (x.lease_until IS NULL OR x.lease_until < ?)
         ORDER BY heads.head LIMIT ?
       )
       AND status = 'PENDING' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
       RETURNING delivery_id`,
      [owner, now + leaseMs, now, now, limit, now, now],
    ),
  )
  if (claimed.length === 0) return []
  const ids = claimed.map((c) => c.delivery_id)
  const rows = await ctx.db.query<DeliveryRow & { url: string; secret: string | null }>(
    `SELECT ${DELIVERY_COLUMNS}, w.url, w.secret FROM webhook_deliveries d JOIN webhooks w ON w.webhook_id = d.webhook_id
     WHERE d.delivery_id IN (${ids.map(() => '?').join(', ')}) ORDER BY d.delivery_id`,
    ids,
  )
  return rows.map((row) => ({ delivery: toDelivery(row), url: row.url, ...(row.secret !== null ? { secret: row.secret } : {}) }))
}

// What the delivery records keep of an error text.
const MAX_ERROR_LENGTH = 1000

/**
 * Records one attempt and releases the lease: DELIVERED, PENDING again at `retryAt`, or FAILED.
 * An owner whose lease was taken over (it outlived the lease) records nothing.
 */
export async function recordWebhookAttempt(ctx: StoreContext, deliveryId: string, owner: string, result: WebhookAttemptResult): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<{ delivery_id: number; attempts: number }>(
      `SELECT delivery_id, attempts FROM webhook_deliveries WHERE delivery_uuid = ? AND lease_owner = ? AND status = 'PENDING'`,
      [deliveryId, owner],
    )
    if (!row) return
    const attempt = row.attempts + 1
    const error = result.error?.slice(0, MAX_ERROR_LENGTH) ?? null
    await tx.run(
      'INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, response_status, error) VALUES (?, ?, ?, ?, ?, ?)',
      [row.delivery_id, attempt, result.startedAt, result.durationMs, result.responseStatus ?? null, error],
    )
    const status: WebhookDeliveryStatus = result.delivered ? 'DELIVERED' : result.retryAt !== undefined ? 'PENDING' : 'FAILED'
    await tx.run(
      `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_response_status = ?, last_error = ?,
         delivered_at = ?, lease_owner = NULL, lease_until = NULL WHERE delivery_id = ?`,
      [
        status,
        attempt,
        result.retryAt ?? result.startedAt,
        result.responseStatus ?? null,
        error,
        result.delivered ? result.startedAt + result.durationMs : null,
        row.delivery_id,
      ],
    )
  })
}

/** A webhook's deliveries, newest first (deleted webhooks' records stay readable). */
export async function listWebhookDeliveries(
  ctx: StoreContext,
  query: { webhookId: string; maxResults: number; pageToken?: string },
): Promise<Page<WebhookDelivery>> {
  const [known] = await ctx.db.query('SELECT 1 AS found FROM webhooks WHERE webhook_id = ?', [query.webhookId])
  if (!known) throw webhookNotFound(query.webhookId)
  const offset = query.pageToken ? decodeOffsetToken(query.pageToken) : 0
  const rows = await ctx.db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.webhook_id = ? ORDER BY d.delivery_id DESC LIMIT ? OFFSET ?`,
    [query.webhookId, query.maxResults + 1, offset],
  )
  const items = rows.slice(0, query.maxResults).map(toDelivery)
  return rows.length > query.maxResults ? { items, nextPageToken: encodeOffsetToken(offset + query.maxResults) } : { items }
}
