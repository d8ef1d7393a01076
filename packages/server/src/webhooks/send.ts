import { createHmac, randomUUID } from 'node:crypto'
import type { LookupAddress } from 'node:dns'
import { lookup as dnsLookup } from 'node:dns'
import { request as httpRequest } from 'node:http'
import type { IncomingMessage, RequestOptions } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import type { LookupFunction } from 'node:net'
import { bareHost, isPublicAddress, parseWebhookUrl } from './address-check.ts'
import type { WebhookSettings } from './settings.ts'

// One signed POST of a webhook payload, as MLflow's _send_webhook_request: headers
// X-MLflow-Delivery-Id, X-MLflow-Timestamp (Unix seconds) and, with a secret,
// X-MLflow-Signature: v1,<base64 HMAC-SHA256 of "<delivery id>.<timestamp>.<body>">.

export const DELIVERY_ID_HEADER = 'X-MLflow-Delivery-Id'
export const TIMESTAMP_HEADER = 'X-MLflow-Timestamp'
export const SIGNATURE_HEADER = 'X-MLflow-Signature'

// The response body kept for the `test` call and the delivery record; receivers' pages can be large.
const MAX_RESPONSE_BODY_BYTES = 64 * 1024

export function signPayload(secret: string, deliveryId: string, timestamp: string, payload: string): string {
  return `v1,${createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${payload}`).digest('base64')}`
}

export interface SendOutcome {
  readonly status?: number
  readonly body?: string
  /** Seconds from a Retry-After header, when the receiver sent one. */
  readonly retryAfterSeconds?: number
  /** Why no response came back (refused address, timeout, connection error). */
  readonly error?: string
  /** The address check refused the destination: retrying cannot help. */
  readonly refused?: boolean
}

class RefusedAddress extends Error {}

/**
 * DNS for the delivery socket: every address the host resolves to must be public. The socket
 * connects to what this returned, so there is no second resolution an attacker could rebind.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0)
    const blocked = addresses.find((a) => !isPublicAddress(a.address))
    if (blocked) return callback(new RefusedAddress(`${hostname} resolves to ${blocked.address}, which is not a public IP address`), '', 0)
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
    const first = addresses[0] as LookupAddress
    callback(null, first.address, first.family)
  })
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    response.on('data', (chunk: Buffer) => {
      if (size < MAX_RESPONSE_BODY_BYTES) chunks.push(chunk.subarray(0, MAX_RESPONSE_BODY_BYTES - size))
      size += chunk.length
    })
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    response.on('error', reject)
  })
}

/**
 * POSTs `payload` to `url`, signed with `secret` when there is one. Never throws: a refused
 * address, a timeout or a network error comes back as `error`. Redirects are not followed.
 */
export async function sendWebhook(
  url: string,
  payload: string,
  secret: string | undefined,
  settings: WebhookSettings,
  deliveryId: string = randomUUID(),
  now: () => number = Date.now,
  signal?: AbortSignal,
): Promise<SendOutcome> {
  let target: URL
  try {
    target = parseWebhookUrl(url, settings)
  } catch (error) {
    return { error: (error as Error).message, refused: true }
  }
  const host = bareHost(target)
  if (!settings.allowPrivateIps && isIP(host) && !isPublicAddress(host)) {
    return { error: `Webhook delivery refused: ${host} is not a public IP address. Set MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true to allow it.`, refused: true }
  }
  const timestamp = String(Math.floor(now() / 1000))
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    [DELIVERY_ID_HEADER]: deliveryId,
    [TIMESTAMP_HEADER]: timestamp,
  }
  if (secret) headers[SIGNATURE_HEADER] = signPayload(secret, deliveryId, timestamp, payload)
  const options: RequestOptions = {
    method: 'POST',
    headers,
    timeout: settings.requestTimeoutMs,
    ...(signal ? { signal } : {}),
    ...(settings.allowPrivateIps ? {} : { lookup: publicOnlyLookup }),
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise<SendOutcome>((settle) => {
    // The socket's idle timeout alone lets a receiver that trickles its answer hold a delivery (and
    // the `test` call waiting on it) for ever; the timeout bounds the whole exchange.
    // (0 means no timeout, as for the socket's.)
    const deadline =
      settings.requestTimeoutMs > 0
        ? setTimeout(() => {
            resolve({ error: `Webhook request to ${target.origin} failed: no complete response within ${settings.requestTimeoutMs} ms` })
            request.destroy()
          }, settings.requestTimeoutMs)
        : undefined
    const resolve = (outcome: SendOutcome) => {
      clearTimeout(deadline)
      settle(outcome)
    }
    const request = send(target, options, (response) => {
      readBody(response).then(
        (body) => {
          const retryAfter = Number(response.headers['retry-after'])
          resolve({
            status: response.statusCode ?? 0,
            body,
            ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
          })
        },
        (error: Error) => resolve({ error: `Reading the response failed: ${error.message}` }),
      )
    })
    request.on('timeout', () => request.destroy(new Error(`no response within ${settings.requestTimeoutMs} ms`)))
    request.on('error', (error) => {
      if (error instanceof RefusedAddress) {
        resolve({ error: `Webhook delivery refused: ${error.message}. Set MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true to allow it.`, refused: true })
      } else {
        resolve({ error: `Webhook request to ${target.origin} failed: ${error.message}` })
      }
    })
    request.end(payload)
  })
}
