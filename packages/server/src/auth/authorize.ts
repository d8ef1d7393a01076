import { permissionRank } from '@orchard/protocol/base'
import type { PermissionLevel, RequiredLevel, RoutePermission } from '@orchard/protocol/base'
import type { AuthUser, EffectiveRoleGrant, GrantLookup } from '@orchard/store'
import type { AccessCache, GrantSource } from './access-cache.ts'
import { DEFAULT_ROLE_WORKSPACE, resolvePermission } from './resolve.ts'
import type { ResolvedPermission } from './resolve.ts'
import type { AuthSettings } from './settings.ts'

/** Reads one field of the request: path parameter, query string, then JSON body (already read). */
export type FieldReader = (name: string) => unknown

/** A route without a declared permission is for admins only: an unguarded route fails closed. */
export const ADMIN_ONLY: RoutePermission = { resource: 'admin' }

// MLflow caps multi-run reads at its get-history-bulk limits; checking more ids than this would let
// one request cost a query per id.
const MAX_IDS_CHECKED = 1000

const asText = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined)

const asList = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(asText).filter((v): v is string => v !== undefined)

/** The request fields a permission reads, so a caller can read the body only when it is needed. */
export function fieldsRead(permission: RoutePermission): string[] {
  switch (permission.resource) {
    case 'public':
    case 'authenticated':
    case 'admin':
      return []
    case 'all':
      return (permission.parts ?? []).flatMap(fieldsRead)
    case 'run':
      return [permission.field ?? '', 'run_uuid']
    default:
      return [permission.field ?? '']
  }
}

/** Where the authorizer remembers decisions: an AccessCache, dropped with everything else it holds. */
type DecisionCache = Pick<AccessCache, 'decision' | 'decide'>

export interface Authorizer {
  /**
   * True when `user` (not an admin; admins pass without a check) may call a route needing
   * `permission`. A boolean when the answer needs no lookup or was remembered, else a promise.
   */
  allows(permission: RoutePermission, user: AuthUser, field: FieldReader, workspace?: string): boolean | Promise<boolean>
}

/**
 * `store`: where grants are read, the AuthStore itself or its reads through an AccessCache.
 * `decisions`: where decisions on one resource (a run, an experiment, a logged or registered model)
 * are remembered per user, workspace, level and id, so that a repeated request makes no lookup and
 * awaits nothing. A decision is kept only when every lookup it made found its resource: a missing
 * run is let through to its 404 and may be created later where the user has no access, and creating
 * one is not an access change.
 */
export function createAuthorizer(store: GrantSource, settings: AuthSettings, decisions?: DecisionCache): Authorizer {
  const passes = (resolved: ResolvedPermission, level: RequiredLevel) => resolved !== 'DENY' && permissionRank(resolved) >= permissionRank(level)

  /** One check's lookups; `keep` turns false when one of them found nothing. */
  const checker = (user: AuthUser, workspace: string | undefined) => {
    const state = { keep: true }
    // The user's role grants, read once per check and only when it needs them.
    const roleGrants: Partial<Record<'experiment' | 'registered_model', Promise<EffectiveRoleGrant[]>>> = {}
    const grantsOf = (type: 'experiment' | 'registered_model') => (roleGrants[type] ??= store.effectiveRoleGrants(user.id, workspace ?? DEFAULT_ROLE_WORKSPACE, type))
    const resolve = async (type: 'experiment' | 'registered_model', key: string, own: PermissionLevel | undefined) =>
      resolvePermission(own, await grantsOf(type), key, settings.defaultPermission)
    // A missing run, model or experiment is let through: the handler answers its 404, which says
    // nothing the caller could not learn by guessing ids, and no data is returned or changed.
    const passesLookup = async (lookup: GrantLookup, level: RequiredLevel) => {
      if (!lookup.found) {
        state.keep = false
        return true
      }
      return passes(await resolve('experiment', lookup.experimentId ?? '', lookup.permission), level)
    }
    return {
      state,
      resolve,
      passesLookup,
      experiment: async (id: string, level: RequiredLevel) => passesLookup(await store.experimentGrant(user.id, id), level),
      run: async (id: string, level: RequiredLevel) => passesLookup(await store.runGrant(user.id, id), level),
    }
  }

  /** The ids a one-resource check reads, or undefined for a check that is not remembered. */
  const resourceIds = (permission: RoutePermission, field: FieldReader): (string | undefined)[] | undefined => {
    const name = permission.field ?? ''
    switch (permission.resource) {
      case 'run':
        return [asText(field(name)), asText(field('run_uuid'))]
      case 'experiment':
        // runs/create without an experiment id writes to the Default experiment, as MLflow.
        return [asText(field(name)) ?? '0']
      case 'logged-model':
      case 'registered-model':
        return [asText(field(name))]
      default:
        return undefined
    }
  }

  /** The decision's key: user, workspace, resource kind, level and ids; undefined when not remembered. */
  const decisionKey = (permission: RoutePermission, user: AuthUser, workspace: string | undefined, ids: readonly (string | undefined)[]) => {
    // An id holding the separator could alias another pair of ids: such a request is checked afresh.
    if (workspace?.includes('\0') || ids.some((id) => id?.includes('\0'))) return undefined
    return `${user.id}\0${workspace ?? ''}\0${permission.resource}\0${permission.level ?? 'READ'}\0${ids.join('\0')}`
  }

  /** The check itself, with its lookups; `keep` says whether the answer may be remembered. */
  async function decide(permission: RoutePermission, user: AuthUser, field: FieldReader, workspace: string | undefined): Promise<{ allowed: boolean; keep: boolean }> {
    const check = checker(user, workspace)
    const level = permission.level ?? 'READ'
    const name = permission.field ?? ''
    const answer = async (): Promise<boolean> => {
      switch (permission.resource) {
        // Answered by allows without a lookup.
        case 'public':
        case 'authenticated':
        case 'admin':
        case 'self':
        case 'all':
          return authorizer.allows(permission, user, field, workspace)
        case 'experiment':
          return check.experiment(asText(field(name)) ?? '0', level)
        case 'experiment-name': {
          const experimentName = asText(field(name))
          // Names move with renames and deletes: never remembered.
          check.state.keep = false
          return experimentName === undefined || check.passesLookup(await store.experimentGrantByName(user.id, experimentName, workspace), level)
        }
        case 'experiments':
        case 'runs': {
          const ids = asList(field(name))
          if (ids.length > MAX_IDS_CHECKED) return false
          for (const id of new Set(ids)) {
            if (!(await (permission.resource === 'runs' ? check.run(id, level) : check.experiment(id, level)))) return false
          }
          return true
        }
        case 'run': {
          // Handlers differ in which of run_id and the legacy run_uuid wins when both are sent, so
          // both must pass.
          for (const id of new Set([asText(field(name)), asText(field('run_uuid'))])) {
            if (id !== undefined && !(await check.run(id, level))) return false
          }
          return true
        }
        case 'logged-model': {
          const id = asText(field(name))
          return id === undefined || check.passesLookup(await store.loggedModelGrant(user.id, id), level)
        }
        case 'registered-model': {
          const modelName = asText(field(name))
          // Without a name the route spans every model (the registry's audit trail): admins only.
          if (modelName === undefined) return false
          return passes(await check.resolve('registered_model', modelName, await store.registeredModelGrant(user.id, modelName)), level)
        }
        case 'artifact-path': {
          // The proxy's paths start with the experiment id (`<experiment_id>/<run_id>/artifacts/…`,
          // `<experiment_id>/models/<model_id>/…`), MLflow's rule too; with workspaces they sit under
          // `workspaces/<name>/` (experiment ids are unique across workspaces). Anything else is for admins.
          const path = asText(field(name))?.replace(/^\/+/, '')
          const parts = path === undefined ? undefined : /^(?:workspaces\/([a-z0-9-]+)\/)?(\d+)(?:\/|$)/.exec(path)
          const experimentId = parts?.[2]
          if (experimentId === undefined) return false
          const lookup = await store.experimentGrant(user.id, experimentId)
          // The proxy serves paths, not workspace-scoped stores: with workspaces on, the path's
          // workspace and its experiment's must be the request's, or the request's roles would
          // reach another workspace's experiments.
          if (workspace !== undefined && ((parts?.[1] ?? DEFAULT_ROLE_WORKSPACE) !== workspace || lookup.workspace !== workspace)) return false
          return lookup.found && passes(await check.resolve('experiment', lookup.experimentId ?? experimentId, lookup.permission), level)
        }
      }
    }
    const allowed = await answer()
    return { allowed, keep: check.state.keep }
  }

  const authorizer: Authorizer = {
    // `workspace`: the request's (`--enable-workspaces`), where names are looked up and whose roles apply.
    allows(permission, user, field, workspace) {
      switch (permission.resource) {
        case 'public':
        case 'authenticated':
          return true
        case 'admin':
          return false
        case 'self':
          return asText(field(permission.field ?? '')) === user.username
        case 'all':
          return allOf(permission.parts ?? [], (part) => authorizer.allows(part, user, field, workspace))
      }
      const ids = decisions && resourceIds(permission, field)
      const key = ids && decisionKey(permission, user, workspace, ids)
      if (!decisions || key === undefined) return decide(permission, user, field, workspace).then((decided) => decided.allowed)
      return decisions.decision(key) ?? decisions.decide(key, () => decide(permission, user, field, workspace))
    },
  }
  return authorizer
}

/** True when every part passes (and there is at least one); stays synchronous while the parts are. */
function allOf(parts: readonly RoutePermission[], allows: (part: RoutePermission) => boolean | Promise<boolean>): boolean | Promise<boolean> {
  if (parts.length === 0) return false
  for (let i = 0; i < parts.length; i++) {
    const allowed = allows(parts[i] as RoutePermission)
    if (allowed === false) return false
    if (allowed !== true) {
      return (async () => {
        if (!(await allowed)) return false
        for (const part of parts.slice(i + 1)) if (!(await allows(part))) return false
        return true
      })()
    }
  }
  return true
}
