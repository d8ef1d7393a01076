import type { MiddlewareHandler } from 'hono'
import { DEFAULT_LOAD_LIMITS, OrchardError } from '@orchard/protocol/base'
import type { LoadLimits } from '@orchard/protocol/base'

const overloaded = (message: string) => new OrchardError('TEMPORARILY_UNAVAILABLE', message)

/** The routes the limits apply to: the MLflow APIs and GraphQL. Artifact transfers stream for as long as their size needs. */
export function isLimitedPath(path: string): boolean {
  if (path.startsWith('/api/2.0/mlflow-artifacts/') || path.startsWith('/ajax-api/2.0/mlflow-artifacts/')) return false
  return path.startsWith('/api/') || path.startsWith('/ajax-api/') || path === '/graphql'
}

/** A counting gate with a bounded, first-come queue. */
export class AdmissionGate {
  private active = 0
  private readonly waiting: Array<{ admit: () => void; timer: NodeJS.Timeout }> = []

  constructor(private readonly limits: LoadLimits) {}

  get inFlight(): number {
    return this.active
  }
  get queued(): number {
    return this.waiting.length
  }

  /** Resolves with the release function once admitted; rejects with TEMPORARILY_UNAVAILABLE when the server is full. */
  enter(): Promise<() => void> {
    if (this.active < this.limits.maxConcurrent) {
      this.active++
      return Promise.resolve(this.releaser())
    }
    if (this.waiting.length >= this.limits.maxQueued) {
      return Promise.reject(
        overloaded(
          `The server is at capacity (${this.limits.maxConcurrent} requests in progress, ${this.limits.maxQueued} waiting; --max-concurrent-requests, --max-queued-requests). Retry after the time in Retry-After.`,
        ),
      )
    }
    return new Promise((resolve, reject) => {
      const entry = {
        admit: () => {
          clearTimeout(entry.timer)
          this.active++
          resolve(this.releaser())
        },
        timer: setTimeout(() => {
          const at = this.waiting.indexOf(entry)
          if (at >= 0) this.waiting.splice(at, 1)
          reject(overloaded(`The server is at capacity: the request waited ${this.limits.queueTimeoutMs} ms for its turn. Retry after the time in Retry-After.`))
        }, this.limits.queueTimeoutMs),
      }
      this.waiting.push(entry)
    })
  }

  private releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      this.active--
      this.waiting.shift()?.admit()
    }
  }
}

/**
 * Middleware: admission through the gate, then a deadline on the answer. A request that misses its
 * deadline is answered 503 now; its handler runs on to the end in the background (a synchronous
 * SQLite statement cannot be interrupted) and still holds its place in the gate until then, so a
 * stalled database cannot draw in unbounded work.
 */
export function loadShedding(limits: LoadLimits = DEFAULT_LOAD_LIMITS): MiddlewareHandler {
  const gate = new AdmissionGate(limits)
  return async (c, next) => {
    if (!isLimitedPath(c.req.path)) return next()
    const release = await gate.enter()
    const work = next().finally(release)
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), limits.requestTimeoutMs)
    })
    try {
      if ((await Promise.race([work, deadline])) === 'late') {
        work.catch(() => undefined)
        throw overloaded(
          `The request did not finish within ${limits.requestTimeoutMs / 1000} s (--request-timeout); the server is overloaded or the request too costly. A write may still be applied.`,
        )
      }
    } finally {
      clearTimeout(timer)
    }
  }
}
