import type { PermissionLevel, RoleResourceType } from '@orchard/protocol/base'

export interface AuthUser {
  readonly id: number
  readonly username: string
  readonly isAdmin: boolean
}

export interface ExperimentGrant {
  readonly experimentId: string
  readonly userId: number
  readonly permission: PermissionLevel
}

export interface RegisteredModelGrant {
  readonly name: string
  readonly userId: number
  readonly permission: PermissionLevel
}

export interface AccessTokenInfo {
  readonly tokenId: string
  readonly userId: number
  readonly name: string
  readonly creationTime: number
  readonly expirationTime?: number
  readonly lastUsedTime?: number
  readonly revokedTime?: number
}

/** What a grant lookup found: the resource's experiment (runs, logged models) and the user's grant. */
export interface GrantLookup {
  /** False when the run, logged model or experiment does not exist. */
  readonly found: boolean
  readonly experimentId?: string
  /** The user's explicit grant, when there is one; the server applies its default otherwise. */
  readonly permission?: PermissionLevel
  /** The experiment's workspace (experimentGrant only): a proxied artifact path is checked against it. */
  readonly workspace?: string
}

/** One entry of the access audit trail. */
export interface AuthEvent {
  readonly eventId: number
  readonly timestamp: number
  /** Who acted, or tried to (a failed sign-in records the name it tried). */
  readonly username?: string
  /** `login`, `login_failed`, `login_locked`, `user_created`, `permission_updated`, `token_revoked`, … */
  readonly action: string
  readonly target?: string
  readonly address?: string
}

/** What a role grant may hold: one of MLflow's levels, or Orchard's DENY, which wins over any allow. */
export type GrantPermission = PermissionLevel | 'DENY'

// The resource types are part of the wire contract (the UI offers them); the store keeps its names.
export { ROLE_RESOURCE_TYPES } from '@orchard/protocol/base'
export type { RoleResourceType } from '@orchard/protocol/base'

export interface RolePermission {
  readonly id: number
  readonly roleId: number
  readonly resourceType: RoleResourceType
  /** A resource's key (experiment id, registered model name) or `*`. */
  readonly resourcePattern: string
  readonly permission: GrantPermission
}

export interface Role {
  readonly id: number
  readonly name: string
  readonly workspace: string
  readonly description?: string
  readonly permissions: readonly RolePermission[]
}

export interface RoleAssignment {
  readonly id: number
  readonly userId: number
  readonly roleId: number
}

/** Orchard's groups of users: a role assigned to a group holds for every member. */
export interface UserGroup {
  readonly id: number
  readonly name: string
  readonly description?: string
  readonly members: readonly string[]
  readonly roleIds: readonly number[]
}

/** One grant that reaches a user through a role (their own or a group's). */
export interface EffectiveRoleGrant {
  readonly resourceType: RoleResourceType
  readonly resourcePattern: string
  readonly permission: GrantPermission
}

/**
 * Roles, their grants and their assignment to users and groups. Store methods throw OrchardError
 * with MLflow's codes and wording (`Role with id=… not found`).
 */
export interface RoleStore {
  createRole(workspace: string, name: string, description?: string): Promise<Role>
  getRole(roleId: number): Promise<Role>
  /** Every role, or those of one workspace. */
  listRoles(workspace?: string): Promise<Role[]>
  updateRole(roleId: number, changes: { readonly name?: string; readonly description?: string }): Promise<Role>
  deleteRole(roleId: number): Promise<void>

  addRolePermission(roleId: number, resourceType: string, resourcePattern: string, permission: GrantPermission): Promise<RolePermission>
  getRolePermission(rolePermissionId: number): Promise<RolePermission>
  updateRolePermission(rolePermissionId: number, permission: GrantPermission): Promise<RolePermission>
  removeRolePermission(rolePermissionId: number): Promise<void>
  listRolePermissions(roleId: number): Promise<RolePermission[]>

  assignRole(username: string, roleId: number): Promise<RoleAssignment>
  unassignRole(username: string, roleId: number): Promise<void>
  /** The roles assigned to the user directly (not through groups). */
  listUserRoles(username: string): Promise<Role[]>
  listRoleUsers(roleId: number): Promise<RoleAssignment[]>

  createGroup(name: string, description?: string): Promise<UserGroup>
  getGroup(name: string): Promise<UserGroup>
  listGroups(): Promise<UserGroup[]>
  deleteGroup(name: string): Promise<void>
  addGroupMember(groupName: string, username: string): Promise<void>
  removeGroupMember(groupName: string, username: string): Promise<void>
  assignGroupRole(groupName: string, roleId: number): Promise<void>
  unassignGroupRole(groupName: string, roleId: number): Promise<void>
  /** The groups the user is a member of. */
  listUserGroups(username: string): Promise<UserGroup[]>

  /**
   * In one query: the grants reaching `userId` through its roles and its groups' roles in
   * `workspace` that apply to `resourceType` (its own type, or `workspace` with `*`).
   */
  effectiveRoleGrants(userId: number, workspace: string, resourceType: 'experiment' | 'registered_model'): Promise<EffectiveRoleGrant[]>
}

/**
 * Users, their grants and their access tokens, in the tracking database (MLflow keeps them in a
 * separate basic_auth.db; one store means one backup and one migration path). Store methods throw
 * OrchardError with MLflow's codes and wording for missing users and grants.
 */
export interface AuthStore extends RoleStore {
  createUser(username: string, password: string, isAdmin?: boolean): Promise<AuthUser>
  /** RESOURCE_DOES_NOT_EXIST in MLflow's words when absent. */
  getUser(username: string): Promise<AuthUser>
  findUser(username: string): Promise<AuthUser | undefined>
  listUsers(): Promise<AuthUser[]>
  countAdmins(): Promise<number>
  /** The user when the password matches; the same time is spent when the user does not exist. */
  authenticatePassword(username: string, password: string): Promise<AuthUser | undefined>
  updatePassword(username: string, password: string): Promise<void>
  updateAdmin(username: string, isAdmin: boolean): Promise<void>
  deleteUser(username: string): Promise<void>

  /** Returns the secret, which is never stored, with the token's record. */
  createToken(userId: number, name: string, expirationTime?: number): Promise<{ secret: string; token: AccessTokenInfo }>
  /** The token's user when the secret names a live token (not revoked, not expired). */
  authenticateToken(secret: string): Promise<AuthUser | undefined>
  /** As authenticateToken, with the token's expiry, so that a cache of verified tokens can honour it. */
  verifyToken(secret: string): Promise<{ readonly user: AuthUser; readonly expirationTime?: number } | undefined>
  listTokens(userId: number): Promise<AccessTokenInfo[]>
  getToken(tokenId: string): Promise<AccessTokenInfo>
  revokeToken(tokenId: string): Promise<void>

  createExperimentPermission(experimentId: string, username: string, permission: PermissionLevel): Promise<ExperimentGrant>
  getExperimentPermission(experimentId: string, username: string): Promise<ExperimentGrant>
  updateExperimentPermission(experimentId: string, username: string, permission: PermissionLevel): Promise<void>
  deleteExperimentPermission(experimentId: string, username: string): Promise<void>
  listExperimentPermissions(userId: number): Promise<ExperimentGrant[]>

  createRegisteredModelPermission(name: string, username: string, permission: PermissionLevel): Promise<RegisteredModelGrant>
  getRegisteredModelPermission(name: string, username: string): Promise<RegisteredModelGrant>
  updateRegisteredModelPermission(name: string, username: string, permission: PermissionLevel): Promise<void>
  deleteRegisteredModelPermission(name: string, username: string): Promise<void>
  listRegisteredModelPermissions(userId: number): Promise<RegisteredModelGrant[]>
  renameRegisteredModelPermissions(oldName: string, newName: string): Promise<void>
  deleteRegisteredModelPermissions(name: string): Promise<void>

  /** One query per check: the experiment behind the resource and the user's grant on it. */
  experimentGrant(userId: number, experimentId: string): Promise<GrantLookup>
  /** The experiment called `name` in `workspace` (default: `default`) and the user's grant on it. */
  experimentGrantByName(userId: number, name: string, workspace?: string): Promise<GrantLookup>
  runGrant(userId: number, runId: string): Promise<GrantLookup>
  loggedModelGrant(userId: number, modelId: string): Promise<GrantLookup>
  registeredModelGrant(userId: number, name: string): Promise<PermissionLevel | undefined>

  /**
   * Changes to access (grants, roles, groups, users, revoked tokens, ended sessions, moved runs) made
   * through this store's connection in this process: read before each request, so that a server's
   * caches drop what such a change made stale before the next request.
   */
  localAccessChanges(): number
  /** The database's count of access changes made by any process (servers poll it; see access-changes.ts). */
  accessChangeVersion(): Promise<number>

  recordEvent(event: Omit<AuthEvent, 'eventId' | 'timestamp'>): Promise<void>
  /** Newest first; `before` is an event id from a previous page. */
  listEvents(query: { readonly maxResults: number; readonly before?: number; readonly username?: string }): Promise<AuthEvent[]>
}
