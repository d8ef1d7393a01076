/** How the REST transport retries transient failures. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  readonly maxRetries: number
  /** The backoff ceiling of the first retry; each later retry doubles it. */
  readonly initialDelayMs: number
  /** No single wait is longer than this, whatever the backoff or a Retry-After header asks. */
  readonly maxDelayMs: number
}

// MLflow's Python client retries 7 times with a backoff factor of 2 (up to a minute in all). Training
// scripts log from the same process that trains, so we wait less: 5 retries, 0.25 s doubling to a
// 10 s ceiling, about 20 s worst case before the error reaches the caller.
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 5, initialDelayMs: 250, maxDelayMs: 10_000 }

/** MLflow's MLFLOW_HTTP_REQUEST_TIMEOUT default: 120 s per attempt. */
export const DEFAULT_TIMEOUT_MS = 120_000

/**
 * Statuses that mean "try again later". 429 and 503 are refusals: the server did not do the work.
 * 502 and 504 come from a proxy and leave it open whether the server did.
 */
const REFUSED_STATUSES = new Set([429, 503])
const GATEWAY_STATUSES = new Set([502, 504])

/** Connection errors where the request never reached a server (Node's and undici's codes). */
const NOT_DELIVERED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH'])
/** Connection errors where the request may or may not have been handled. */
const MAYBE_DELIVERED_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ETIMEDOUT'])

/** What a failed attempt says about the request. */
export type FailureKind =
  /** The server certainly did not act on it: safe to send again whatever the operation. */
  | 'not-handled'
  /** It may have been handled: only operations that tolerate a repeat may be sent again. */
  | 'maybe-handled'
  /** Not transient: give up. */
  | 'permanent'

export function classifyStatus(status: number): FailureKind {
  if (REFUSED_STATUSES.has(status)) return 'not-handled'
  if (GATEWAY_STATUSES.has(status)) return 'maybe-handled'
  return 'permanent'
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * A fetch that threw: a network failure (fetch's TypeError, with the system error as its cause in
 * Node) is transient; an abort by the caller or a timeout is not retried.
 */
export function classifyNetworkError(error: unknown): FailureKind {
  const code = errorCode(error)
  if (code && NOT_DELIVERED_CODES.has(code)) return 'not-handled'
  if (code && MAYBE_DELIVERED_CODES.has(code)) return 'maybe-handled'
  // Browsers say only "Failed to fetch": nothing tells whether the request went out.
  if (error instanceof TypeError) return 'maybe-handled'
  return 'permanent'
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from `now`; undefined if absent or bad. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * The wait before retry number `retry` (0 for the first): "full jitter" exponential backoff, a
 * random point below the doubling ceiling, so clients that failed together do not return together.
 * A server's Retry-After wins when it asks for longer.
 */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number, retryAfter?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** retry)
  const jittered = random() * ceiling
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfter ?? 0))
}
