/**
 * The network-facing guards, on by default (MLflow 3.5's security middleware, plus a CSRF check):
 * `--allowed-hosts`, `--cors-allowed-origins`, `--x-frame-options`, `--disable-security-middleware`.
 */
export interface SecuritySettings {
  /**
   * Host header values served (DNS-rebinding guard): `host`, `host:port`, `*.domain`, or `*` for
   * any. Default: localhost and private addresses, MLflow's default.
   */
  readonly allowedHosts?: readonly string[]
  /** Origins a browser page may call the API from, besides the server's own: `http://host:port`, `http://host:*`, or `*`. */
  readonly corsAllowedOrigins?: readonly string[]
  /** SAMEORIGIN (default), DENY, or NONE to send no X-Frame-Options and frame-ancestors. */
  readonly xFrameOptions?: 'SAMEORIGIN' | 'DENY' | 'NONE'
  /** Turns every guard here off (MLflow's --disable-security-middleware). */
  readonly disabled?: boolean
}

/** MLflow's default: localhost and private (RFC 1918, loopback, link-local, ULA) addresses. */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ['localhost', '*.localhost', '127.0.0.1', '::1', 'private-addresses']
/** MLflow's default `localhost:*`, for a UI dev server on another port. */
export const DEFAULT_CORS_ALLOWED_ORIGINS: readonly string[] = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*']
