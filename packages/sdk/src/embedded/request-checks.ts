import { invalidParameter } from '@orchard/protocol'

// The server's request schema checks, for transports that have no server in front of them.

/** MLflow's words for an absent or empty required field, as the server's schema reports it. */
export function requireValue(value: string, field: string): void {
  if (value === '') {
    throw invalidParameter(
      `Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`,
    )
  }
}

/** A page size within 1..limit, in the server's words. */
export function checkMaxResults(requested: number, limit: number): void {
  if (!Number.isInteger(requested) || requested < 1 || requested > limit) {
    throw invalidParameter(
      `Invalid value for request parameter max_results. It must be between 1 and ${limit}, but got value ${requested}.`,
    )
  }
}
