import { invalidParameter } from '@orchard/protocol/base'

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
  const supplied = `Invalid value ${requested} for parameter 'max_results' supplied`
  if (!Number.isInteger(requested) || requested < 1) throw invalidParameter(`${supplied}. It must be a positive integer`)
  if (requested > limit) throw invalidParameter(`${supplied}. It must be at most ${limit}`)
}
