import type { PermissionLevel } from '@orchard/protocol/base'

/** `orchard server --app-name basic-auth`: what access control needs beyond the store. */
export interface AuthSettings {
  /**
   * What a user holds on a resource without a grant on it: MLflow's `default_permission`, READ unless
   * `--auth-default-permission` says otherwise. Admins always hold MANAGE; creators get MANAGE.
   */
  readonly defaultPermission: PermissionLevel
  /**
   * How long verified credentials (a Basic password, a token, a UI session) are remembered, so that
   * a client sending a password on every request pays scrypt once per window rather than per request
   * (MLflow's auth_cache_ttl_seconds), and a token or session costs no query. Any access change drops
   * them earlier (see accessSyncMs). 0 disables.
   */
  readonly credentialCacheMs?: number
  /**
   * How often this process reads the database's access-change counter (see AccessCache): a token
   * revoked, a grant removed or a password changed by another server process on the same database
   * takes effect here within this bound (in the process that made the change, at once). Default 2 s.
   */
  readonly accessSyncMs?: number
  /** Failed logins allowed per user name, and per client address, within failureWindowMs. */
  readonly maxFailuresPerUser?: number
  readonly maxFailuresPerAddress?: number
  readonly failureWindowMs?: number
  /** Milliseconds since the epoch (tests). */
  readonly now?: () => number
}

export const DEFAULT_CREDENTIAL_CACHE_MS = 60_000
// A revocation reaches every replica within 2 s, for one indexed one-row read per process per 2 s.
export const DEFAULT_ACCESS_SYNC_MS = 2_000
// Ten wrong passwords for one name in 15 minutes is not a person mistyping; 50 from one address
// covers an office behind one NAT trying several accounts.
export const DEFAULT_MAX_FAILURES_PER_USER = 10
export const DEFAULT_MAX_FAILURES_PER_ADDRESS = 50
export const DEFAULT_FAILURE_WINDOW_MS = 15 * 60_000
