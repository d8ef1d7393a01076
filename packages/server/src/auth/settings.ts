import type { PermissionLevel } from '@orchard/protocol/base'

/** `orchard server --app-name basic-auth`: what access control needs beyond the store. */
export interface AuthSettings {
  /**
   * What a user holds on a resource without a grant on it: MLflow's `default_permission`, READ unless
   * `--auth-default-permission` says otherwise. Admins always hold MANAGE; creators get MANAGE.
   */
  readonly defaultPermission: PermissionLevel
  /**
   * How long a verified Basic password is remembered, so that a client sending it on every request
   * pays scrypt once per window rather than per request (MLflow's auth_cache_ttl_seconds). 0 disables.
   */
  readonly credentialCacheMs?: number
  /** Failed logins allowed per user name, and per client address, within failureWindowMs. */
  readonly maxFailuresPerUser?: number
  readonly maxFailuresPerAddress?: number
  readonly failureWindowMs?: number
  /** Milliseconds since the epoch (tests). */
  readonly now?: () => number
}

export const DEFAULT_CREDENTIAL_CACHE_MS = 60_000
// Ten wrong passwords for one name in 15 minutes is not a person mistyping; 50 from one address
// covers an office behind one NAT trying several accounts.
export const DEFAULT_MAX_FAILURES_PER_USER = 10
export const DEFAULT_MAX_FAILURES_PER_ADDRESS = 50
export const DEFAULT_FAILURE_WINDOW_MS = 15 * 60_000
