import type { Context, Hono } from 'hono'
import { MAX_JSON_BODY_BYTES, parseRequest } from '@orchard/protocol'
import type { HttpMethod, RequestOf, RouteDef } from '@orchard/protocol'
import { readJsonBody } from './json-body.ts'
import { JsonText } from './json-text.ts'
import type { Principal } from './auth/authenticate.ts'
import { queryObject, queryParams } from './request-query.ts'
import { checkNoNul, checkOrderBy, checkQueryString } from './request-limits.ts'
import type { ServerContext } from './server-context.ts'
import { contextFor } from './workspaces/workspace-scope.ts'

/** What a handler may read of the HTTP request beyond its parsed fields. */
export interface RequestHeaders {
  header(name: string): string | undefined
  /** Who sent it, when authentication is on (set by the access-control middleware). */
  readonly principal?: Principal | undefined
}

export type Handler<R> = (request: RequestOf<R>, context: ServerContext, http: RequestHeaders) => Promise<object> | object

export type Handlers<T extends Record<string, RouteDef>> = { [K in keyof T]: Handler<T[K]> }

/** `/mlflow/logged-models/{model_id}` → `/mlflow/logged-models/:model_id` (Hono's syntax). */
const toHonoPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1')

/** Build the request object a route's schema sees: query or body, path parameters, legacy run_uuid. */
async function requestObject(c: Context, def: RouteDef, method: HttpMethod): Promise<Record<string, unknown>> {
  let raw: Record<string, unknown>
  // Copies: path parameters and run_id are added below, and the parsed query and body are shared
  // with the access check.
  if (method === 'GET') {
    checkQueryString(c.req.url)
    checkNoNul(queryParams(c))
    raw = { ...queryObject(c, def.request) }
  } else {
    raw = { ...(await readJsonBody(c, def.maxBodyBytes ?? MAX_JSON_BODY_BYTES)) }
  }
  // MLflow's DeleteWorkspace takes its mode from the query string.
  if (method === 'DELETE') raw = { ...queryObject(c, def.request), ...raw }
  const pathParameters = c.req.param()
  checkNoNul(Object.entries(pathParameters))
  Object.assign(raw, pathParameters)
  checkOrderBy(raw)
  // MLflow's handlers read run_uuid when run_id is absent; older clients send only run_uuid.
  if ((raw.run_id === undefined || raw.run_id === '') && typeof raw.run_uuid === 'string') raw.run_id = raw.run_uuid
  return raw
}

/**
 * Register every route of a protocol table twice, under `/api/<version>` and `/ajax-api/<version>`
 * (ajax-only routes once), so no URL string is ever typed by hand.
 */
export function defineRoutes<T extends Record<string, RouteDef>>(
  app: Hono,
  table: T,
  handlers: Handlers<T>,
  context: ServerContext,
): void {
  for (const name of Object.keys(table) as (keyof T & string)[]) {
    const def = table[name] as RouteDef
    const handler = handlers[name] as Handler<RouteDef>
    const version = def.version ?? '2.0'
    const prefixes = def.ajaxOnly ? [`/ajax-api/${version}`] : [`/api/${version}`, `/ajax-api/${version}`]
    for (const method of def.methods) {
      for (const prefix of prefixes) {
        app.on(method, `${prefix}${toHonoPath(def.path)}`, async (c) => {
          const request = parseRequest(def.request, await requestObject(c, def, method))
          const http = { header: (name: string) => c.req.header(name), principal: c.get('principal') }
          const response = await handler(request as RequestOf<RouteDef>, await contextFor(c, context), http)
          if (def.status === 204) return c.body(null, 204)
          if (response instanceof JsonText) return c.body(response.bytes, def.status ?? 200, { 'content-type': 'application/json' })
          return c.json(response, def.status ?? 200)
        })
      }
    }
  }
}
