// Registry webhooks (MLflow 3.x's webhooks.proto and mlflow/entities/webhook.py). Entities and
// actions are MLflow's lowercase values, as in payloads and logs (`model_version.created`); the
// REST API writes them as the proto enum names (`MODEL_VERSION`, `CREATED`).

export type WebhookEntity = 'registered_model' | 'model_version' | 'model_version_tag' | 'model_version_alias'
export type WebhookAction = 'created' | 'updated' | 'deleted' | 'set' | 'stage_transitioned' | 'monitoring_alert'
export type WebhookStatus = 'ACTIVE' | 'DISABLED'

export interface WebhookEvent {
  readonly entity: WebhookEntity
  readonly action: WebhookAction
}

/**
 * The events a webhook may subscribe to: MLflow's model-registry events (its VALID_ENTITY_ACTIONS
 * without prompts, which Orchard does not have) plus Orchard's `model_version.stage_transitioned`,
 * since stages are what many teams deploy from, and `model_version.monitoring_alert`, which a
 * monitoring job raises by setting the MONITORING_ALERT_TAG on the version it watches.
 */
export const WEBHOOK_EVENT_ACTIONS: Readonly<Record<WebhookEntity, readonly WebhookAction[]>> = {
  registered_model: ['created'],
  model_version: ['created', 'stage_transitioned', 'monitoring_alert'],
  model_version_tag: ['set', 'deleted'],
  model_version_alias: ['created', 'deleted'],
}

/**
 * The model-version tag a monitoring job sets to raise an alert: its value is the alert as JSON.
 * Setting it queues `model_version.monitoring_alert` (besides `model_version_tag.set`) in the same
 * transaction, so the alert goes out through the webhook outbox, signed, and the version keeps its
 * latest alert for people to see.
 */
export const MONITORING_ALERT_TAG = 'orchard.monitoring.alert'

/** `model_version.created`: how events are named in payload logs and Orchard's delivery records. */
export const webhookEventName = (event: WebhookEvent): string => `${event.entity}.${event.action}`

export interface Webhook {
  readonly webhookId: string
  readonly name: string
  readonly description?: string
  readonly url: string
  readonly events: readonly WebhookEvent[]
  readonly status: WebhookStatus
  readonly creationTimestamp: number
  readonly lastUpdatedTimestamp: number
}

/** A webhook with its signing secret: only the delivery loop reads it; no API returns it. */
export interface WebhookWithSecret extends Webhook {
  readonly secret?: string
}

export interface NewWebhook {
  readonly name: string
  readonly url: string
  readonly events: readonly WebhookEvent[]
  readonly description?: string
  readonly secret?: string
  readonly status?: WebhookStatus
}

/** Fields left undefined keep their value, as in MLflow's update_webhook. */
export interface WebhookUpdate {
  readonly name?: string
  readonly url?: string
  readonly events?: readonly WebhookEvent[]
  readonly description?: string
  readonly secret?: string
  readonly status?: WebhookStatus
}

export type WebhookDeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED' | 'CANCELLED'

/** One outbox row: an event on its way to one webhook. */
export interface WebhookDelivery {
  /** The X-MLflow-Delivery-Id header: the same on every attempt, so receivers can drop duplicates. */
  readonly deliveryId: string
  readonly webhookId: string
  readonly event: WebhookEvent
  /** The exact JSON body sent (and signed). */
  readonly payload: string
  readonly status: WebhookDeliveryStatus
  readonly attempts: number
  readonly createdAt: number
  readonly nextAttemptAt: number
  readonly lastResponseStatus?: number
  readonly lastError?: string
  readonly deliveredAt?: number
}

/** What one attempt to send a delivery came to. */
export interface WebhookAttemptResult {
  readonly startedAt: number
  readonly durationMs: number
  readonly responseStatus?: number
  readonly error?: string
  /** Delivered (2xx). Otherwise `retryAt` says when to try again, or undefined to give up. */
  readonly delivered: boolean
  readonly retryAt?: number
}
