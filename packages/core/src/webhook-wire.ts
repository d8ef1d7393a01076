import {
  MAX_WEBHOOK_DESCRIPTION_LENGTH,
  MAX_WEBHOOK_SECRET_LENGTH,
  MAX_WEBHOOK_URL_LENGTH,
  invalidParameter,
} from '@orchard/protocol/base'
import type { WireWebhook, WireWebhookDelivery, WireWebhookEvent } from '@orchard/protocol'
import { WEBHOOK_EVENT_ACTIONS, webhookEventName } from './webhook-types.ts'
import type { Webhook, WebhookAction, WebhookDelivery, WebhookEntity, WebhookEvent, WebhookStatus } from './webhook-types.ts'

// Webhooks between MLflow's proto JSON (enum names such as MODEL_VERSION, or their numbers) and
// the domain (MLflow's lowercase values), with MLflow's checks and messages.

// webhooks.proto numbers. STAGE_TRANSITIONED is Orchard's and has no number in MLflow's enum.
const ENTITY_NUMBERS: Readonly<Record<number, string>> = {
  1: 'REGISTERED_MODEL',
  2: 'MODEL_VERSION',
  3: 'MODEL_VERSION_TAG',
  4: 'MODEL_VERSION_ALIAS',
  5: 'PROMPT',
  6: 'PROMPT_VERSION',
  7: 'PROMPT_TAG',
  8: 'PROMPT_VERSION_TAG',
  9: 'PROMPT_ALIAS',
}
const ACTION_NUMBERS: Readonly<Record<number, string>> = { 1: 'CREATED', 2: 'UPDATED', 3: 'DELETED', 4: 'SET' }
const STATUS_NUMBERS: Readonly<Record<number, string>> = { 1: 'ACTIVE', 2: 'DISABLED' }
const PROMPT_ENTITIES = new Set(['PROMPT', 'PROMPT_VERSION', 'PROMPT_TAG', 'PROMPT_VERSION_TAG', 'PROMPT_ALIAS'])
const ACTIONS: readonly WebhookAction[] = ['created', 'updated', 'deleted', 'set', 'stage_transitioned', 'monitoring_alert']

const enumName = (value: string | number, numbers: Readonly<Record<number, string>>) =>
  typeof value === 'number' ? (numbers[value] ?? String(value)) : value

const badEnum = (value: string | number, field: string, allowed: readonly string[]) =>
  invalidParameter(
    `Invalid value ${JSON.stringify(value)} for parameter '${field}' supplied: expected one of ${allowed.join(', ')}. See the API docs for more information about request parameters.`,
  )

/** One subscribed event from the wire; `field` names it in messages (`events[0]`). */
export function webhookEventFromWire(wire: { entity: string | number; action: string | number }, field: string): WebhookEvent {
  const entityName = enumName(wire.entity, ENTITY_NUMBERS)
  const actionName = enumName(wire.action, ACTION_NUMBERS)
  if (PROMPT_ENTITIES.has(entityName)) {
    throw invalidParameter(`Invalid value '${entityName}' for parameter '${field}.entity' supplied: Orchard has no prompt registry, so prompt events cannot be subscribed to.`)
  }
  const entities = Object.keys(WEBHOOK_EVENT_ACTIONS) as WebhookEntity[]
  const entity = entities.find((e) => e.toUpperCase() === entityName)
  if (!entity) throw badEnum(wire.entity, `${field}.entity`, entities.map((e) => e.toUpperCase()))
  const action = ACTIONS.find((a) => a.toUpperCase() === actionName)
  if (!action) throw badEnum(wire.action, `${field}.action`, ACTIONS.map((a) => a.toUpperCase()))
  const valid = WEBHOOK_EVENT_ACTIONS[entity]
  if (!valid.includes(action)) {
    throw invalidParameter(
      `Invalid action '${action}' for entity '${entity}'. Valid actions are: [${[...valid].sort().map((a) => `'${a}'`).join(', ')}]`,
    )
  }
  return { entity, action }
}

/** The subscribed events of a create or update: at least one, duplicates dropped (one row each). */
export function webhookEventsFromWire(wire: readonly { entity: string | number; action: string | number }[]): WebhookEvent[] {
  if (wire.length === 0) throw invalidParameter('Webhook events must be a non-empty list of WebhookEvent objects: [].')
  const events = new Map<string, WebhookEvent>()
  wire.forEach((e, i) => {
    const event = webhookEventFromWire(e, `events[${i}]`)
    events.set(webhookEventName(event), event)
  })
  return [...events.values()]
}

export function webhookStatusFromWire(value: string | number): WebhookStatus {
  const name = enumName(value, STATUS_NUMBERS)
  if (name === 'ACTIVE' || name === 'DISABLED') return name
  throw badEnum(value, 'status', ['ACTIVE', 'DISABLED'])
}

// MLflow's _WEBHOOK_NAME_REGEX: 1-63 characters, letters, digits, `.`, `_`, `-`, alphanumeric at both ends.
const WEBHOOK_NAME = /^(?=.{1,63}$)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i

export function validateWebhookName(name: string): void {
  if (!WEBHOOK_NAME.test(name)) {
    throw invalidParameter(
      `Webhook name '${name}' is invalid. It must start and end with a letter or digit, be less than 63 characters long, and contain only letters, digits, dots (.), underscores (_), and hyphens (-).`,
    )
  }
}

const checkLength = (field: string, value: string | undefined, limit: number) => {
  if (value !== undefined && value.length > limit) {
    throw invalidParameter(`Webhook ${field} is ${value.length} characters long, over the limit of ${limit}.`)
  }
}

/** Column widths MLflow's schema has (a longer value would fail there at the database). */
export function validateWebhookFields(fields: { url?: string | undefined; description?: string | undefined; secret?: string | undefined }): void {
  checkLength('url', fields.url, MAX_WEBHOOK_URL_LENGTH)
  checkLength('description', fields.description, MAX_WEBHOOK_DESCRIPTION_LENGTH)
  checkLength('secret', fields.secret, MAX_WEBHOOK_SECRET_LENGTH)
}

export const webhookEventToWire = (e: WebhookEvent): WireWebhookEvent => ({ entity: e.entity.toUpperCase(), action: e.action.toUpperCase() })

export function webhookToWire(w: Webhook): WireWebhook {
  const wire: WireWebhook = {
    webhook_id: w.webhookId,
    name: w.name,
    url: w.url,
    events: w.events.map(webhookEventToWire),
    status: w.status,
    creation_timestamp: w.creationTimestamp,
    last_updated_timestamp: w.lastUpdatedTimestamp,
  }
  if (w.description) wire.description = w.description
  return wire
}

export function webhookDeliveryToWire(d: WebhookDelivery): WireWebhookDelivery {
  const wire: WireWebhookDelivery = {
    delivery_id: d.deliveryId,
    webhook_id: d.webhookId,
    event: webhookEventName(d.event),
    status: d.status,
    attempts: d.attempts,
    created_at: d.createdAt,
    payload: d.payload,
  }
  if (d.status === 'PENDING') wire.next_attempt_at = d.nextAttemptAt
  if (d.lastResponseStatus !== undefined) wire.last_response_status = d.lastResponseStatus
  if (d.lastError !== undefined) wire.last_error = d.lastError
  if (d.deliveredAt !== undefined) wire.delivered_at = d.deliveredAt
  return wire
}

/** Python's datetime.isoformat() of a UTC time (`…T12:00:00.123000+00:00`), as MLflow writes `timestamp`. */
export const webhookTimestamp = (ms: number) => new Date(ms).toISOString().replace('Z', '000+00:00')

/** The body MLflow posts: `{"entity", "action", "timestamp", "data"}`; it is also what is signed. */
export const webhookPayload = (event: WebhookEvent, time: number, data: Record<string, unknown>): string =>
  JSON.stringify({ entity: event.entity, action: event.action, timestamp: webhookTimestamp(time), data })
