import { z } from 'zod'
import { int64, optionalString, requiredString } from '../schema.ts'
import { needs } from './permission.ts'
import { route } from './route.ts'

// MLflow 3.x's WebhookService (mlflow/protos/webhooks.proto), plus Orchard's delivery records.
// Entities, actions and statuses travel as proto enum names (`MODEL_VERSION`, `CREATED`, `ACTIVE`);
// proto3 JSON parsers also accept the enum numbers, so the schema lets both through and the server
// maps and checks them with MLflow's messages.


const enumValue = z.union([z.string({ error: 'expected a string' }), z.number().int()], { error: 'expected an enum name' })
export const webhookEventSchema = z.object({ entity: enumValue, action: enumValue })
const webhookId = { webhook_id: requiredString }

export const webhookRoutes = {
  createWebhook: route({
    methods: ['POST'],
    permission: needs.admin(),
    path: '/mlflow/webhooks',
    request: z.object({
      name: requiredString,
      url: requiredString,
      events: z.array(webhookEventSchema, { error: 'expected an array' }),
      description: optionalString,
      secret: optionalString,
      status: enumValue.optional(),
    }),
  }),
  listWebhooks: route({
    methods: ['GET'],
    permission: needs.admin(),
    path: '/mlflow/webhooks',
    request: z.object({ max_results: int64.optional(), page_token: optionalString }),
  }),
  getWebhook: route({ methods: ['GET'], permission: needs.admin(), path: '/mlflow/webhooks/{webhook_id}', request: z.object(webhookId) }),
  updateWebhook: route({
    methods: ['PATCH'],
    permission: needs.admin(),
    path: '/mlflow/webhooks/{webhook_id}',
    request: z.object({
      ...webhookId,
      name: optionalString,
      url: optionalString,
      events: z.array(webhookEventSchema, { error: 'expected an array' }).optional(),
      description: optionalString,
      secret: optionalString,
      status: enumValue.optional(),
    }),
  }),
  deleteWebhook: route({ methods: ['DELETE'], permission: needs.admin(), path: '/mlflow/webhooks/{webhook_id}', request: z.object(webhookId) }),
  testWebhook: route({
    methods: ['POST'],
    permission: needs.admin(),
    path: '/mlflow/webhooks/{webhook_id}/test',
    request: z.object({ ...webhookId, event: webhookEventSchema.optional() }),
  }),

  /** Orchard's record of each delivery to a webhook (the outbox), newest first. */
  listWebhookDeliveries: route({
    methods: ['GET'],
    permission: needs.admin(),
    path: '/orchard/webhooks/deliveries',
    request: z.object({ ...webhookId, max_results: int64.optional(), page_token: optionalString }),
  }),
}

export type WebhookRoutes = typeof webhookRoutes

export interface WireWebhookEvent {
  entity: string
  action: string
}

/** MLflow's Webhook message: the secret is never part of it. */
export interface WireWebhook {
  webhook_id: string
  name: string
  description?: string
  url: string
  events: WireWebhookEvent[]
  status: string
  creation_timestamp: number
  last_updated_timestamp: number
}

export interface WireWebhookTestResult {
  success: boolean
  response_status?: number
  response_body?: string
  error_message?: string
}

export interface WireWebhookDelivery {
  delivery_id: string
  webhook_id: string
  /** `model_version.created` */
  event: string
  status: string
  attempts: number
  created_at: number
  next_attempt_at?: number
  last_response_status?: number
  last_error?: string
  delivered_at?: number
  /** The JSON body as sent. */
  payload: string
}
