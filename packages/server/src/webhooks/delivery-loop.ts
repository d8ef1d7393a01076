import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { WebhookAttemptResult } from '@orchard/core'
import type { ClaimedDelivery, WebhookStore } from '@orchard/store'
import { sendWebhook } from './send.ts'
import type { SendOutcome } from './send.ts'
import type { WebhookSettings } from './settings.ts'

// The background half of webhooks: claims due deliveries from the outbox, sends them, records each
// attempt. The API call that caused an event never waits for it; the outbox survives restarts, and
// on a database shared by several servers each delivery is leased to one of them at a time.

export interface DeliveryLoopOptions {
  /** How often to look for work queued by other replicas (this one wakes the loop itself). */
  readonly pollIntervalMs?: number
  /** Deliveries sent at once (at most one per webhook, to keep each webhook's order). */
  readonly batchSize?: number
  readonly now?: () => number
  /** Where failures of the loop itself are reported. */
  readonly logError?: (error: unknown) => void
}

const DEFAULT_POLL_INTERVAL_MS = 1000
const DEFAULT_BATCH_SIZE = 16
// MLflow retries these statuses (its urllib3 Retry status_forcelist), and network errors.
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504])

/** When to try again after failed attempt number `attempt` (1-based), or undefined to give up. */
export function retryTime(outcome: SendOutcome, attempt: number, settings: WebhookSettings, now: number, random = Math.random): number | undefined {
  if (outcome.refused || attempt > settings.maxRetries) return undefined
  if (outcome.status !== undefined && !RETRYABLE_STATUS.has(outcome.status)) return undefined
  const backoff = Math.min(settings.backoffBaseMs * 2 ** (attempt - 1), settings.backoffMaxMs)
  const asked = outcome.retryAfterSeconds !== undefined ? Math.min(outcome.retryAfterSeconds * 1000, settings.backoffMaxMs) : 0
  return now + Math.max(backoff, asked) + Math.floor(random() * settings.jitterMs)
}

export class WebhookDeliveryLoop {
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
  private readonly pollIntervalMs: number
  private readonly batchSize: number
  private readonly now: () => number
  private readonly logError: (error: unknown) => void
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private again = false
  private stopped = false
  // Aborts the requests in flight on close(), so shutdown does not wait out their timeouts.
  private readonly inFlight = new AbortController()

  constructor(
    private readonly store: WebhookStore,
    private readonly settings: WebhookSettings,
    options: DeliveryLoopOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
    this.now = options.now ?? Date.now
    this.logError = options.logError ?? ((error) => console.error(error))
  }

  /** Longer than any attempt (timeout) can take, so a live replica keeps its lease. */
  private get leaseMs(): number {
    return 2 * this.settings.requestTimeoutMs + 10_000
  }

  start(): void {
    this.wake()
  }

  /** Look for work now: called after this server commits a registry change. */
  wake(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    clearTimeout(this.timer)
    this.running = this.drain()
      .catch((error: unknown) => this.logError(error))
      .finally(() => {
        this.running = undefined
        if (this.stopped) return
        if (this.again) {
          this.again = false
          this.wake()
        } else {
          this.schedule()
        }
      })
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.wake(), this.pollIntervalMs)
    // A waiting loop must not keep the process alive on its own.
    this.timer.unref()
  }

  /** Claims and sends until nothing is due. */
  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return
      const claimed = await this.store.claimWebhookDeliveries(this.owner, this.leaseMs, this.batchSize)
      if (claimed.length === 0) return
      await Promise.all(claimed.map((c) => this.deliver(c)))
    }
  }

  private async deliver({ delivery, url, secret }: ClaimedDelivery): Promise<void> {
    const startedAt = this.now()
    const outcome = await sendWebhook(url, delivery.payload, secret, this.settings, delivery.deliveryId, this.now, this.inFlight.signal)
    const finishedAt = this.now()
    const delivered = outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300
    const retryAt = delivered ? undefined : retryTime(outcome, delivery.attempts + 1, this.settings, finishedAt)
    const result: WebhookAttemptResult = {
      startedAt,
      durationMs: finishedAt - startedAt,
      delivered,
      ...(outcome.status !== undefined ? { responseStatus: outcome.status } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : !delivered ? { error: `HTTP ${outcome.status}: ${outcome.body ?? ''}` } : {}),
      ...(retryAt !== undefined ? { retryAt } : {}),
    }
    await this.store.recordWebhookAttempt(delivery.deliveryId, this.owner, result)
  }

  /**
   * Stops polling, aborts the requests in flight and waits for them to be recorded: an aborted
   * attempt counts as a network error, so the next start retries it.
   */
  async close(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    this.inFlight.abort()
    await this.running
  }
}
