import { invalidParameter } from '@orchard/protocol'

/** The page size a search asked for, within MLflow's bounds for that search. */
export function checkMaxResults(requested: number | undefined, fallback: number, limit: number): number {
  if (requested === undefined) return fallback
  if (requested < 1 || requested > limit) {
    throw invalidParameter(
      `Invalid value for request parameter max_results. It must be between 1 and ${limit}, but got value ${requested}.`,
    )
  }
  return requested
}

/**
 * A page as MLflow's proto JSON writes it: the items under `field` (left out when empty) and
 * `next_page_token` only when there is a next page.
 */
export function pageToWire<T, W, F extends string>(
  field: F,
  page: { readonly items: readonly T[]; readonly nextPageToken?: string | undefined },
  toWire: (item: T) => W,
): { [K in F]?: W[] } & { next_page_token?: string } {
  const out: Record<string, unknown> = {}
  if (page.items.length) out[field] = page.items.map(toWire)
  if (page.nextPageToken) out.next_page_token = page.nextPageToken
  return out as { [K in F]?: W[] } & { next_page_token?: string }
}
