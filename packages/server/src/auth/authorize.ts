import { permissionRank } from '@orchard/protocol/base'
import type { PermissionLevel, RequiredLevel, RoutePermission } from '@orchard/protocol/base'
import type { AuthUser, EffectiveRoleGrant, GrantLookup } from '@orchard/store'
import type { GrantSource } from './access-cache.ts'
import { DEFAULT_ROLE_WORKSPACE, resolvePermission } from './resolve.ts'
import type { ResolvedPermission } from './resolve.ts'
import type { AuthSettings } from './settings.ts'

/** Reads one field of the request: path parameter, query string, then JSON body. */
export type FieldReader = (name: string) => Promise<unknown>

/** A route without a declared permission is for admins only: an unguarded route fails closed. */
export const ADMIN_ONLY: RoutePermission = { resource: 'admin' }

// MLflow caps multi-run reads at its get-history-bulk limits; checking more ids than this would let
// one request cost a query per id.
const MAX_IDS_CHECKED = 1000

const asText = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined)

const asList = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(asText).filter((v): v is string => v !== undefined)

export interface Authorizer {
  /** True when `user` (not an admin; admins pass without a check) may call a route needing `permission`. */
  allows(permission: RoutePermission, user: AuthUser, field: FieldReader, workspace?: string): Promise<boolean>
}

/** `store`: where grants are read, the AuthStore itself or its reads through an AccessCache. */
export function createAuthorizer(store: GrantSource, settings: AuthSettings): Authorizer {
  const passes = (resolved: ResolvedPermission, level: RequiredLevel) => resolved !== 'DENY' && permissionRank(resolved) >= permissionRank(level)

  const authorizer: Authorizer = {
    // `workspace`: the request's (`--enable-workspaces`), where names are looked up and whose roles apply.
    async allows(permission, user, field, workspace) {
      // The user's role grants, read once per request and only when a check needs them.
      const roleGrants: Partial<Record<'experiment' | 'registered_model', Promise<EffectiveRoleGrant[]>>> = {}
      const grantsOf = (type: 'experiment' | 'registered_model') => (roleGrants[type] ??= store.effectiveRoleGrants(user.id, workspace ?? DEFAULT_ROLE_WORKSPACE, type))
      const resolve = async (type: 'experiment' | 'registered_model', key: string, own: PermissionLevel | undefined) =>
        resolvePermission(own, await grantsOf(type), key, settings.defaultPermission)
      // A missing run, model or experiment is let through: the handler answers its 404, which says
      // nothing the caller could not learn by guessing ids, and no data is returned or changed.
      const passesLookup = async (lookup: GrantLookup, level: RequiredLevel) =>
        !lookup.found || passes(await resolve('experiment', lookup.experimentId ?? '', lookup.permission), level)
      const experiment = async (id: string, level: RequiredLevel) => passesLookup(await store.experimentGrant(user.id, id), level)
      const run = async (id: string, level: RequiredLevel) => passesLookup(await store.runGrant(user.id, id), level)

      const level = permission.level ?? 'READ'
      const name = permission.field ?? ''
      switch (permission.resource) {
        case 'public':
        case 'authenticated':
          return true
        case 'all':
          for (const part of permission.parts ?? []) if (!(await authorizer.allows(part, user, field, workspace))) return false
          return (permission.parts ?? []).length > 0
        case 'admin':
          return false
        case 'self':
          return asText(await field(name)) === user.username
        case 'experiment':
          // runs/create without an experiment id writes to the Default experiment, as MLflow.
          return experiment(asText(await field(name)) ?? '0', level)
        case 'experiment-name': {
          const experimentName = asText(await field(name))
          return experimentName === undefined || passesLookup(await store.experimentGrantByName(user.id, experimentName, workspace), level)
        }
        case 'experiments':
        case 'runs': {
          const ids = asList(await field(name))
          if (ids.length > MAX_IDS_CHECKED) return false
          for (const id of new Set(ids)) {
            if (!(await (permission.resource === 'runs' ? run(id, level) : experiment(id, level)))) return false
          }
          return true
        }
        case 'run': {
          // Handlers differ in which of run_id and the legacy run_uuid wins when both are sent, so
          // both must pass.
          for (const id of new Set([asText(await field(name)), asText(await field('run_uuid'))])) {
            if (id !== undefined && !(await run(id, level))) return false
          }
          return true
        }
        case 'logged-model': {
          const id = asText(await field(name))
          return id === undefined || passesLookup(await store.loggedModelGrant(user.id, id), level)
        }
        case 'registered-model': {
          const modelName = asText(await field(name))
          // Without a name the route spans every model (the registry's audit trail): admins only.
          if (modelName === undefined) return false
          return passes(await resolve('registered_model', modelName, await store.registeredModelGrant(user.id, modelName)), level)
        }
        case 'artifact-path': {
          // The proxy's paths start with the experiment id (`<experiment_id>/<run_id>/artifacts/…`,
          // `<experiment_id>/models/<model_id>/…`), MLflow's rule too; with workspaces they sit under
          // `workspaces/<name>/` (experiment ids are unique across workspaces). Anything else is for admins.
          const path = asText(await field(name))?.replace(/^\/+/, '')
          const parts = path === undefined ? undefined : /^(?:workspaces\/([a-z0-9-]+)\/)?(\d+)(?:\/|$)/.exec(path)
          const experimentId = parts?.[2]
          if (experimentId === undefined) return false
          const lookup = await store.experimentGrant(user.id, experimentId)
          // The proxy serves paths, not workspace-scoped stores: with workspaces on, the path's
          // workspace and its experiment's must be the request's, or the request's roles would
          // reach another workspace's experiments.
          if (workspace !== undefined && ((parts?.[1] ?? DEFAULT_ROLE_WORKSPACE) !== workspace || lookup.workspace !== workspace)) return false
          return lookup.found && passes(await resolve('experiment', lookup.experimentId ?? experimentId, lookup.permission), level)
        }
      }
    },
  }
  return authorizer
}
