import { AUTH_EVENTS_DEFAULT_MAX_RESULTS, AUTH_EVENTS_MAX_RESULTS, OrchardError, invalidParameter } from '@orchard/protocol/base'
import type { WireAuthEvent, WireUser, authRoutes } from '@orchard/protocol'
import type { AuthStore, AuthUser } from '@orchard/store'
import type { Handlers, RequestHeaders } from '../define-routes.ts'
import type { ServerContext } from '../server-context.ts'
import { checkMaxResults } from './paging.ts'

type UserOperations = Pick<
  typeof authRoutes,
  'createUser' | 'getUser' | 'listUsers' | 'updateUserPassword' | 'updateUserAdmin' | 'deleteUser' | 'getCurrentUser' | 'listAuthEvents'
>

/** The auth store; app.ts registers these routes only with access control on. */
export function authOf(context: ServerContext): NonNullable<ServerContext['auth']> {
  if (!context.auth) throw new OrchardError('NOT_IMPLEMENTED', 'Authentication is off on this server (start it with --app-name basic-auth).')
  return context.auth
}

/** The caller; the middleware has authenticated every request that reaches these handlers. */
export function callerOf(http: RequestHeaders): AuthUser {
  const user = http.principal?.user
  if (!user) throw new OrchardError('UNAUTHENTICATED', 'You are not authenticated.')
  return user
}

/** Appends to the access audit trail: `action` on `target` by the caller. */
export async function audit(context: ServerContext, http: RequestHeaders, action: string, target: string): Promise<void> {
  const username = http.principal?.user.username
  await authOf(context).store.recordEvent({ ...(username !== undefined ? { username } : {}), action, target })
}

/** MLflow's User.to_json, with the user's grants. */
export async function userToWire(store: AuthStore, user: AuthUser): Promise<WireUser> {
  const [experiments, models] = await Promise.all([store.listExperimentPermissions(user.id), store.listRegisteredModelPermissions(user.id)])
  return {
    id: user.id,
    username: user.username,
    is_admin: user.isAdmin,
    experiment_permissions: experiments.map((g) => ({ experiment_id: g.experimentId, user_id: g.userId, permission: g.permission })),
    registered_model_permissions: models.map((g) => ({ name: g.name, user_id: g.userId, permission: g.permission })),
  }
}

/** A server must keep an admin: the last one cannot be demoted or deleted, or nobody could manage users. */
async function keepAnAdmin(store: AuthStore, username: string): Promise<void> {
  const user = await store.getUser(username)
  if (user.isAdmin && (await store.countAdmins()) <= 1) {
    throw invalidParameter(`User ${username} is the last admin; make another user admin first.`)
  }
}

export const userHandlers: Handlers<UserOperations> = {
  async createUser(request, context, http) {
    const { store } = authOf(context)
    const user = await store.createUser(request.username, request.password)
    await audit(context, http, 'user_created', request.username)
    return { user: await userToWire(store, user) }
  },
  async getUser(request, context) {
    const { store } = authOf(context)
    return { user: await userToWire(store, await store.getUser(request.username)) }
  },
  async listUsers(_request, context) {
    const { store } = authOf(context)
    const users = await store.listUsers()
    return { users: users.map((u) => ({ id: u.id, username: u.username, is_admin: u.isAdmin })) }
  },
  async updateUserPassword(request, context, http) {
    const auth = authOf(context)
    await auth.store.updatePassword(request.username, request.password)
    auth.authenticator?.forget()
    await audit(context, http, 'password_changed', request.username)
    return {}
  },
  async updateUserAdmin(request, context, http) {
    const auth = authOf(context)
    if (!request.is_admin) await keepAnAdmin(auth.store, request.username)
    await auth.store.updateAdmin(request.username, request.is_admin)
    auth.authenticator?.forget()
    await audit(context, http, request.is_admin ? 'admin_granted' : 'admin_revoked', request.username)
    return {}
  },
  async deleteUser(request, context, http) {
    const auth = authOf(context)
    await keepAnAdmin(auth.store, request.username)
    await auth.store.deleteUser(request.username)
    auth.authenticator?.forget()
    await audit(context, http, 'user_deleted', request.username)
    return {}
  },
  async listAuthEvents(request, context) {
    const maxResults = checkMaxResults(request.max_results, AUTH_EVENTS_DEFAULT_MAX_RESULTS, AUTH_EVENTS_MAX_RESULTS)
    const before = request.page_token === undefined ? undefined : Number(request.page_token)
    if (before !== undefined && !Number.isSafeInteger(before)) throw invalidParameter(`Invalid page_token '${request.page_token}'.`)
    const events = await authOf(context).store.listEvents({
      maxResults: maxResults + 1,
      ...(before !== undefined ? { before } : {}),
      ...(request.username ? { username: request.username } : {}),
    })
    const page = events.slice(0, maxResults)
    const wire: WireAuthEvent[] = page.map((e) => ({
      event_id: String(e.eventId),
      timestamp: e.timestamp,
      action: e.action,
      ...(e.username !== undefined ? { username: e.username } : {}),
      ...(e.target !== undefined ? { target: e.target } : {}),
      ...(e.address !== undefined ? { address: e.address } : {}),
    }))
    const last = page.at(-1)
    return { events: wire, ...(events.length > maxResults && last ? { next_page_token: String(last.eventId) } : {}) }
  },
  async getCurrentUser(_request, context, http) {
    const { store } = authOf(context)
    return { user: await userToWire(store, await store.getUser(callerOf(http).username)) }
  },
}
