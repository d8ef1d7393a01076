/** MLflow's error codes, as they travel in `{"error_code": ..., "message": ...}`. */
export type ErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'BAD_REQUEST'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'INVALID_STATE'
  | 'ENDPOINT_NOT_FOUND'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'NOT_IMPLEMENTED'
  | 'TEMPORARILY_UNAVAILABLE'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'INTERNAL_ERROR'

/**
 * MLflow's ERROR_CODE_TO_HTTP_STATUS for the codes we raise. Two surprise people and are kept on
 * purpose: RESOURCE_ALREADY_EXISTS is 400 (not 409) and INVALID_STATE is 500.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  REQUEST_LIMIT_EXCEEDED: 429,
  INVALID_STATE: 500,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
}

/** The inverse used by clients when a response carries no error JSON (MLflow's client does the same). */
export function codeForStatus(status: number): ErrorCode {
  if (status === 400) return 'BAD_REQUEST'
  if (status === 401) return 'UNAUTHENTICATED'
  if (status === 403) return 'PERMISSION_DENIED'
  if (status === 404) return 'ENDPOINT_NOT_FOUND'
  if (status === 429) return 'REQUEST_LIMIT_EXCEEDED'
  if (status === 501) return 'NOT_IMPLEMENTED'
  if (status === 503) return 'TEMPORARILY_UNAVAILABLE'
  return 'INTERNAL_ERROR'
}

/** The one error type of Orchard: a code from MLflow's table and a message that says what to fix. */
export class OrchardError extends Error {
  // A brand survives duplicate copies of this package, where `instanceof` would not.
  readonly isOrchardError = true
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'OrchardError'
    this.code = code
  }
  get status(): number {
    return HTTP_STATUS[this.code]
  }
  toJSON(): { error_code: ErrorCode; message: string } {
    return { error_code: this.code, message: this.message }
  }
}

export function isOrchardError(value: unknown): value is OrchardError {
  return typeof value === 'object' && value !== null && (value as { isOrchardError?: unknown }).isOrchardError === true
}

export const invalidParameter = (message: string) => new OrchardError('INVALID_PARAMETER_VALUE', message)
export const notFound = (message: string) => new OrchardError('RESOURCE_DOES_NOT_EXIST', message)
export const alreadyExists = (message: string) => new OrchardError('RESOURCE_ALREADY_EXISTS', message)
