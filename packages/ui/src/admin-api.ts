import { authRouteAddresses, roleRouteAddresses, trackingRouteAddresses, workspaceRouteAddresses } from '@orchard/protocol/base'
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
  const reply = await callRoute(authRouteAddresses.listUsers, {})
  const users = (reply.users as { id: number; username: string; is_admin: boolean }[] | undefined) ?? []
  return users.map((u) => ({ id: u.id, username: u.username, isAdmin: u.is_admin }))
}

export async function createUser(username: string, password: string): Promise<void> {
  await callRoute(authRouteAddresses.createUser, { username, password })
}

export async function deleteUser(username: string): Promise<void> {
  await callRoute(authRouteAddresses.deleteUser, { username })
}

export async function setAdmin(username: string, isAdmin: boolean): Promise<void> {
  await callRoute(authRouteAddresses.updateUserAdmin, { username, is_admin: isAdmin })
}

export async function resetPassword(username: string, password: string): Promise<void> {
  await callRoute(authRouteAddresses.updateUserPassword, { username, password })
}

export async function listGroups(): Promise<WireGroup[]> {
  return ((await callRoute(roleRouteAddresses.listGroups, {})).groups as WireGroup[] | undefined) ?? []
}

export async function createGroup(name: string, description: string): Promise<void> {
  await callRoute(roleRouteAddresses.createGroup, { group_name: name, ...(description ? { description } : {}) })
}

export async function deleteGroup(name: string): Promise<void> {
  await callRoute(roleRouteAddresses.deleteGroup, { group_name: name })
}

export async function addGroupMember(group: string, username: string): Promise<void> {
  await callRoute(roleRouteAddresses.addGroupMember, { group_name: group, username })
}

export async function removeGroupMember(group: string, username: string): Promise<void> {
  await callRoute(roleRouteAddresses.removeGroupMember, { group_name: group, username })
}

/** Every role, of every workspace. */
export async function listRoles(): Promise<WireRole[]> {
  return ((await callRoute(roleRouteAddresses.listRoles, {})).roles as WireRole[] | undefined) ?? []
}

export async function createRole(workspace: string, name: string, description: string): Promise<void> {
  await callRoute(roleRouteAddresses.createRole, { name, workspace, ...(description ? { description } : {}) })
}

export async function deleteRole(roleId: number): Promise<void> {
  await callRoute(roleRouteAddresses.deleteRole, { role_id: roleId })
}

export async function addRoleGrant(roleId: number, resourceType: string, resourcePattern: string, level: RoleGrantLevel): Promise<void> {
  const target = { role_id: roleId, resource_type: resourceType, resource_pattern: resourcePattern }
  if (level === 'DENY') await callRoute(roleRouteAddresses.denyRolePermission, target)
  else await callRoute(roleRouteAddresses.addRolePermission, { ...target, permission: level })
}

export async function removeRoleGrant(rolePermissionId: number): Promise<void> {
  await callRoute(roleRouteAddresses.removeRolePermission, { role_permission_id: rolePermissionId })
}

/** The users a role is assigned to directly (by user id); groups list their own role ids. */
export async function listRoleAssignments(roleId: number): Promise<WireRoleAssignment[]> {
  return ((await callRoute(roleRouteAddresses.listRoleUsers, { role_id: roleId })).assignments as WireRoleAssignment[] | undefined) ?? []
}

/** Who a role is given to: a user or a group. */
export type Assignee = { readonly kind: 'user' | 'group'; readonly name: string }

export async function assignRole(roleId: number, to: Assignee): Promise<void> {
  if (to.kind === 'user') await callRoute(roleRouteAddresses.assignRole, { username: to.name, role_id: roleId })
  else await callRoute(roleRouteAddresses.assignGroupRole, { group_name: to.name, role_id: roleId })
}

export async function unassignRole(roleId: number, from: Assignee): Promise<void> {
  if (from.kind === 'user') await callRoute(roleRouteAddresses.unassignRole, { username: from.name, role_id: roleId })
  else await callRoute(roleRouteAddresses.unassignGroupRole, { group_name: from.name, role_id: roleId })
}

export interface Workspace {
  readonly name: string
  readonly description?: string
  readonly defaultArtifactRoot?: string
}

/** Whether the server runs with --enable-workspaces (server-info says so). */
export async function workspacesEnabled(): Promise<boolean> {
  return (await callRoute(trackingRouteAddresses.getServerInfo, {})).workspaces_enabled === true
}

export async function listWorkspaces(): Promise<Workspace[]> {
  const listed = ((await callRoute(workspaceRouteAddresses.listWorkspaces, {})).workspaces as { name: string; description?: string; default_artifact_root?: string }[] | undefined) ?? []
  return listed.map((w) => ({
    name: w.name,
    ...(w.description ? { description: w.description } : {}),
    ...(w.default_artifact_root ? { defaultArtifactRoot: w.default_artifact_root } : {}),
  }))
}

export async function createWorkspace(name: string, description: string, defaultArtifactRoot: string): Promise<void> {
  await callRoute(workspaceRouteAddresses.createWorkspace, {
    name,
    ...(description ? { description } : {}),
    ...(defaultArtifactRoot ? { default_artifact_root: defaultArtifactRoot } : {}),
  })
}

export async function deleteWorkspace(name: string): Promise<void> {
  await callRoute(workspaceRouteAddresses.deleteWorkspace, { workspace_name: name })
}
