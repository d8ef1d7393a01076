import { OrchardError } from '@orchard/protocol/base'
import type { AuthStore, AuthUser, Role, SsoStore } from '@orchard/store'
import { DEFAULT_ROLE_WORKSPACE } from './resolve.ts'
import type { GroupRoleMapping } from './sign-in-settings.ts'

// Single sign-on's IdP groups → Orchard roles (--oidc-group-role). Roles are found by name at each
// sign-in, not by the id they had at start, so an admin may recreate a role without restarting.

const workspaceOf = (mapping: GroupRoleMapping) => mapping.workspace ?? DEFAULT_ROLE_WORKSPACE
const roleKey = (workspace: string, name: string) => `${workspace}\u0000${name}`
const describeMapping = (mapping: GroupRoleMapping) =>
  `${mapping.group}=${mapping.role}${mapping.workspace ? `@${mapping.workspace}` : ''}`

async function rolesByName(store: AuthStore): Promise<Map<string, Role>> {
  return new Map((await store.listRoles()).map((role) => [roleKey(role.workspace, role.name), role]))
}

/** Refuses to start when a mapping names a role that does not exist: a typo would grant nothing, silently. */
export async function checkGroupRoles(store: AuthStore, mappings: readonly GroupRoleMapping[] | undefined): Promise<void> {
  if (!mappings?.length) return
  const roles = await rolesByName(store)
  const unknown = mappings.filter((mapping) => !roles.has(roleKey(workspaceOf(mapping), mapping.role)))
  if (unknown.length === 0) return
  const list = unknown.map((m) => `'${m.role}' in workspace '${workspaceOf(m)}' (from ${describeMapping(m)})`).join(', ')
  throw new OrchardError(
    'INVALID_PARAMETER_VALUE',
    `--oidc-group-role names roles that do not exist: ${list}. Create them first (orchard roles create --name <role>) or correct the mapping.`,
  )
}

/**
 * At a sign-in: assigns the roles the user's IdP groups map to and removes the ones an earlier sign-in
 * assigned for groups the IdP no longer lists (an empty mapping removes them all). Each change goes
 * to the audit trail; a mapped role deleted since start is skipped and recorded.
 */
export async function applyGroupRoles(
  store: AuthStore,
  sso: SsoStore,
  user: AuthUser,
  groups: readonly string[],
  mappings: readonly GroupRoleMapping[],
): Promise<void> {
  const roles = mappings.length ? await rolesByName(store) : new Map<string, Role>()
  const wanted = new Map<number, string>()
  for (const mapping of mappings) {
    if (!groups.includes(mapping.group)) continue
    const role = roles.get(roleKey(workspaceOf(mapping), mapping.role))
    if (role) wanted.set(role.id, mapping.group)
    else await store.recordEvent({ username: user.username, action: 'idp_role_missing', target: describeMapping(mapping) })
  }
  const { added, removed } = await sso.syncIdpRoles(user.id, [...wanted.keys()])
  for (const roleId of added) {
    await store.recordEvent({ username: user.username, action: 'role_assigned', target: `role ${roleId} to ${user.username} (IdP group ${wanted.get(roleId)})` })
  }
  for (const roleId of removed) {
    await store.recordEvent({ username: user.username, action: 'role_unassigned', target: `role ${roleId} from ${user.username} (no longer in its IdP group)` })
  }
}
