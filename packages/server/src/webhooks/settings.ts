import { OrchardError } from '@orchard/protocol/base'

/** How webhooks are checked and delivered; read from MLflow's environment variables. */
export interface WebhookSettings {
  /** MLFLOW_WEBHOOK_ALLOWED_SCHEMES: `https` only unless the operator widens it (MLflow's default). */
  readonly allowedSchemes: readonly string[]
  /** MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: deliver to loopback, private and link-local addresses. */
  readonly allowPrivateIps: boolean
  /** MLFLOW_WEBHOOK_REQUEST_TIMEOUT (seconds in the variable): per attempt. */
  readonly requestTimeoutMs: number
  /** MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES: attempts after the first, for 429, 5xx and network errors. */
  readonly maxRetries: number
  /** Backoff before retry n is base·2^(n-1), at most `backoffMaxMs`, plus up to `jitterMs` (urllib3's Retry, as MLflow). */
  readonly backoffBaseMs: number
  readonly backoffMaxMs: number
  readonly jitterMs: number
}

// MLflow's defaults (mlflow/environment_variables.py and the Retry of mlflow/webhooks/delivery.py).
const DEFAULT_TIMEOUT_SECONDS = 30
const DEFAULT_MAX_RETRIES = 3
const BACKOFF_BASE_MS = 1000
const BACKOFF_MAX_MS = 60_000
const JITTER_MS = 1000

function nonNegativeInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]?.trim()
  if (!text) return fallback
  if (!/^\d+$/.test(text)) throw new OrchardError('INVALID_PARAMETER_VALUE', `${name} must be a whole number, got '${text}'.`)
  return Number(text)
}

/** MLflow's boolean environment variables: `true` or `1` in any case. */
const truthy = (value: string | undefined) => value !== undefined && ['true', '1'].includes(value.trim().toLowerCase())

export function webhookSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const schemes = (env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
  return {
    allowedSchemes: schemes.length ? schemes : ['https'],
    allowPrivateIps: truthy(env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS),
    requestTimeoutMs: nonNegativeInteger(env, 'MLFLOW_WEBHOOK_REQUEST_TIMEOUT', DEFAULT_TIMEOUT_SECONDS) * 1000,
    maxRetries: nonNegativeInteger(env, 'MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES', DEFAULT_MAX_RETRIES),
    backoffBaseMs: BACKOFF_BASE_MS,
    backoffMaxMs: BACKOFF_MAX_MS,
    jitterMs: JITTER_MS,
  }
}
