import { HTTP_STATUS, OrchardError, WORKSPACE_HEADER, codeForStatus } from '@orchard/protocol/base'
import type { ErrorCode } from '@orchard/protocol/base'
import type { RouteRequest } from './route-request.ts'
import {
  DEFAULT_RETRY_POLICY,
  DEFAULT_TIMEOUT_MS,
  backoffDelayMs,
  classifyNetworkError,
  classifyStatus,
  retryAfterMs,
} from './retry.ts'
import type { FailureKind, RetryPolicy } from './retry.ts'

/** How the REST transport talks HTTP. Every field is optional. */
export interface HttpOptions {
  /** Per attempt, in milliseconds; default 120 000 (MLflow's MLFLOW_HTTP_REQUEST_TIMEOUT). */
  readonly timeoutMs?: number
  /** Retries of transient failures; `{ maxRetries: 0 }` turns them off. */
  readonly retry?: Partial<RetryPolicy>
  /** Sent with every request, e.g. `{ authorization: 'Bearer …' }`. */
  readonly headers?: Readonly<Record<string, string>>
  /**
   * The workspace of a server started with `--enable-workspaces`, sent as `X-MLFLOW-WORKSPACE`;
   * unset, the server uses `default`.
   */
  readonly workspace?: string
  /** The fetch to use; the global one by default. */
  readonly fetch?: typeof fetch
  /** Waits between retries; tests pass one that does not sleep. */
  readonly sleep?: (ms: number) => Promise<void>
  /** Jitter source in [0, 1); Math.random by default. */
  readonly random?: () => number
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(HTTP_STATUS, code)

/**
 * The OrchardError an error response stands for: the server's own `error_code` when it is one of
 * MLflow's, else the code for the HTTP status (as MLflow's client does for bare proxy errors).
 */
export async function errorFromResponse(response: Response, request: Pick<RouteRequest, 'method' | 'url'>): Promise<OrchardError> {
  const text = await response.text().catch(() => '')
  let body: { error_code?: unknown; message?: unknown } | undefined
  try {
    body = JSON.parse(text) as typeof body
  } catch {
    body = undefined
  }
  const message = typeof body?.message === 'string' ? body.message : undefined
  if (isErrorCode(body?.error_code)) return new OrchardError(body.error_code, message ?? `${response.status} ${response.statusText}`)
  const code = codeForStatus(response.status)
  const detail = typeof body?.error_code === 'string' ? `${body.error_code}: ${message ?? ''}` : text.slice(0, 500)
  return new OrchardError(code, `${request.method} ${request.url} failed with HTTP ${response.status}${detail ? `: ${detail}` : ''}`)
}

const isTimeout = (error: unknown) => error instanceof Error && error.name === 'TimeoutError'

/** Sends route requests: JSON in and out, timeouts, retries of transient failures, typed errors. */
export class HttpClient {
  private readonly policy: RetryPolicy
  private readonly timeoutMs: number
  private readonly fetch: typeof fetch
  private readonly sleep: (ms: number) => Promise<void>
  private readonly random: () => number
  private readonly headers: Readonly<Record<string, string>>

  constructor(options: HttpOptions = {}) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
    this.sleep = options.sleep ?? defaultSleep
    this.random = options.random ?? Math.random
    this.headers = { ...(options.workspace ? { [WORKSPACE_HEADER]: options.workspace } : {}), ...options.headers }
  }

  /**
   * Send one request and return its JSON. `resendSafe` says whether the operation may be sent twice:
   * failures after which the server may have acted are retried only then; refusals (connection
   * refused, 429, 503) always are.
   */
  async send(request: RouteRequest, resendSafe: boolean): Promise<Record<string, unknown>> {
    const retryable = (kind: FailureKind) => kind === 'not-handled' || (kind === 'maybe-handled' && resendSafe)
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < this.policy.maxRetries
      let response: Response
      let text: string
      // A referenced timer, not AbortSignal.timeout: an unreferenced one lets the process exit
      // while a request is still waiting for its answer.
      const abort = new AbortController()
      const timer = setTimeout(
        () => abort.abort(new DOMException(`timed out after ${this.timeoutMs} ms`, 'TimeoutError')),
        this.timeoutMs,
      )
      try {
        response = await this.fetch(request.url, {
          method: request.method,
          headers: { accept: 'application/json', ...(request.body ? { 'content-type': 'application/json' } : {}), ...this.headers },
          ...(request.body !== undefined ? { body: request.body } : {}),
          signal: abort.signal,
        })
        if (!response.ok) {
          const kind = classifyStatus(response.status)
          if (canRetry && retryable(kind)) {
            await response.body?.cancel().catch(() => undefined)
            const wait = retryAfterMs(response.headers.get('retry-after'), Date.now())
            await this.sleep(backoffDelayMs(this.policy, attempt, this.random, wait))
            continue
          }
          throw await errorFromResponse(response, request)
        }
        text = await response.text()
      } catch (error) {
        if (error instanceof OrchardError) throw error
        if (isTimeout(error)) {
          throw new OrchardError('TEMPORARILY_UNAVAILABLE', `${request.method} ${request.url} timed out after ${this.timeoutMs} ms`, {
            cause: error,
          })
        }
        if (canRetry && retryable(classifyNetworkError(error))) {
          await this.sleep(backoffDelayMs(this.policy, attempt, this.random))
          continue
        }
        const reason = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message
        throw new OrchardError('TEMPORARILY_UNAVAILABLE', `Could not reach ${request.url}: ${reason}`, { cause: error })
      } finally {
        clearTimeout(timer)
      }
      return parseJsonObject(text, request)
    }
  }
}

function parseJsonObject(text: string, request: RouteRequest): Record<string, unknown> {
  if (text.trim() === '') return {}
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // reported below
  }
  throw new OrchardError('INTERNAL_ERROR', `${request.method} ${request.url} answered with something other than a JSON object: ${text.slice(0, 200)}`)
}
