import type { Context, MiddlewareHandler } from 'hono'
import { HTTP_STATUS, MAX_JSON_BODY_BYTES, isOrchardError, queryToObject, uploadRunArtifactRoute } from '@orchard/protocol'
import type { RoutePermission } from '@orchard/protocol/base'
import type { AuthStore } from '@orchard/store'
import { readJsonBody } from '../json-body.ts'
import { cachedGrants } from './access-cache.ts'
import { Authenticator, clientAddress } from './authenticate.ts'
import { ADMIN_ONLY, createAuthorizer } from './authorize.ts'
import type { FieldReader } from './authorize.ts'
import { RouteIndex } from './route-index.ts'
import type { RouteMatch } from './route-index.ts'
import type { AuthSettings } from './settings.ts'
import type { SignIn } from './sign-in.ts'

const PUBLIC: RoutePermission = { resource: 'public' }
const AUTHENTICATED: RoutePermission = { resource: 'authenticated' }
// Probes a load balancer or Kubernetes calls without credentials (MLflow leaves /health open too).
const PUBLIC_PATHS = new Set(['/health', '/ready', '/version'])
const API_PREFIXES = ['/api/', '/ajax-api/']

const WWW_AUTHENTICATE = 'Basic realm="Orchard", charset="UTF-8"'
const UNAUTHENTICATED_MESSAGE =
  'You are not authenticated. Send HTTP Basic credentials (MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD) or a bearer token (MLFLOW_TRACKING_TOKEN).'

/**
 * What a request needs: its route's declared permission; for a path no route table knows, nothing
 * (health probes), sign-in (the UI's pages and assets) or, under the API prefixes, an admin, so
 * that a route added without a permission fails closed.
 */
function permissionFor(match: RouteMatch | undefined, path: string): RoutePermission {
  if (match) return match.route.def.permission ?? ADMIN_ONLY
  if (PUBLIC_PATHS.has(path)) return PUBLIC
  return API_PREFIXES.some((prefix) => path.startsWith(prefix)) ? ADMIN_ONLY : AUTHENTICATED
}

/** Hono routes on the percent-decoded path; the check must see the same path. */
function decodedPath(url: string): string {
  const path = new URL(url).pathname
  try {
    return decodeURI(path)
  } catch {
    return path
  }
}

/**
 * Reads the fields a permission names exactly where the route's handler will read them: path
 * parameters, then the query string for GET (and the raw-body upload), otherwise the JSON body.
 * Reading them from anywhere else would let a request check one run and write another.
 */
function fieldReader(c: Context, match: RouteMatch | undefined): FieldReader {
  const fromQuery = c.req.method === 'GET' || c.req.method === 'HEAD' || match?.route.def === uploadRunArtifactRoute
  let body: Promise<Readonly<Record<string, unknown>>> | undefined
  let query: Record<string, unknown> | undefined
  // As the handler shapes it: repeated keys for list fields, the first value for scalars; parsed
  // once per request however many fields the check reads (runs/get reads run_id and run_uuid).
  const queryObject = () => {
    const params = new URL(c.req.url).searchParams
    return match ? queryToObject(match.route.def.request, params) : Object.fromEntries(params)
  }
  return async (name) => {
    if (match && name in match.params) return match.params[name]
    if (fromQuery) {
      query ??= queryObject()
      return query[name]
    }
    // readJsonBody keeps the parsed body, so the handler reads the same object. A body the handler
    // will refuse (too large, not JSON) reads as empty here; the handler then answers its error.
    body ??= readJsonBody(c, match?.route.def.maxBodyBytes ?? MAX_JSON_BODY_BYTES).catch(() => ({}))
    return (await body)[name]
  }
}

function errorResponse(c: Context, error: unknown): Response | undefined {
  if (!isOrchardError(error) || error.code !== 'REQUEST_LIMIT_EXCEEDED') return undefined
  const retryAfterS = (error as { retryAfterS?: number }).retryAfterS
  return c.json(error.toJSON(), HTTP_STATUS[error.code] as 429, retryAfterS ? { 'Retry-After': String(retryAfterS) } : {})
}

export interface AccessControl {
  readonly middleware: MiddlewareHandler
  readonly authenticator: Authenticator
}

/**
 * The one place access is enforced when authentication is on: every request is authenticated,
 * then checked against the permission its route declares, before any handler runs. After a
 * successful create it gives the creator MANAGE, and it keeps model grants in step with renames and
 * deletes, as MLflow's after-request hooks do.
 */
/** A browser opening one of the UI's pages (not a script, not an API call). */
const isPageNavigation = (c: Context) =>
  (c.req.method === 'GET' || c.req.method === 'HEAD') && (c.req.header('sec-fetch-mode') === 'navigate' || (c.req.header('accept') ?? '').includes('text/html'))

/**
 * A request from a script on one of this server's pages (browsers mark the UI's own fetches
 * Sec-Fetch-Site: same-origin, which no script can forge or omit): its 401 carries no Basic
 * challenge, which would make the browser pop up a password dialog over the UI's own sign-in page.
 * MLflow's clients and Node's fetch send no Sec-Fetch-Site and get the challenge.
 */
const isPageFetch = (c: Context) =>
  c.req.header('sec-fetch-site') === 'same-origin' && ['same-origin', 'cors'].includes(c.req.header('sec-fetch-mode') ?? '')

export function accessControl(store: AuthStore, settings: AuthSettings, signIn?: SignIn): AccessControl {
  const index = new RouteIndex()
  const authenticator = new Authenticator(store, settings)
  const authorizer = createAuthorizer(cachedGrants(store, authenticator.cache), settings)

  const middleware: MiddlewareHandler = async (c, next) => {
    const path = decodedPath(c.req.url)
    const match = index.match(c.req.method, path)
    const permission = permissionFor(match, path)
    if (permission.resource === 'public' || c.req.method === 'OPTIONS' || (!match && signIn?.isPublic(path))) return next()

    let principal
    const authorization = c.req.header('authorization')
    try {
      // What this process remembers about access, dropped first if access changed (see AccessCache).
      await authenticator.cache.refresh()
      // Credentials sent with the request win; without any, the UI's session cookie.
      principal = authorization || !signIn ? await authenticator.authenticate(authorization, clientAddress(c)) : await signIn.principal(c, authenticator)
    } catch (error) {
      const response = errorResponse(c, error)
      if (response) return response
      throw error
    }
    if (!principal) {
      if (signIn && !match && !authorization && isPageNavigation(c)) {
        const url = new URL(c.req.url)
        return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 302)
      }
      const challenge: Record<string, string> = signIn && isPageFetch(c) ? {} : { 'WWW-Authenticate': WWW_AUTHENTICATE }
      return c.json({ error_code: 'UNAUTHENTICATED', message: UNAUTHENTICATED_MESSAGE }, 401, challenge)
    }
    c.set('principal', principal)
    const field = fieldReader(c, match)
    if (!principal.user.isAdmin && !(await authorizer.allows(permission, principal.user, field, c.get('workspace')))) {
      return c.json({ error_code: 'PERMISSION_DENIED', message: `Permission denied: ${principal.user.username} may not ${c.req.method} ${path}.` }, 403)
    }
    await next()
    if (match && c.res.ok) await afterSuccess(match.route.name, c, field, principal.user.username)
  }

  async function afterSuccess(routeName: string, c: Context, field: FieldReader, username: string): Promise<void> {
    switch (routeName) {
      case 'createExperiment': {
        const { experiment_id: id } = (await c.res.clone().json()) as { experiment_id?: string }
        if (id) await grantManage(() => store.createExperimentPermission(id, username, 'MANAGE'))
        return
      }
      case 'createRegisteredModel': {
        const body = (await c.res.clone().json()) as { registered_model?: { name?: string } }
        const name = body.registered_model?.name
        if (name) {
          // A grant left by an earlier model of this name must not carry over to the new one.
          await store.deleteRegisteredModelPermissions(name)
          await grantManage(() => store.createRegisteredModelPermission(name, username, 'MANAGE'))
        }
        return
      }
      case 'renameRegisteredModel': {
        const [name, newName] = [await field('name'), await field('new_name')]
        if (typeof name === 'string' && typeof newName === 'string') await store.renameRegisteredModelPermissions(name, newName)
        return
      }
      case 'deleteRegisteredModel': {
        const name = await field('name')
        if (typeof name === 'string') await store.deleteRegisteredModelPermissions(name)
        return
      }
    }
  }

  return { middleware, authenticator }
}

async function grantManage(grant: () => Promise<unknown>): Promise<void> {
  try {
    await grant()
  } catch (error) {
    // Already there (an admin granted it first): the creator keeps what it has.
    if (!isOrchardError(error) || error.code !== 'RESOURCE_ALREADY_EXISTS') throw error
  }
}
