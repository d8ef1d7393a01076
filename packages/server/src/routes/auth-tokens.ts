import { MAX_ACCESS_TOKEN_DAYS, OrchardError, invalidParameter } from '@orchard/protocol/base'
import type { WireAccessToken, authRoutes } from '@orchard/protocol'
import type { AccessTokenInfo, AuthUser } from '@orchard/store'
import type { Handlers } from '../define-routes.ts'
import { audit, authOf, callerOf } from './auth-users.ts'

type TokenOperations = Pick<typeof authRoutes, 'createAccessToken' | 'listAccessTokens' | 'revokeAccessToken'>

const DAY_MS = 24 * 60 * 60 * 1000

const tokenToWire = (token: AccessTokenInfo, username: string): WireAccessToken => ({
  token_id: token.tokenId,
  name: token.name,
  username,
  creation_timestamp: token.creationTime,
  ...(token.expirationTime !== undefined ? { expiration_timestamp: token.expirationTime } : {}),
  ...(token.lastUsedTime !== undefined ? { last_used_timestamp: token.lastUsedTime } : {}),
  ...(token.revokedTime !== undefined ? { revoked_timestamp: token.revokedTime } : {}),
})

/** Users manage their own tokens; an admin may manage anyone's (service accounts are users too). */
function mayManage(caller: AuthUser, owner: AuthUser): void {
  if (caller.id !== owner.id && !caller.isAdmin) {
    throw new OrchardError('PERMISSION_DENIED', `Permission denied: only ${owner.username} or an admin may manage ${owner.username}'s tokens.`)
  }
}

export const tokenHandlers: Handlers<TokenOperations> = {
  async createAccessToken(request, context, http) {
    const { store, settings } = authOf(context)
    const caller = callerOf(http)
    const owner = request.username ? await store.getUser(request.username) : caller
    mayManage(caller, owner)
    const days = request.expires_in_days
    if (days !== undefined && (days < 1 || days > MAX_ACCESS_TOKEN_DAYS)) {
      throw invalidParameter(`expires_in_days must be between 1 and ${MAX_ACCESS_TOKEN_DAYS}.`)
    }
    const now = (settings.now ?? Date.now)()
    const { secret, token } = await store.createToken(owner.id, request.name ?? '', days === undefined ? undefined : now + days * DAY_MS)
    await audit(context, http, 'token_created', `${token.tokenId} (${token.name || 'unnamed'}) of ${owner.username}`)
    // The secret is in this response only; the server keeps its hash.
    return { token: secret, access_token: tokenToWire(token, owner.username) }
  },
  async listAccessTokens(request, context, http) {
    const { store } = authOf(context)
    const caller = callerOf(http)
    const owner = request.username ? await store.getUser(request.username) : caller
    mayManage(caller, owner)
    return { access_tokens: (await store.listTokens(owner.id)).map((t) => tokenToWire(t, owner.username)) }
  },
  async revokeAccessToken(request, context, http) {
    const { store } = authOf(context)
    const caller = callerOf(http)
    const token = await store.getToken(request.token_id)
    if (token.userId !== caller.id && !caller.isAdmin) throw new OrchardError('RESOURCE_DOES_NOT_EXIST', `Access token with id=${request.token_id} not found`)
    await store.revokeToken(token.tokenId)
    await audit(context, http, 'token_revoked', token.tokenId)
    return {}
  },
}
