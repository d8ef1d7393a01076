import { z } from 'zod'
import { int64, optionalString, requiredString } from '../schema.ts'
import { needs } from './permission.ts'
import { route } from './route.ts'

// MLflow 3.14's RBAC endpoints (mlflow/server/auth, `/api/3.0/mlflow/roles/*`, `users/roles/list`):
// roles per workspace holding (resource_type, resource_pattern, permission) grants, assigned to
// users. Plus Orchard's extensions under `/api/2.0/orchard/`: groups of users that roles are
// assigned to, and DENY grants. GET reads the query string; POST, PATCH and DELETE a JSON body.

const roleId = { role_id: int64 }
const rolePermissionId = { role_permission_id: int64 }
const groupName = { group_name: requiredString }
const grantTarget = { resource_type: requiredString, resource_pattern: requiredString }

export const roleRoutes = {
  createRole: route({
    methods: ['POST'],
    version: '3.0',
    permission: needs.admin(),
    path: '/mlflow/roles/create',
    request: z.object({ name: requiredString, description: optionalString, workspace: optionalString }),
  }),
  getRole: route({ methods: ['GET'], version: '3.0', permission: needs.admin(), path: '/mlflow/roles/get', request: z.object(roleId) }),
  listRoles: route({ methods: ['GET'], version: '3.0', permission: needs.admin(), path: '/mlflow/roles/list', request: z.object({ workspace: optionalString }) }),
  updateRole: route({
    methods: ['PATCH'],
    version: '3.0',
    permission: needs.admin(),
    path: '/mlflow/roles/update',
    request: z.object({ ...roleId, name: optionalString, description: optionalString }),
  }),
  deleteRole: route({ methods: ['DELETE'], version: '3.0', permission: needs.admin(), path: '/mlflow/roles/delete', request: z.object(roleId) }),
  addRolePermission: route({
    methods: ['POST'],
    version: '3.0',
    permission: needs.admin(),
    path: '/mlflow/roles/permissions/add',
    request: z.object({ ...roleId, ...grantTarget, permission: requiredString }),
  }),
  removeRolePermission: route({
    methods: ['DELETE'],
    version: '3.0',
    permission: needs.admin(),
    path: '/mlflow/roles/permissions/remove',
    request: z.object(rolePermissionId),
  }),
  listRolePermissions: route({
    methods: ['GET'],
    version: '3.0',
    permission: needs.admin(),
    path: '/mlflow/roles/permissions/list',
    request: z.object(roleId),
  }),
  updateRolePermission: route({
    methods: ['PATCH'],
    version: '3.0',
    permission: needs.admin(),
    path: '/mlflow/roles/permissions/update',
    request: z.object({ ...rolePermissionId, permission: requiredString }),
  }),
  assignRole: route({
    methods: ['POST'],
    version: '3.0',
    permission: needs.admin(),
    path: '/mlflow/roles/assign',
    request: z.object({ username: requiredString, ...roleId, workspace: optionalString }),
  }),
  unassignRole: route({
    methods: ['DELETE'],
    version: '3.0',
    permission: needs.admin(),
    path: '/mlflow/roles/unassign',
    request: z.object({ username: requiredString, ...roleId }),
  }),
  /** A user may list its own roles; an admin anyone's. */
  listUserRoles: route({
    methods: ['GET'],
    version: '3.0',
    permission: needs.self(),
    path: '/mlflow/users/roles/list',
    request: z.object({ username: requiredString }),
  }),
  listRoleUsers: route({ methods: ['GET'], version: '3.0', permission: needs.admin(), path: '/mlflow/roles/users/list', request: z.object(roleId) }),

  /** Orchard: a DENY grant in a role, which wins over every allow (admins excepted). */
  denyRolePermission: route({
    methods: ['POST'],
    permission: needs.admin(),
    path: '/orchard/roles/permissions/deny',
    request: z.object({ ...roleId, ...grantTarget }),
  }),
  /** Orchard: groups of users; a role assigned to a group holds for each member. */
  createGroup: route({
    methods: ['POST'],
    permission: needs.admin(),
    path: '/orchard/groups/create',
    request: z.object({ ...groupName, description: optionalString }),
  }),
  getGroup: route({ methods: ['GET'], permission: needs.admin(), path: '/orchard/groups/get', request: z.object(groupName) }),
  listGroups: route({ methods: ['GET'], permission: needs.admin(), path: '/orchard/groups/list', request: z.object({}) }),
  deleteGroup: route({ methods: ['DELETE'], permission: needs.admin(), path: '/orchard/groups/delete', request: z.object(groupName) }),
  addGroupMember: route({
    methods: ['POST'],
    permission: needs.admin(),
    path: '/orchard/groups/members/add',
    request: z.object({ ...groupName, username: requiredString }),
  }),
  removeGroupMember: route({
    methods: ['DELETE'],
    permission: needs.admin(),
    path: '/orchard/groups/members/remove',
    request: z.object({ ...groupName, username: requiredString }),
  }),
  assignGroupRole: route({
    methods: ['POST'],
    permission: needs.admin(),
    path: '/orchard/groups/roles/assign',
    request: z.object({ ...groupName, ...roleId }),
  }),
  unassignGroupRole: route({
    methods: ['DELETE'],
    permission: needs.admin(),
    path: '/orchard/groups/roles/unassign',
    request: z.object({ ...groupName, ...roleId }),
  }),
  /** The groups a user is in: the user itself or an admin. */
  listUserGroups: route({ methods: ['GET'], permission: needs.self(), path: '/orchard/users/groups/list', request: z.object({ username: requiredString }) }),
}

export type RoleRoutes = typeof roleRoutes

/** MLflow's RolePermission.to_json; `permission` may also be Orchard's `DENY`. */
export interface WireRolePermission {
  id: number
  role_id: number
  resource_type: string
  resource_pattern: string
  permission: string
}

/** MLflow's Role.to_json. */
export interface WireRole {
  id: number
  name: string
  workspace: string
  description?: string
  permissions: WireRolePermission[]
}

/** MLflow's UserRoleAssignment.to_json. */
export interface WireRoleAssignment {
  id: number
  user_id: number
  role_id: number
}

export interface WireGroup {
  id: number
  name: string
  description?: string
  members: string[]
  role_ids: number[]
}
