import { listGroups, listRoleAssignments, listRoles, listUsers, listWorkspaces, workspacesEnabled } from '../../admin-api.ts'
import type { AdminUser, Group, Role, Workspace } from '../../admin-api.ts'

/** Everything the tabs show, read together so that a change in one tab shows in the others. */
export interface AdminData {
  readonly users: readonly AdminUser[]
  readonly groups: readonly Group[]
  readonly roles: readonly Role[]
  /** Role id → the user ids it is assigned to directly. */
  readonly roleUsers: ReadonlyMap<number, readonly number[]>
  /** Undefined when the server runs without workspaces. */
  readonly workspaces: readonly Workspace[] | undefined
}

export async function loadAdminData(): Promise<AdminData> {
  const [users, groups, roles, enabled] = await Promise.all([listUsers(), listGroups(), listRoles(), workspacesEnabled()])
  const [assignments, workspaces] = await Promise.all([
    Promise.all(roles.map((role) => listRoleAssignments(role.id))),
    enabled ? listWorkspaces() : undefined,
  ])
  const roleUsers = new Map(roles.map((role, i) => [role.id, (assignments[i] ?? []).map((a) => a.user_id)]))
  return { users, groups, roles, roleUsers, workspaces }
}
