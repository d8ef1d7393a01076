import type { Context, MiddlewareHandler, Next } from 'hono'
import { HTTP_STATUS, MAX_JSON_BODY_BYTES, isOrchardError, uploadRunArtifactRoute } from '@orchard/protocol'
import type { RoutePermission } from '@orchard/protocol/base'
import type { AuthStore } from '@orchard/store'
import { readJsonBody } from '../json-body.ts'
import { queryObject } from '../request-query.ts'
import { cachedGrants } from './access-cache.ts'
import { Authenticator, clientAddress } from './authenticate.ts'
import type { Principal } from './authenticate.ts'
import { ADMIN_ONLY, createAuthorizer, fieldsRead } from './authorize.ts'
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

const NO_FIELDS: FieldReader = () => undefined

/**
 * Reads the fields a permission names exactly where the route's handler will read them: path
 * parameters, then the query string for GET (and the raw-body upload), otherwise the JSON body.
 * Reading them from anywhere else would let a request check one run and write another. The query
 * and the body are parsed once per request and shared with the handler. A promise when the body
 * must be read first (`withBody`); a body the handler will refuse (too large, not JSON) reads as
 * empty here, and the handler then answers its error.
 */
function fieldReader(c: Context, match: RouteMatch | undefined, withBody: boolean): FieldReader | Promise<FieldReader> {
  if (!match) return NO_FIELDS
  const { params, route } = match
  const fromPath = (name: string) => Object.hasOwn(params, name)
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || route.def === uploadRunArtifactRoute) {
    const query = queryObject(c, route.def.request)
    return (name) => (fromPath(name) ? params[name] : query[name])
  }
  if (!withBody) return (name) => params[name]
  return readJsonBody(c, route.def.maxBodyBytes ?? MAX_JSON_BODY_BYTES).then(
    (body) => (name: string) => (fromPath(name) ? params[name] : body[name]),
    () => (name: string) => params[name],
  )
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

// Routes whose success changes grants (see afterSuccess); every other route needs nothing after it.
const AFTER_SUCCESS = new Set(['createExperiment', 'createRegisteredModel', 'renameRegisteredModel', 'deleteRegisteredModel'])

export function accessControl(store: AuthStore, settings: AuthSettings, signIn?: SignIn): AccessControl {
  const index = new RouteIndex()
  const authenticator = new Authenticator(store, settings)
  const authorizer = createAuthorizer(cachedGrants(store, authenticator.cache), settings, authenticator.cache)
  // The fields each permission reads: with one the path does not give, a JSON body is read first.
  const fieldNames = new WeakMap<RoutePermission, readonly string[]>()
  const needsBody = (permission: RoutePermission, match: RouteMatch | undefined) => {
    let names = fieldNames.get(permission)
    if (!names) fieldNames.set(permission, (names = fieldsRead(permission)))
    return match !== undefined && names.some((name) => !Object.hasOwn(match.params, name))
  }

  /**
   * A request from someone already verified, whose decision is remembered, goes through without an
   * await or a lookup: a remembered decision for an Authorization header costs a hash and two map
   * reads (about 0.05 ms per request before on runs/get, 17 % of it in-process). Anything else takes
   * the full path below.
   */
  const middleware: MiddlewareHandler = (c, next) => {
    // The path Hono routes on, so the check sees the route the handler is.
    const path = c.req.path
    const match = index.match(c.req.method, path)
    const permission = permissionFor(match, path)
    if (permission.resource === 'public' || c.req.method === 'OPTIONS' || (!match && signIn?.isPublic(path))) return next()
    const authorization = c.req.header('authorization')
    // What this process remembers about access, dropped first if access changed (see AccessCache).
    const refreshing = authenticator.cache.refresh()
    const principal = refreshing ? undefined : authenticator.recognized(authorization)
    if (!principal) {
      return authenticate(c, match, authorization, refreshing).then((who) => (who instanceof Response ? who : authorize(c, next, match, permission, who)))
    }
    return authorize(c, next, match, permission, principal)
  }

  /** The request's principal, or the answer refusing it (401, a redirect to sign in, 429). */
  async function authenticate(c: Context, match: RouteMatch | undefined, authorization: string | undefined, refreshing: Promise<void> | undefined): Promise<Principal | Response> {
    let principal
    try {
      await refreshing
      // Credentials sent with the request win; without any, the UI's session cookie.
      principal = authorization || !signIn ? await authenticator.authenticate(authorization, clientAddress(c)) : await signIn.principal(c, authenticator)
    } catch (error) {
      const response = errorResponse(c, error)
      if (response) return response
      throw error
    }
    if (principal) return principal
    if (signIn && !match && !authorization && isPageNavigation(c)) {
      const url = new URL(c.req.url)
      return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 302)
    }
    const challenge: Record<string, string> = signIn && isPageFetch(c) ? {} : { 'WWW-Authenticate': WWW_AUTHENTICATE }
    return c.json({ error_code: 'UNAUTHENTICATED', message: UNAUTHENTICATED_MESSAGE }, 401, challenge)
  }

  /** Checks the permission, then runs the handler; synchronous up to it when the decision is remembered. */
  function authorize(c: Context, next: Next, match: RouteMatch | undefined, permission: RoutePermission, principal: Principal): Promise<Response | void> {
    c.set('principal', principal)
    const run = (): Promise<void> => (match && AFTER_SUCCESS.has(match.route.name) ? next().then(() => afterSuccess(match, c, principal.user.username)) : next())
    if (principal.user.isAdmin) return run()
    const decide = (field: FieldReader): boolean | Promise<boolean> => authorizer.allows(permission, principal.user, field, c.get('workspace'))
    const refuse = (): Response => c.json({ error_code: 'PERMISSION_DENIED', message: `Permission denied: ${principal.user.username} may not ${c.req.method} ${c.req.path}.` }, 403)
    const field = fieldReader(c, match, needsBody(permission, match))
    const allowed = field instanceof Promise ? field.then(decide) : decide(field)
    if (allowed === true) return run()
    if (allowed === false) return Promise.resolve(refuse())
    return allowed.then<Response | void>((yes) => (yes ? run() : refuse()))
  }

  async function afterSuccess(match: RouteMatch, c: Context, username: string): Promise<void> {
    if (!c.res.ok) return
    const field = await fieldReader(c, match, true)
    switch (match.route.name) {
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
        const [name, newName] = [field('name'), field('new_name')]
        if (typeof name === 'string' && typeof newName === 'string') await store.renameRegisteredModelPermissions(name, newName)
        return
      }
      case 'deleteRegisteredModel': {
        const name = field('name')
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
