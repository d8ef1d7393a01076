import { authRouteAddresses, grantListRouteAddresses } from '@orchard/protocol/base'
import type { PermissionLevel, WireAccessToken, WireResourceGrant } from '@orchard/protocol'
import { callRoute } from './api.ts'

// The calls of the user menu (personal access tokens) and the permissions tabs (MLflow's
// experiments/permissions and registered-models/permissions endpoints, and Orchard's list of every
// grant on one resource). URLs come from the protocol's route table.

export type { PermissionLevel, WireAccessToken as AccessToken }

/** The levels a grant may give, as MLflow names them, lowest first. */
export const GRANT_LEVELS: readonly PermissionLevel[] = ['READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS']

export async function listTokens(): Promise<WireAccessToken[]> {
  const reply = await callRoute(authRouteAddresses.listAccessTokens, {})
  return (reply.access_tokens as WireAccessToken[] | undefined) ?? []
}

/** The new token's secret (shown once) and its record. */
export async function createToken(name: string, expiresInDays: number | undefined): Promise<{ token: string; info: WireAccessToken }> {
  const reply = await callRoute(authRouteAddresses.createAccessToken, { name, ...(expiresInDays ? { expires_in_days: expiresInDays } : {}) })
  return { token: String(reply.token), info: reply.access_token as WireAccessToken }
}

export async function revokeToken(tokenId: string): Promise<void> {
  await callRoute(authRouteAddresses.revokeAccessToken, { token_id: tokenId })
}

/** A resource whose grants a permissions tab manages. */
export type GrantTarget = { readonly kind: 'experiment'; readonly experimentId: string } | { readonly kind: 'model'; readonly name: string }

const key = (target: GrantTarget) => (target.kind === 'experiment' ? { experiment_id: target.experimentId } : { name: target.name })

export async function listGrants(target: GrantTarget): Promise<WireResourceGrant[]> {
  const def = target.kind === 'experiment' ? grantListRouteAddresses.listExperimentGrants : grantListRouteAddresses.listRegisteredModelGrants
  const reply = await callRoute(def, key(target))
  return (reply.permissions as WireResourceGrant[] | undefined) ?? []
}

export async function createGrant(target: GrantTarget, username: string, permission: PermissionLevel): Promise<void> {
  const def = target.kind === 'experiment' ? authRouteAddresses.createExperimentPermission : authRouteAddresses.createRegisteredModelPermission
  await callRoute(def, { ...key(target), username, permission })
}

export async function updateGrant(target: GrantTarget, username: string, permission: PermissionLevel): Promise<void> {
  const def = target.kind === 'experiment' ? authRouteAddresses.updateExperimentPermission : authRouteAddresses.updateRegisteredModelPermission
  await callRoute(def, { ...key(target), username, permission })
}

export async function deleteGrant(target: GrantTarget, username: string): Promise<void> {
  const def = target.kind === 'experiment' ? authRouteAddresses.deleteExperimentPermission : authRouteAddresses.deleteRegisteredModelPermission
  await callRoute(def, { ...key(target), username })
}
