import type { Context } from 'hono'
import { queryToObject } from '@orchard/protocol'
import type { RouteDef } from '@orchard/protocol'

type Schema = RouteDef['request']

interface ParsedQuery {
  readonly params: URLSearchParams
  /** The params shaped by a route's schema (see queryToObject), kept for the last schema asked. */
  schema?: Schema
  object?: Readonly<Record<string, unknown>>
}

// The access check and the handler both read a GET's fields; each used to parse the URL and shape
// the query again (two URL objects and two queryToObject calls per runs/get).
const parsed = new WeakMap<Request, ParsedQuery>()

/**
 * The query string of a request URL, without the fragment: what `new URL(url).searchParams` holds.
 * A Request's url is already serialized by the URL parser, so its first `?` starts the query.
 */
function searchOf(url: string): string {
  const start = url.indexOf('?')
  if (start < 0) return ''
  const end = url.indexOf('#', start)
  return url.slice(start + 1, end < 0 ? undefined : end)
}

function parsedQuery(c: Context): ParsedQuery {
  let query = parsed.get(c.req.raw)
  if (!query) {
    query = { params: new URLSearchParams(searchOf(c.req.url)) }
    parsed.set(c.req.raw, query)
  }
  return query
}

/** The request's query parameters, parsed once per request. Shared: do not change them. */
export function queryParams(c: Context): URLSearchParams {
  return parsedQuery(c).params
}

/**
 * The query as `schema` reads it (repeated keys for list fields, the first value for scalars),
 * shaped once per request. Shared: a caller that changes it must copy it first.
 */
export function queryObject(c: Context, schema: Schema): Readonly<Record<string, unknown>> {
  const query = parsedQuery(c)
  if (query.schema !== schema || !query.object) {
    query.object = queryToObject(schema, query.params)
    query.schema = schema
  }
  return query.object
}
