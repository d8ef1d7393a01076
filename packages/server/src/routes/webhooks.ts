import {
  WEBHOOKS_DEFAULT_MAX_RESULTS,
  WEBHOOKS_MAX_RESULTS,
  WEBHOOK_DELIVERIES_DEFAULT_MAX_RESULTS,
  WEBHOOK_DELIVERIES_MAX_RESULTS,
} from '@orchard/protocol/base'
import type { WireWebhookTestResult, webhookRoutes } from '@orchard/protocol'
import {
  validateWebhookFields,
  validateWebhookName,
  webhookDeliveryToWire,
  webhookEventFromWire,
  webhookEventsFromWire,
  webhookPayload,
  webhookStatusFromWire,
  webhookToWire,
} from '@orchard/core'
import type { Handlers } from '../define-routes.ts'
import type { ServerContext } from '../server-context.ts'
import { checkWebhookUrl } from '../webhooks/address-check.ts'
import { examplePayload } from '../webhooks/example-payloads.ts'
import { sendWebhook } from '../webhooks/send.ts'
import { webhookSettingsFromEnv } from '../webhooks/settings.ts'
import type { WebhookSettings } from '../webhooks/settings.ts'
import { checkMaxResults, pageToWire } from './paging.ts'
import { registryOf } from './registry-context.ts'

const settingsOf = (context: ServerContext): WebhookSettings => context.webhookSettings ?? webhookSettingsFromEnv()

// MLflow's update handler treats empty strings as "not given" (`request.name or None`).
const given = (value: string | undefined) => (value ? value : undefined)

export const webhookHandlers: Handlers<typeof webhookRoutes> = {
  async createWebhook(request, context) {
    validateWebhookName(request.name)
    validateWebhookFields(request)
    const events = webhookEventsFromWire(request.events)
    const status = request.status !== undefined ? webhookStatusFromWire(request.status) : undefined
    checkWebhookUrl(request.url, settingsOf(context))
    const webhook = await registryOf(context).createWebhook({
      name: request.name,
      url: request.url,
      events,
      ...(request.description ? { description: request.description } : {}),
      ...(request.secret ? { secret: request.secret } : {}),
      ...(status ? { status } : {}),
    })
    return { webhook: webhookToWire(webhook) }
  },

  async listWebhooks(request, context) {
    const maxResults = checkMaxResults(request.max_results, WEBHOOKS_DEFAULT_MAX_RESULTS, WEBHOOKS_MAX_RESULTS, 'webhooks')
    const page = await registryOf(context).listWebhooks({ maxResults, ...(request.page_token ? { pageToken: request.page_token } : {}) })
    return pageToWire('webhooks', page, webhookToWire)
  },

  async getWebhook(request, context) {
    return { webhook: webhookToWire(await registryOf(context).getWebhook(request.webhook_id)) }
  },

  async updateWebhook(request, context) {
    const name = given(request.name)
    const url = given(request.url)
    if (name !== undefined) validateWebhookName(name)
    validateWebhookFields(request)
    const events = request.events?.length ? webhookEventsFromWire(request.events) : undefined
    const status = request.status !== undefined && request.status !== '' ? webhookStatusFromWire(request.status) : undefined
    // A missing webhook answers 404 before its new URL is looked up.
    await registryOf(context).getWebhook(request.webhook_id)
    if (url !== undefined) checkWebhookUrl(url, settingsOf(context))
    const description = given(request.description)
    const secret = given(request.secret)
    const webhook = await registryOf(context).updateWebhook(request.webhook_id, {
      ...(name !== undefined ? { name } : {}),
      ...(url !== undefined ? { url } : {}),
      ...(events ? { events } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(secret !== undefined ? { secret } : {}),
      ...(status ? { status } : {}),
    })
    return { webhook: webhookToWire(webhook) }
  },

  async deleteWebhook(request, context) {
    await registryOf(context).deleteWebhook(request.webhook_id)
    return {}
  },

  /** Sends an example payload now and reports what came back, as MLflow's test_webhook. */
  async testWebhook(request, context) {
    const event = request.event ? webhookEventFromWire(request.event, 'event') : undefined
    const webhook = await registryOf(context).getWebhookWithSecret(request.webhook_id)
    const testEvent = event ?? webhook.events[0]
    if (!testEvent) return { result: { success: false, error_message: 'The webhook subscribes to no events.' } }
    const payload = webhookPayload(testEvent, Date.now(), examplePayload(testEvent))
    const outcome = await sendWebhook(webhook.url, payload, webhook.secret, settingsOf(context))
    const result: WireWebhookTestResult =
      outcome.status !== undefined
        ? { success: outcome.status < 400, response_status: outcome.status, response_body: outcome.body ?? '' }
        : { success: false, error_message: `Failed to test webhook: ${outcome.error ?? 'no response'}` }
    return { result }
  },

  async listWebhookDeliveries(request, context) {
    const maxResults = checkMaxResults(request.max_results, WEBHOOK_DELIVERIES_DEFAULT_MAX_RESULTS, WEBHOOK_DELIVERIES_MAX_RESULTS, 'webhooks')
    const page = await registryOf(context).listWebhookDeliveries({
      webhookId: request.webhook_id,
      maxResults,
      ...(request.page_token ? { pageToken: request.page_token } : {}),
    })
    return pageToWire('deliveries', page, webhookDeliveryToWire)
  },
}
