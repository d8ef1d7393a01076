/**
 * A project that cannot run as asked: a bad MLproject file, a missing or mistyped parameter, a
 * source or environment that cannot be prepared. Raised before any run is created, so nothing is
 * left behind. The CLI prints the message alone and exits 2, as for any usage mistake.
 */
export class ProjectError extends Error {
  /** Always `ProjectError`. */
  override readonly name = 'ProjectError'
  /** A brand that survives duplicate copies of this module, where `instanceof` would not. */
  readonly isProjectError = true
}

/** True for a ProjectError, also across duplicate copies of this module. */
export function isProjectError(error: unknown): error is ProjectError {
  return typeof error === 'object' && error !== null && (error as { isProjectError?: unknown }).isProjectError === true
}
