import type { HttpMethod, RouteAddress } from '@orchard/protocol'

/** An HTTP request ready for fetch, built from a protocol route entry. */
export interface RouteRequest {
  readonly method: HttpMethod
  readonly url: string
  readonly body?: string
}

/** Request fields, as MLflow's wire shape names them; undefined fields are left out. */
export type WireRequest = Readonly<Record<string, unknown>>

/**
 * The server root a tracking URI names: `http://host:5000/prefix/` → `http://host:5000/prefix`.
 * A path prefix is kept, for servers behind a reverse proxy that mounts MLflow under one.
 */
export function serverRoot(trackingUri: string): string {
  return trackingUri.replace(/\/+$/, '')
}

function appendQuery(query: URLSearchParams, name: string, value: unknown): void {
  if (value === undefined || value === null) return
  if (Array.isArray(value)) {
    // Repeated fields travel as repeated keys (`run_id=a&run_id=b`), as MLflow's clients send them.
    for (const item of value) appendQuery(query, name, item)
    return
  }
  query.append(name, String(value))
}

/**
 * Build the call for one route: `<root>/api/<version><path>` (ajax-only routes under `/ajax-api/`),
 * `{name}` path segments filled from the request, a GET's fields in the query string and anything
 * else as a JSON body. POST is preferred where a route accepts several methods: bodies have no
 * length limit and keep types exact.
 */
export function routeRequest(root: string, def: RouteAddress, request: WireRequest): RouteRequest {
  const fields: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(request)) if (value !== undefined) fields[name] = value
  const path = def.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = fields[name]
    delete fields[name]
    return encodeURIComponent(String(value ?? ''))
  })
  const prefix = `${def.ajaxOnly ? '/ajax-api' : '/api'}/${def.version ?? '2.0'}`
  const method: HttpMethod = def.methods.includes('POST') ? 'POST' : (def.methods[0] ?? 'GET')
  const url = `${root}${prefix}${path}`
  // DELETE carries a body too: MLflow's registry deletes read their fields from it.
  if (method === 'GET') {
    const query = new URLSearchParams()
    for (const [name, value] of Object.entries(fields)) appendQuery(query, name, value)
    const text = query.toString()
    return { method, url: text ? `${url}?${text}` : url }
  }
  return { method, url, body: JSON.stringify(fields) }
}
