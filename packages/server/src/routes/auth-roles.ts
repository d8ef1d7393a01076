import type { WireGroup, WireRole, WireRoleAssignment, WireRolePermission, roleRoutes } from '@orchard/protocol'
import { validatePermission } from '@orchard/store'
import type { Role, RoleAssignment, RolePermission, UserGroup } from '@orchard/store'
import { DEFAULT_ROLE_WORKSPACE } from '../auth/resolve.ts'
import type { Handlers } from '../define-routes.ts'
import { audit, authOf } from './auth-users.ts'

// MLflow's role endpoints answer {role}, {roles}, {role_permission}, {role_permissions},
// {assignment}, {assignments}; deletes answer {}. Orchard's group endpoints answer {group} and
// {groups}. Every change goes to the access audit trail.

const rolePermissionToWire = (p: RolePermission): WireRolePermission => ({
  id: p.id,
  role_id: p.roleId,
  resource_type: p.resourceType,
  resource_pattern: p.resourcePattern,
  permission: p.permission,
})

const roleToWire = (role: Role): WireRole => ({
  id: role.id,
  name: role.name,
  workspace: role.workspace,
  ...(role.description !== undefined ? { description: role.description } : {}),
  permissions: role.permissions.map(rolePermissionToWire),
})

const assignmentToWire = (a: RoleAssignment): WireRoleAssignment => ({ id: a.id, user_id: a.userId, role_id: a.roleId })

const groupToWire = (g: UserGroup): WireGroup => ({
  id: g.id,
  name: g.name,
  ...(g.description !== undefined ? { description: g.description } : {}),
  members: [...g.members],
  role_ids: [...g.roleIds],
})

const describeGrant = (p: RolePermission) => `role ${p.roleId}: ${p.resourceType} ${p.resourcePattern} = ${p.permission}`

export const roleHandlers: Handlers<typeof roleRoutes> = {
  async createRole(request, context, http) {
    const workspace = request.workspace || DEFAULT_ROLE_WORKSPACE
    const role = await authOf(context).store.createRole(workspace, request.name, request.description)
    await audit(context, http, 'role_created', `${workspace}/${role.name} (id ${role.id})`)
    return { role: roleToWire(role) }
  },
  async getRole(request, context) {
    return { role: roleToWire(await authOf(context).store.getRole(request.role_id)) }
  },
  async listRoles(request, context) {
    return { roles: (await authOf(context).store.listRoles(request.workspace || undefined)).map(roleToWire) }
  },
  async updateRole(request, context, http) {
    const role = await authOf(context).store.updateRole(request.role_id, {
      ...(request.name !== undefined ? { name: request.name } : {}),
      ...(request.description !== undefined ? { description: request.description } : {}),
    })
    await audit(context, http, 'role_updated', `${role.workspace}/${role.name} (id ${role.id})`)
    return { role: roleToWire(role) }
  },
  async deleteRole(request, context, http) {
    const { store } = authOf(context)
    const role = await store.getRole(request.role_id)
    await store.deleteRole(request.role_id)
    await audit(context, http, 'role_deleted', `${role.workspace}/${role.name} (id ${role.id})`)
    return {}
  },
  async addRolePermission(request, context, http) {
    const grant = await authOf(context).store.addRolePermission(
      request.role_id,
      request.resource_type,
      request.resource_pattern,
      validatePermission(request.permission),
    )
    await audit(context, http, 'role_permission_added', describeGrant(grant))
    return { role_permission: rolePermissionToWire(grant) }
  },
  async removeRolePermission(request, context, http) {
    const { store } = authOf(context)
    const grant = await store.getRolePermission(request.role_permission_id)
    await store.removeRolePermission(request.role_permission_id)
    await audit(context, http, 'role_permission_removed', describeGrant(grant))
    return {}
  },
  async listRolePermissions(request, context) {
    return { role_permissions: (await authOf(context).store.listRolePermissions(request.role_id)).map(rolePermissionToWire) }
  },
  async updateRolePermission(request, context, http) {
    const grant = await authOf(context).store.updateRolePermission(request.role_permission_id, validatePermission(request.permission))
    await audit(context, http, 'role_permission_updated', describeGrant(grant))
    return { role_permission: rolePermissionToWire(grant) }
  },
  async assignRole(request, context, http) {
    const assignment = await authOf(context).store.assignRole(request.username, request.role_id)
    await audit(context, http, 'role_assigned', `role ${request.role_id} to ${request.username}`)
    return { assignment: assignmentToWire(assignment) }
  },
  async unassignRole(request, context, http) {
    await authOf(context).store.unassignRole(request.username, request.role_id)
    await audit(context, http, 'role_unassigned', `role ${request.role_id} from ${request.username}`)
    return {}
  },
  async listUserRoles(request, context) {
    return { roles: (await authOf(context).store.listUserRoles(request.username)).map(roleToWire) }
  },
  async listRoleUsers(request, context) {
    return { assignments: (await authOf(context).store.listRoleUsers(request.role_id)).map(assignmentToWire) }
  },

  async denyRolePermission(request, context, http) {
    const grant = await authOf(context).store.addRolePermission(request.role_id, request.resource_type, request.resource_pattern, 'DENY')
    await audit(context, http, 'role_permission_added', describeGrant(grant))
    return { role_permission: rolePermissionToWire(grant) }
  },
  async createGroup(request, context, http) {
    const group = await authOf(context).store.createGroup(request.group_name, request.description)
    await audit(context, http, 'group_created', group.name)
    return { group: groupToWire(group) }
  },
  async getGroup(request, context) {
    return { group: groupToWire(await authOf(context).store.getGroup(request.group_name)) }
  },
  async listGroups(_request, context) {
    return { groups: (await authOf(context).store.listGroups()).map(groupToWire) }
  },
  async deleteGroup(request, context, http) {
    await authOf(context).store.deleteGroup(request.group_name)
    await audit(context, http, 'group_deleted', request.group_name)
    return {}
  },
  async addGroupMember(request, context, http) {
    const { store } = authOf(context)
    await store.addGroupMember(request.group_name, request.username)
    await audit(context, http, 'group_member_added', `${request.username} to ${request.group_name}`)
    return { group: groupToWire(await store.getGroup(request.group_name)) }
  },
  async removeGroupMember(request, context, http) {
    const { store } = authOf(context)
    await store.removeGroupMember(request.group_name, request.username)
    await audit(context, http, 'group_member_removed', `${request.username} from ${request.group_name}`)
    return { group: groupToWire(await store.getGroup(request.group_name)) }
  },
  async assignGroupRole(request, context, http) {
    const { store } = authOf(context)
    await store.assignGroupRole(request.group_name, request.role_id)
    await audit(context, http, 'role_assigned', `role ${request.role_id} to group ${request.group_name}`)
    return { group: groupToWire(await store.getGroup(request.group_name)) }
  },
  async unassignGroupRole(request, context, http) {
    const { store } = authOf(context)
    await store.unassignGroupRole(request.group_name, request.role_id)
    await audit(context, http, 'role_unassigned', `role ${request.role_id} from group ${request.group_name}`)
    return { group: groupToWire(await store.getGroup(request.group_name)) }
  },
  async listUserGroups(request, context) {
    return { groups: (await authOf(context).store.listUserGroups(request.username)).map(groupToWire) }
  },
}
