import { invalidParameter } from '@orchard/protocol/base'
import { JsonText } from '../json-text.ts'

/**
 * Where MLflow bounds a search's page size, which decides its words: its handler's schema (runs,
 * registered models, model versions: "supplied:  Hint: …"), its tracking store ("supplied. It must
 * be …"), or its webhook store ("max_results must be between 1 and …", where 0 means the default).
 */
type BoundBy = 'handler' | 'store' | 'webhooks'

/** The page size a search asked for, within MLflow's bounds for that search, refused in MLflow's words. */
export function checkMaxResults(requested: number | undefined, fallback: number, limit: number, boundBy: BoundBy = 'store'): number {
  if (requested === undefined || (boundBy === 'webhooks' && requested === 0)) return fallback
  if (boundBy === 'webhooks' && (requested < 1 || requested > limit)) throw invalidParameter(`max_results must be between 1 and ${limit}.`)
  const supplied = `Invalid value ${requested} for parameter 'max_results' supplied`
  if (requested < 1) throw invalidParameter(`${supplied}. It must be a positive integer`)
  if (requested > limit) {
    throw invalidParameter(
      boundBy === 'handler'
        ? `${supplied}:  Hint: Value was of type 'int'. See the API docs for more information about request parameters.`
        : `${supplied}. It must be at most ${limit}`,
    )
  }
  return requested
}

const encoder = new TextEncoder()

/**
 * pageToWire's JSON for a page whose items are already written: `items` holds their JSON texts
 * joined by commas, as UTF-8. Copied once into the response's bytes.
 */
export function pageJsonText(field: string, page: { readonly items: Uint8Array; readonly nextPageToken?: string | undefined }): JsonText {
  const head = encoder.encode(page.items.length ? `{${JSON.stringify(field)}:[` : '{')
  const tail = encoder.encode(
    `${page.items.length ? ']' : ''}${page.nextPageToken ? `${page.items.length ? ',' : ''}"next_page_token":${JSON.stringify(page.nextPageToken)}` : ''}}`,
  )
  const bytes = new Uint8Array(head.length + page.items.length + tail.length)
  bytes.set(head)
  bytes.set(page.items, head.length)
  bytes.set(tail, head.length + page.items.length)
  return new JsonText(bytes)
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
