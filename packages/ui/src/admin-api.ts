import { authRoutes, roleRoutes, trackingRoutes, workspaceRoutes } from '@orchard/protocol'
import type { WireGroup, WireRole, WireRoleAssignment } from '@orchard/protocol'
import { callRoute } from './api.ts'

// The admin page's calls: MLflow's users/* and roles endpoints (3.14's RBAC), Orchard's groups and
// deny grants, and MLflow 3.10's workspaces. URLs come from the protocol's route table; the server
// lets only admins make them.

export type { WireGroup as Group, WireRole as Role }

export interface AdminUser {
  readonly id: number
  readonly username: string
  readonly isAdmin: boolean
}

/** What a role grant may give: MLflow's levels, plus Orchard's DENY (sent through its own route). */
export const ROLE_GRANT_LEVELS = ['READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS', 'DENY'] as const
export type RoleGrantLevel = (typeof ROLE_GRANT_LEVELS)[number]

export async function listUsers(): Promise<AdminUser[]> {
  const reply = await callRoute(authRoutes.listUsers, {})
  const users = (reply.users as { id: number; username: string; is_admin: boolean }[] | undefined) ?? []
  return users.map((u) => ({ id: u.id, username: u.username, isAdmin: u.is_admin }))
}

export async function createUser(username: string, password: string): Promise<void> {
  await callRoute(authRoutes.createUser, { username, password })
}

export async function deleteUser(username: string): Promise<void> {
  await callRoute(authRoutes.deleteUser, { username })
}

export async function setAdmin(username: string, isAdmin: boolean): Promise<void> {
  await callRoute(authRoutes.updateUserAdmin, { username, is_admin: isAdmin })
}

export async function resetPassword(username: string, password: string): Promise<void> {
  await callRoute(authRoutes.updateUserPassword, { username, password })
}

export async function listGroups(): Promise<WireGroup[]> {
  return ((await callRoute(roleRoutes.listGroups, {})).groups as WireGroup[] | undefined) ?? []
}

export async function createGroup(name: string, description: string): Promise<void> {
  await callRoute(roleRoutes.createGroup, { group_name: name, ...(description ? { description } : {}) })
}

export async function deleteGroup(name: string): Promise<void> {
  await callRoute(roleRoutes.deleteGroup, { group_name: name })
}

export async function addGroupMember(group: string, username: string): Promise<void> {
  await callRoute(roleRoutes.addGroupMember, { group_name: group, username })
}

export async function removeGroupMember(group: string, username: string): Promise<void> {
  await callRoute(roleRoutes.removeGroupMember, { group_name: group, username })
}

/** Every role, of every workspace. */
export async function listRoles(): Promise<WireRole[]> {
  return ((await callRoute(roleRoutes.listRoles, {})).roles as WireRole[] | undefined) ?? []
}

export async function createRole(workspace: string, name: string, description: string): Promise<void> {
  await callRoute(roleRoutes.createRole, { name, workspace, ...(description ? { description } : {}) })
}

export async function deleteRole(roleId: number): Promise<void> {
  await callRoute(roleRoutes.deleteRole, { role_id: roleId })
}

export async function addRoleGrant(roleId: number, resourceType: string, resourcePattern: string, level: RoleGrantLevel): Promise<void> {
  const target = { role_id: roleId, resource_type: resourceType, resource_pattern: resourcePattern }
  if (level === 'DENY') await callRoute(roleRoutes.denyRolePermission, target)
  else await callRoute(roleRoutes.addRolePermission, { ...target, permission: level })
}

export async function removeRoleGrant(rolePermissionId: number): Promise<void> {
  await callRoute(roleRoutes.removeRolePermission, { role_permission_id: rolePermissionId })
}

/** The users a role is assigned to directly (by user id); groups list their own role ids. */
export async function listRoleAssignments(roleId: number): Promise<WireRoleAssignment[]> {
  return ((await callRoute(roleRoutes.listRoleUsers, { role_id: roleId })).assignments as WireRoleAssignment[] | undefined) ?? []
}

/** Who a role is given to: a user or a group. */
export type Assignee = { readonly kind: 'user' | 'group'; readonly name: string }

export async function assignRole(roleId: number, to: Assignee): Promise<void> {
  if (to.kind === 'user') await callRoute(roleRoutes.assignRole, { username: to.name, role_id: roleId })
  else await callRoute(roleRoutes.assignGroupRole, { group_name: to.name, role_id: roleId })
}

export async function unassignRole(roleId: number, from: Assignee): Promise<void> {
  if (from.kind === 'user') await callRoute(roleRoutes.unassignRole, { username: from.name, role_id: roleId })
  else await callRoute(roleRoutes.unassignGroupRole, { group_name: from.name, role_id: roleId })
}

export interface Workspace {
  readonly name: string
  readonly description?: string
  readonly defaultArtifactRoot?: string
}

/** Whether the server runs with --enable-workspaces (server-info says so). */
export async function workspacesEnabled(): Promise<boolean> {
  return (await callRoute(trackingRoutes.getServerInfo, {})).workspaces_enabled === true
}

export async function listWorkspaces(): Promise<Workspace[]> {
  const listed = ((await callRoute(workspaceRoutes.listWorkspaces, {})).workspaces as { name: string; description?: string; default_artifact_root?: string }[] | undefined) ?? []
  return listed.map((w) => ({
    name: w.name,
    ...(w.description ? { description: w.description } : {}),
    ...(w.default_artifact_root ? { defaultArtifactRoot: w.default_artifact_root } : {}),
  }))
}

export async function createWorkspace(name: string, description: string, defaultArtifactRoot: string): Promise<void> {
  await callRoute(workspaceRoutes.createWorkspace, {
    name,
    ...(description ? { description } : {}),
    ...(defaultArtifactRoot ? { default_artifact_root: defaultArtifactRoot } : {}),
  })
}

export async function deleteWorkspace(name: string): Promise<void> {
  await callRoute(workspaceRoutes.deleteWorkspace, { workspace_name: name })
}
