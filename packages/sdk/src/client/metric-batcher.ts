import type { Metric } from '@orchard/core'
import { MAX_METRICS_PER_BATCH, OrchardError, isOrchardError } from '@orchard/protocol/base'

/** How logMetric calls are gathered into log-batch requests. */
export interface BatchingOptions {
  /** Points per log-batch request, at most MAX_METRICS_PER_BATCH (1000), which is the default. */
  readonly maxBatchSize?: number
  /** The longest a point waits before it is sent, in milliseconds; default 1000. */
  readonly flushIntervalMs?: number
  /** Points that may wait unsent before logMetric waits for the sender; default 10 000. */
  readonly maxPending?: number
}

// One second bounds what a crash can lose and what a live chart lags behind, while a loop logging
// every few milliseconds still sends hundreds of points per request instead of one each.
const DEFAULT_FLUSH_INTERVAL_MS = 1000
// Ten full requests (about 1 MB of points) queued is plenty to ride out a slow response; past it,
// logMetric waits instead of letting memory grow without bound.
const DEFAULT_MAX_PENDING = 10 * MAX_METRICS_PER_BATCH

interface Failure {
  readonly runId: string
  readonly points: number
  readonly error: unknown
}

/** Combine failed sends into one error that keeps the first error's code. */
function failureError(failures: readonly Failure[]): unknown {
  const first = failures[0] as Failure
  if (failures.length === 1) return first.error
  const points = failures.reduce((sum, f) => sum + f.points, 0)
  const message = first.error instanceof Error ? first.error.message : String(first.error)
  return new OrchardError(
    isOrchardError(first.error) ? first.error.code : 'INTERNAL_ERROR',
    `${failures.length} metric batches (${points} points) could not be logged; the first failed with: ${message}`,
    { cause: new AggregateError(failures.map((f) => f.error)) },
  )
}

/**
 * Gathers metric points and sends them as log-batch requests: when a run has a full request's
 * worth, when the oldest point has waited flushIntervalMs, and on flush(). Sends run one at a time,
 * so points are stored in the order they were logged. A failed send is never dropped silently: its
 * error is thrown by the next add() or flush().
 */
export class MetricBatcher {
  private pending = new Map<string, Metric[]>()
  /** Points accepted and not yet answered by the server. */
  private outstanding = 0
  /** Of those, the points still queued here, not yet handed to the sender. */
  private queued = 0
  private sending: Promise<void> = Promise.resolve()
  private failures: Failure[] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  private readonly maxBatchSize: number
  private readonly flushIntervalMs: number
  private readonly maxPending: number

  constructor(
    private readonly send: (runId: string, metrics: readonly Metric[]) => Promise<void>,
    options: BatchingOptions = {},
  ) {
    this.maxBatchSize = Math.max(1, Math.min(options.maxBatchSize ?? MAX_METRICS_PER_BATCH, MAX_METRICS_PER_BATCH))
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING
  }

  /** True when nothing waits to be sent or reported. */
  get idle(): boolean {
    return this.outstanding === 0 && this.failures.length === 0
  }

  /** Queue a point. Rejects with the error of an earlier send that nobody has been told about yet. */
  async add(runId: string, metric: Metric): Promise<void> {
    this.throwFailures()
    let queue = this.pending.get(runId)
    if (!queue) {
      queue = []
      this.pending.set(runId, queue)
    }
    queue.push(metric)
    this.outstanding++
    this.queued++
    if (queue.length >= this.maxBatchSize) void this.startSending(runId)
    else this.schedule()
    if (this.outstanding >= this.maxPending) {
      await this.waitForRoom()
      this.throwFailures()
    }
  }

  /**
   * Hand back an error that reached no caller (a logMetric nobody awaited), so the next add() or
   * flush() reports it instead of losing it.
   */
  restore(error: unknown): void {
    this.failures.push({ runId: '', points: 0, error })
  }

  /**
   * Wait until fewer than maxPending points are unanswered. Full requests are already on their way,
   * so this waits for them rather than sending the partial queues too: many calls waiting here at
   * once (a loop that does not await logMetric) must not each send a one-point request.
   */
  private async waitForRoom(): Promise<void> {
    while (this.outstanding >= this.maxPending) {
      if (this.outstanding === this.queued) await this.startSending()
      else await this.sending
    }
  }

  /** Send everything queued and wait for it; rejects if any send since the last report failed. */
  async flush(): Promise<void> {
    await this.startSending()
    this.throwFailures()
  }

  /** Stop the timer; queued points are kept until flush(). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  private throwFailures(): void {
    if (this.failures.length === 0) return
    const failures = this.failures
    this.failures = []
    throw failureError(failures)
  }

  private schedule(): void {
    if (this.timer !== undefined) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.startSending()
    }, this.flushIntervalMs)
    // A waiting point must not keep the process alive: the exit hook flushes it instead.
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  /**
   * Hand what is queued to the sender — one run's queue, or everything (stopping the timer) — and
   * resolve (never reject) once all of it is answered.
   */
  private startSending(runId?: string): Promise<void> {
    let snapshot: Map<string, Metric[]>
    if (runId === undefined) {
      this.stop()
      snapshot = this.pending
      this.pending = new Map()
    } else {
      snapshot = new Map([[runId, this.pending.get(runId) ?? []]])
      this.pending.delete(runId)
    }
    for (const metrics of snapshot.values()) this.queued -= metrics.length
    if (this.queued === 0) this.stop()
    if ([...snapshot.values()].some((metrics) => metrics.length > 0)) {
      this.sending = this.sending.then(() => this.sendAll(snapshot))
    }
    return this.sending
  }

  private async sendAll(snapshot: ReadonlyMap<string, readonly Metric[]>): Promise<void> {
    for (const [runId, metrics] of snapshot) {
      for (let start = 0; start < metrics.length; start += this.maxBatchSize) {
        const chunk = metrics.slice(start, start + this.maxBatchSize)
        try {
          await this.send(runId, chunk)
        } catch (error) {
          this.failures.push({ runId, points: chunk.length, error })
        } finally {
          this.outstanding -= chunk.length
        }
      }
    }
  }
}
