import type { NewWebhook, Page, Webhook, WebhookAttemptResult, WebhookDelivery, WebhookUpdate, WebhookWithSecret } from '@orchard/core'
import type { ClaimedDelivery } from './outbox.ts'

export type { ClaimedDelivery }

/**
 * Registry webhooks (MLflow 3.x) and their delivery outbox. Registry changes enqueue deliveries in
 * their own transactions; the server's delivery loop claims, sends and records them.
 */
export interface WebhookStore {
  createWebhook(input: NewWebhook): Promise<Webhook>
  getWebhook(webhookId: string): Promise<Webhook>
  /** For signing a test request; the secret never leaves the server. */
  getWebhookWithSecret(webhookId: string): Promise<WebhookWithSecret>
  /** Newest first. */
  listWebhooks(query: { maxResults: number; pageToken?: string }): Promise<Page<Webhook>>
  updateWebhook(webhookId: string, update: WebhookUpdate): Promise<Webhook>
  /** Soft delete; its pending deliveries are cancelled. */
  deleteWebhook(webhookId: string): Promise<void>

  /** Leases due deliveries, at most one (the oldest pending) per webhook, to `owner` for `leaseMs`. */
  claimWebhookDeliveries(owner: string, leaseMs: number, limit: number): Promise<ClaimedDelivery[]>
  recordWebhookAttempt(deliveryId: string, owner: string, result: WebhookAttemptResult): Promise<void>
  /** Newest first. */
  listWebhookDeliveries(query: { webhookId: string; maxResults: number; pageToken?: string }): Promise<Page<WebhookDelivery>>
}
