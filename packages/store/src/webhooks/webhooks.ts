import { randomUUID } from 'node:crypto'
import type { NewWebhook, Page, Webhook, WebhookEvent, WebhookStatus, WebhookUpdate, WebhookWithSecret } from '@orchard/core'
import { notFound } from '@orchard/protocol/base'
import type { StoreContext } from '../sql/context.ts'
import type { Db } from '../sql/db.ts'
import { decodeOffsetToken, encodeOffsetToken } from '../sql/page-token.ts'

// Webhook CRUD, as MLflow's SqlAlchemyStore: ids are UUIDs, a delete is soft (deleted_timestamp),
// and a deleted webhook is not found by any call.

interface WebhookRow {
  webhook_id: string
  name: string
  description: string | null
  url: string
  status: WebhookStatus
  secret: string | null
  creation_timestamp: number
  last_updated_timestamp: number
}

const COLUMNS = 'webhook_id, name, description, url, status, secret, creation_timestamp, last_updated_timestamp'

export const webhookNotFound = (webhookId: string) => notFound(`Webhook with ID ${webhookId} not found.`)

async function loadEvents(db: Db, ids: readonly string[]): Promise<Map<string, WebhookEvent[]>> {
  const events = new Map<string, WebhookEvent[]>()
  if (ids.length === 0) return events
  const rows = await db.query<{ webhook_id: string } & WebhookEvent>(
    `SELECT webhook_id, entity, action FROM webhook_events WHERE webhook_id IN (${ids.map(() => '?').join(', ')}) ORDER BY entity, action`,
    ids,
  )
  for (const row of rows) {
    let list = events.get(row.webhook_id)
    if (!list) events.set(row.webhook_id, (list = []))
    list.push({ entity: row.entity, action: row.action })
  }
  return events
}

function toWebhook(row: WebhookRow, events: readonly WebhookEvent[]): WebhookWithSecret {
  return {
    webhookId: row.webhook_id,
    name: row.name,
    url: row.url,
    events,
    status: row.status,
    creationTimestamp: row.creation_timestamp,
    lastUpdatedTimestamp: row.last_updated_timestamp,
    ...(row.description !== null ? { description: row.description } : {}),
    ...(row.secret !== null ? { secret: row.secret } : {}),
  }
}

/** What the API may show: everything but the secret. */
function withoutSecret(webhook: WebhookWithSecret): Webhook {
  const { secret: _secret, ...rest } = webhook
  return rest
}

async function findWebhook(db: Db, webhookId: string): Promise<WebhookWithSecret> {
  const [row] = await db.query<WebhookRow>(`SELECT ${COLUMNS} FROM webhooks WHERE webhook_id = ? AND deleted_timestamp IS NULL`, [webhookId])
  if (!row) throw webhookNotFound(webhookId)
  return toWebhook(row, (await loadEvents(db, [webhookId])).get(webhookId) ?? [])
}

async function insertEvents(tx: Db, webhookId: string, events: readonly WebhookEvent[]): Promise<void> {
  for (const event of events) {
    await tx.run('INSERT INTO webhook_events (webhook_id, entity, action) VALUES (?, ?, ?)', [webhookId, event.entity, event.action])
  }
}

export async function createWebhook(ctx: StoreContext, input: NewWebhook): Promise<Webhook> {
  return ctx.db.transaction(async (tx) => {
    const webhookId = randomUUID()
    const now = ctx.now()
    await tx.run(
      `INSERT INTO webhooks (webhook_id, name, description, url, status, secret, creation_timestamp, last_updated_timestamp)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [webhookId, input.name, input.description ?? null, input.url, input.status ?? 'ACTIVE', input.secret ?? null, now, now],
    )
    await insertEvents(tx, webhookId, input.events)
    return withoutSecret(await findWebhook(tx, webhookId))
  })
}

export async function getWebhook(ctx: StoreContext, webhookId: string): Promise<Webhook> {
  return withoutSecret(await findWebhook(ctx.db, webhookId))
}

/** With its secret, for the `test` call that signs a request; never sent to a client. */
export async function getWebhookWithSecret(ctx: StoreContext, webhookId: string): Promise<WebhookWithSecret> {
  return findWebhook(ctx.db, webhookId)
}

/** Newest first, as MLflow's list_webhooks. */
export async function listWebhooks(ctx: StoreContext, query: { maxResults: number; pageToken?: string }): Promise<Page<Webhook>> {
  const offset = query.pageToken ? decodeOffsetToken(query.pageToken) : 0
  const rows = await ctx.db.query<WebhookRow>(
    `SELECT ${COLUMNS} FROM webhooks WHERE deleted_timestamp IS NULL
     ORDER BY creation_timestamp DESC, webhook_id LIMIT ? OFFSET ?`,
    [query.maxResults + 1, offset],
  )
  const page = rows.slice(0, query.maxResults)
  const events = await loadEvents(ctx.db, page.map((r) => r.webhook_id))
  const items = page.map((row) => withoutSecret(toWebhook(row, events.get(row.webhook_id) ?? [])))
  return rows.length > query.maxResults ? { items, nextPageToken: encodeOffsetToken(offset + query.maxResults) } : { items }
}

export async function updateWebhook(ctx: StoreContext, webhookId: string, update: WebhookUpdate): Promise<Webhook> {
  return ctx.db.transaction(async (tx) => {
    const old = await findWebhook(tx, webhookId)
    await tx.run(
      `UPDATE webhooks SET name = ?, description = ?, url = ?, status = ?, secret = ?, last_updated_timestamp = ? WHERE webhook_id = ?`,
      [
        update.name ?? old.name,
        update.description ?? old.description ?? null,
        update.url ?? old.url,
        update.status ?? old.status,
        update.secret ?? old.secret ?? null,
        ctx.now(),
        webhookId,
      ],
    )
    if (update.events) {
      await tx.run('DELETE FROM webhook_events WHERE webhook_id = ?', [webhookId])
      await insertEvents(tx, webhookId, update.events)
    }
    return withoutSecret(await findWebhook(tx, webhookId))
  })
}

/** Soft delete, as MLflow; deliveries still waiting are cancelled (their records stay). */
export async function deleteWebhook(ctx: StoreContext, webhookId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await findWebhook(tx, webhookId)
    const now = ctx.now()
    await tx.run('UPDATE webhooks SET deleted_timestamp = ?, last_updated_timestamp = ? WHERE webhook_id = ?', [now, now, webhookId])
    await tx.run(
      `UPDATE webhook_deliveries SET status = 'CANCELLED', lease_owner = NULL, lease_until = NULL WHERE webhook_id = ? AND status = 'PENDING'`,
      [webhookId],
    )
  })
}
