import { OrchardError, invalidParameter, isPermissionLevel, notFound } from '@orchard/protocol/base'
import type { StoreContext } from '../sql/context.ts'
import { withAccessTracking } from './access-changes.ts'
import { ROLE_RESOURCE_TYPES } from './auth-store.ts'
import type {
  EffectiveRoleGrant,
  GrantPermission,
  Role,
  RoleAssignment,
  RolePermission,
  RoleResourceType,
  RoleStore,
  UserGroup,
} from './auth-store.ts'

// Names travel in URLs and audit entries; patterns hold an experiment id or a registered model name.
const MAX_NAME_LENGTH = 256
const MAX_DESCRIPTION_LENGTH = 5000
const MAX_PATTERN_LENGTH = 1000

interface RoleRow {
  role_id: number
  workspace: string
  name: string
  description: string | null
}

interface RolePermissionRow {
  role_permission_id: number
  role_id: number
  resource_type: RoleResourceType
  resource_pattern: string
  permission: GrantPermission
}

interface GroupRow {
  group_id: number
  name: string
  description: string | null
}

const toRolePermission = (row: RolePermissionRow): RolePermission => ({
  id: Number(row.role_permission_id),
  roleId: Number(row.role_id),
  resourceType: row.resource_type,
  resourcePattern: row.resource_pattern,
  permission: row.permission,
})

const roleNotFound = (roleId: number) => notFound(`Role with id=${roleId} not found`)
const groupNotFound = (name: string) => notFound(`Group with name=${name} not found`)
const userNotFound = (username: string) => notFound(`User with username=${username} not found`)

function validateName(what: string, name: string): void {
  if (!name.trim()) throw invalidParameter(`${what} name cannot be empty.`)
  if (name.length > MAX_NAME_LENGTH) throw invalidParameter(`${what} name must be at most ${MAX_NAME_LENGTH} characters.`)
  if (/\p{Cc}/u.test(name)) throw invalidParameter(`${what} name must not contain control characters.`)
}

function validateDescription(description: string | undefined): void {
  if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH) {
    throw invalidParameter(`Description must be at most ${MAX_DESCRIPTION_LENGTH} characters.`)
  }
}

function validateResourceType(resourceType: string): RoleResourceType {
  if (!(ROLE_RESOURCE_TYPES as readonly string[]).includes(resourceType)) {
    throw invalidParameter(`Invalid resource type '${resourceType}'. Valid resource types are: (${ROLE_RESOURCE_TYPES.map((t) => `'${t}'`).join(', ')})`)
  }
  return resourceType as RoleResourceType
}

/** A level MLflow knows, or Orchard's DENY (which only the deny route sends). */
function validateGrantPermission(permission: string): GrantPermission {
  if (permission === 'DENY' || isPermissionLevel(permission)) return permission
  throw invalidParameter(`Invalid permission '${permission}'. Valid permissions are: ('READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')`)
}

/**
 * The role half of the auth store. Reads a role with its grants in two queries; the authorization
 * check (effectiveRoleGrants) is one query joining the user's roles and its groups' roles.
 */
export class SqlRoleStore implements RoleStore {
  /** Writes through `ctx` note an access change (see access-changes.ts); `plain` writes do not. */
  protected readonly ctx: StoreContext
  protected readonly plain: StoreContext

  constructor(ctx: StoreContext) {
    this.plain = ctx
    this.ctx = withAccessTracking(ctx)
  }

  private async userId(username: string): Promise<number> {
    const [row] = await this.ctx.db.query<{ user_id: number }>('SELECT user_id FROM users WHERE username = ?', [username])
    if (!row) throw userNotFound(username)
    return Number(row.user_id)
  }

  private async roleRow(roleId: number): Promise<RoleRow> {
    if (!Number.isSafeInteger(roleId)) throw roleNotFound(roleId)
    const [row] = await this.ctx.db.query<RoleRow>('SELECT role_id, workspace, name, description FROM roles WHERE role_id = ?', [roleId])
    if (!row) throw roleNotFound(roleId)
    return row
  }

  private async withPermissions(rows: readonly RoleRow[]): Promise<Role[]> {
    if (rows.length === 0) return []
    const ids = rows.map((row) => Number(row.role_id))
    const within = this.ctx.dialect.inList('role_id', ids, 'bigint')
    const grants = await this.ctx.db.query<RolePermissionRow>(
      `SELECT role_permission_id, role_id, resource_type, resource_pattern, permission FROM role_permissions WHERE ${within.sql} ORDER BY role_permission_id`,
      within.params,
    )
    return rows.map((row) => ({
      id: Number(row.role_id),
      name: row.name,
      workspace: row.workspace,
      ...(row.description !== null ? { description: row.description } : {}),
      permissions: grants.filter((g) => Number(g.role_id) === Number(row.role_id)).map(toRolePermission),
    }))
  }

  async createRole(workspace: string, name: string, description?: string): Promise<Role> {
    validateName('Role', name)
    validateName('Workspace', workspace)
    validateDescription(description)
    const exists = () => new OrchardError('RESOURCE_ALREADY_EXISTS', `Role (name=${name}, workspace=${workspace}) already exists.`)
    const [existing] = await this.ctx.db.query('SELECT 1 FROM roles WHERE workspace = ? AND name = ?', [workspace, name])
    if (existing) throw exists()
    try {
      await this.ctx.db.run('INSERT INTO roles (workspace, name, description, creation_time) VALUES (?, ?, ?, ?)', [
        workspace,
        name,
        description ?? null,
        this.ctx.now(),
      ])
    } catch (error) {
      if ((error as { code?: string }).code === 'RESOURCE_ALREADY_EXISTS' || this.ctx.dialect.classifyError(error) === 'unique') throw exists()
      throw error
    }
    const rows = await this.ctx.db.query<RoleRow>('SELECT role_id, workspace, name, description FROM roles WHERE workspace = ? AND name = ?', [workspace, name])
    const [role] = await this.withPermissions(rows)
    if (!role) throw notFound(`Role with name=${name} in workspace=${workspace} not found`)
    return role
  }

  async getRole(roleId: number): Promise<Role> {
    const [role] = await this.withPermissions([await this.roleRow(roleId)])
    if (!role) throw roleNotFound(roleId)
    return role
  }

  async listRoles(workspace?: string): Promise<Role[]> {
    const rows = await this.ctx.db.query<RoleRow>(
      `SELECT role_id, workspace, name, description FROM roles ${workspace === undefined ? '' : 'WHERE workspace = ?'} ORDER BY role_id`,
      workspace === undefined ? [] : [workspace],
    )
    return this.withPermissions(rows)
  }

  async updateRole(roleId: number, changes: { readonly name?: string; readonly description?: string }): Promise<Role> {
    if (changes.name === undefined && changes.description === undefined) {
      throw invalidParameter("At least one of 'name' or 'description' must be provided.")
    }
    const row = await this.roleRow(roleId)
    if (changes.name !== undefined) {
      validateName('Role', changes.name)
      const [clash] = await this.ctx.db.query('SELECT 1 FROM roles WHERE workspace = ? AND name = ? AND role_id <> ?', [row.workspace, changes.name, roleId])
      if (clash) throw new OrchardError('RESOURCE_ALREADY_EXISTS', `Role with name=${changes.name} already exists in workspace=${row.workspace}`)
      await this.ctx.db.run('UPDATE roles SET name = ? WHERE role_id = ?', [changes.name, roleId])
    }
    if (changes.description !== undefined) {
      validateDescription(changes.description)
      await this.ctx.db.run('UPDATE roles SET description = ? WHERE role_id = ?', [changes.description, roleId])
    }
    return this.getRole(roleId)
  }

  async deleteRole(roleId: number): Promise<void> {
    await this.roleRow(roleId)
    // Grants and assignments go with the role (ON DELETE CASCADE).
    await this.ctx.db.run('DELETE FROM roles WHERE role_id = ?', [roleId])
  }

  async addRolePermission(roleId: number, resourceType: string, resourcePattern: string, permission: GrantPermission): Promise<RolePermission> {
    const type = validateResourceType(resourceType)
    const level = validateGrantPermission(permission)
    if (!resourcePattern) throw invalidParameter('resource_pattern cannot be empty; use * for every resource of the type.')
    if (resourcePattern.length > MAX_PATTERN_LENGTH) throw invalidParameter(`resource_pattern must be at most ${MAX_PATTERN_LENGTH} characters.`)
    // A workspace-wide grant names no resource; any other pattern would be silently ignored.
    if (type === 'workspace' && resourcePattern !== '*') {
      throw invalidParameter(`resource_type='${type}' requires resource_pattern='*'. Got resource_pattern='${resourcePattern}'.`)
    }
    await this.roleRow(roleId)
    const exists = () =>
      new OrchardError(
        'RESOURCE_ALREADY_EXISTS',
        `Role permission (role_id=${roleId}, resource_type=${type}, resource_pattern=${resourcePattern}) already exists.`,
      )
    const [existing] = await this.ctx.db.query('SELECT 1 FROM role_permissions WHERE role_id = ? AND resource_type = ? AND resource_pattern = ?', [
      roleId,
      type,
      resourcePattern,
    ])
    if (existing) throw exists()
    try {
      await this.ctx.db.run('INSERT INTO role_permissions (role_id, resource_type, resource_pattern, permission) VALUES (?, ?, ?, ?)', [
        roleId,
        type,
        resourcePattern,
        level,
      ])
    } catch (error) {
      if ((error as { code?: string }).code === 'RESOURCE_ALREADY_EXISTS' || this.ctx.dialect.classifyError(error) === 'unique') throw exists()
      throw error
    }
    const [row] = await this.ctx.db.query<RolePermissionRow>(
      'SELECT role_permission_id, role_id, resource_type, resource_pattern, permission FROM role_permissions WHERE role_id = ? AND resource_type = ? AND resource_pattern = ?',
      [roleId, type, resourcePattern],
    )
    if (!row) throw exists()
    return toRolePermission(row)
  }

  async getRolePermission(rolePermissionId: number): Promise<RolePermission> {
    const [row] = Number.isSafeInteger(rolePermissionId)
      ? await this.ctx.db.query<RolePermissionRow>(
          'SELECT role_permission_id, role_id, resource_type, resource_pattern, permission FROM role_permissions WHERE role_permission_id = ?',
          [rolePermissionId],
        )
      : []
    if (!row) throw notFound(`Role permission with id=${rolePermissionId} not found`)
    return toRolePermission(row)
  }

  async updateRolePermission(rolePermissionId: number, permission: GrantPermission): Promise<RolePermission> {
    const level = validateGrantPermission(permission)
    await this.getRolePermission(rolePermissionId)
    await this.ctx.db.run('UPDATE role_permissions SET permission = ? WHERE role_permission_id = ?', [level, rolePermissionId])
    return this.getRolePermission(rolePermissionId)
  }

  async removeRolePermission(rolePermissionId: number): Promise<void> {
    await this.getRolePermission(rolePermissionId)
    await this.ctx.db.run('DELETE FROM role_permissions WHERE role_permission_id = ?', [rolePermissionId])
  }

  async listRolePermissions(roleId: number): Promise<RolePermission[]> {
    return [...(await this.getRole(roleId)).permissions]
  }

  async assignRole(username: string, roleId: number): Promise<RoleAssignment> {
    const userId = await this.userId(username)
    await this.roleRow(roleId)
    const exists = () => new OrchardError('RESOURCE_ALREADY_EXISTS', `User role assignment (user_id=${userId}, role_id=${roleId}) already exists`)
    const [existing] = await this.ctx.db.query<{ assignment_id: number; idp_granted: number }>(
      'SELECT assignment_id, idp_granted FROM user_role_assignments WHERE user_id = ? AND role_id = ?',
      [userId, roleId],
    )
    if (existing && Number(existing.idp_granted) === 1) {
      // Granted by single sign-on's group mapping: assigning it by hand makes it the admin's, so the
      // next sign-in without the group no longer takes it away.
      await this.ctx.db.run('UPDATE user_role_assignments SET idp_granted = 0 WHERE assignment_id = ?', [existing.assignment_id])
      return { id: Number(existing.assignment_id), userId, roleId }
    }
    if (existing) throw exists()
    try {
      await this.ctx.db.run('INSERT INTO user_role_assignments (user_id, role_id) VALUES (?, ?)', [userId, roleId])
    } catch (error) {
      if ((error as { code?: string }).code === 'RESOURCE_ALREADY_EXISTS' || this.ctx.dialect.classifyError(error) === 'unique') throw exists()
      throw error
    }
    const [row] = await this.ctx.db.query<{ assignment_id: number }>('SELECT assignment_id FROM user_role_assignments WHERE user_id = ? AND role_id = ?', [
      userId,
      roleId,
    ])
    return { id: Number(row?.assignment_id), userId, roleId }
  }

  async unassignRole(username: string, roleId: number): Promise<void> {
    const userId = await this.userId(username)
    const changed = await this.ctx.db.run('DELETE FROM user_role_assignments WHERE user_id = ? AND role_id = ?', [userId, roleId])
    if (changed === 0) throw notFound(`User role assignment (user_id=${userId}, role_id=${roleId}) not found`)
  }

  async listUserRoles(username: string): Promise<Role[]> {
    const userId = await this.userId(username)
    const rows = await this.ctx.db.query<RoleRow>(
      `SELECT r.role_id, r.workspace, r.name, r.description FROM roles r
       JOIN user_role_assignments a ON a.role_id = r.role_id WHERE a.user_id = ? ORDER BY r.role_id`,
      [userId],
    )
    return this.withPermissions(rows)
  }

  async listRoleUsers(roleId: number): Promise<RoleAssignment[]> {
    await this.roleRow(roleId)
    const rows = await this.ctx.db.query<{ assignment_id: number; user_id: number }>(
      'SELECT assignment_id, user_id FROM user_role_assignments WHERE role_id = ? ORDER BY assignment_id',
      [roleId],
    )
    return rows.map((row) => ({ id: Number(row.assignment_id), userId: Number(row.user_id), roleId }))
  }

  private async groupRow(name: string): Promise<GroupRow> {
    const [row] = await this.ctx.db.query<GroupRow>('SELECT group_id, name, description FROM user_groups WHERE name = ?', [name])
    if (!row) throw groupNotFound(name)
    return row
  }

  private async withMembers(rows: readonly GroupRow[]): Promise<UserGroup[]> {
    if (rows.length === 0) return []
    const ids = rows.map((row) => Number(row.group_id))
    const members = this.ctx.dialect.inList('m.group_id', ids, 'bigint')
    const roles = this.ctx.dialect.inList('group_id', ids, 'bigint')
    const [memberRows, roleRows] = await Promise.all([
      this.ctx.db.query<{ group_id: number; username: string }>(
        `SELECT m.group_id, u.username FROM group_members m JOIN users u ON u.user_id = m.user_id WHERE ${members.sql} ORDER BY u.username`,
        members.params,
      ),
      this.ctx.db.query<{ group_id: number; role_id: number }>(`SELECT group_id, role_id FROM group_role_assignments WHERE ${roles.sql} ORDER BY role_id`, roles.params),
    ])
    return rows.map((row) => ({
      id: Number(row.group_id),
      name: row.name,
      ...(row.description !== null ? { description: row.description } : {}),
      members: memberRows.filter((m) => Number(m.group_id) === Number(row.group_id)).map((m) => m.username),
      roleIds: roleRows.filter((r) => Number(r.group_id) === Number(row.group_id)).map((r) => Number(r.role_id)),
    }))
  }

  async createGroup(name: string, description?: string): Promise<UserGroup> {
    validateName('Group', name)
    validateDescription(description)
    const exists = () => new OrchardError('RESOURCE_ALREADY_EXISTS', `Group (name=${name}) already exists.`)
    const [existing] = await this.ctx.db.query('SELECT 1 FROM user_groups WHERE name = ?', [name])
    if (existing) throw exists()
    try {
      await this.ctx.db.run('INSERT INTO user_groups (name, description, creation_time) VALUES (?, ?, ?)', [name, description ?? null, this.ctx.now()])
    } catch (error) {
      if ((error as { code?: string }).code === 'RESOURCE_ALREADY_EXISTS' || this.ctx.dialect.classifyError(error) === 'unique') throw exists()
      throw error
    }
    return this.getGroup(name)
  }

  async getGroup(name: string): Promise<UserGroup> {
    const [group] = await this.withMembers([await this.groupRow(name)])
    if (!group) throw groupNotFound(name)
    return group
  }

  async listGroups(): Promise<UserGroup[]> {
    return this.withMembers(await this.ctx.db.query<GroupRow>('SELECT group_id, name, description FROM user_groups ORDER BY name'))
  }

  async deleteGroup(name: string): Promise<void> {
    const row = await this.groupRow(name)
    await this.ctx.db.run('DELETE FROM user_groups WHERE group_id = ?', [row.group_id])
  }

  async addGroupMember(groupName: string, username: string): Promise<void> {
    const group = await this.groupRow(groupName)
    const userId = await this.userId(username)
    const [existing] = await this.ctx.db.query('SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?', [group.group_id, userId])
    if (existing) throw new OrchardError('RESOURCE_ALREADY_EXISTS', `User ${username} is already a member of group ${groupName}.`)
    await this.ctx.db.run('INSERT INTO group_members (group_id, user_id) VALUES (?, ?)', [group.group_id, userId])
  }

  async removeGroupMember(groupName: string, username: string): Promise<void> {
    const group = await this.groupRow(groupName)
    const userId = await this.userId(username)
    const changed = await this.ctx.db.run('DELETE FROM group_members WHERE group_id = ? AND user_id = ?', [group.group_id, userId])
    if (changed === 0) throw notFound(`User ${username} is not a member of group ${groupName}`)
  }

  async assignGroupRole(groupName: string, roleId: number): Promise<void> {
    const group = await this.groupRow(groupName)
    await this.roleRow(roleId)
    const [existing] = await this.ctx.db.query('SELECT 1 FROM group_role_assignments WHERE group_id = ? AND role_id = ?', [group.group_id, roleId])
    if (existing) throw new OrchardError('RESOURCE_ALREADY_EXISTS', `Group role assignment (group=${groupName}, role_id=${roleId}) already exists`)
    await this.ctx.db.run('INSERT INTO group_role_assignments (group_id, role_id) VALUES (?, ?)', [group.group_id, roleId])
  }

  async unassignGroupRole(groupName: string, roleId: number): Promise<void> {
    const group = await this.groupRow(groupName)
    const changed = Number.isSafeInteger(roleId)
      ? await this.ctx.db.run('DELETE FROM group_role_assignments WHERE group_id = ? AND role_id = ?', [group.group_id, roleId])
      : 0
    if (changed === 0) throw notFound(`Group role assignment (group=${groupName}, role_id=${roleId}) not found`)
  }

  async listUserGroups(username: string): Promise<UserGroup[]> {
    const userId = await this.userId(username)
    const rows = await this.ctx.db.query<GroupRow>(
      'SELECT g.group_id, g.name, g.description FROM user_groups g JOIN group_members m ON m.group_id = g.group_id WHERE m.user_id = ? ORDER BY g.name',
      [userId],
    )
    return this.withMembers(rows)
  }

  async effectiveRoleGrants(userId: number, workspace: string, resourceType: 'experiment' | 'registered_model'): Promise<EffectiveRoleGrant[]> {
    const rows = await this.ctx.db.query<{ resource_type: RoleResourceType; resource_pattern: string; permission: GrantPermission }>(
      `SELECT DISTINCT p.resource_type, p.resource_pattern, p.permission
       FROM role_permissions p JOIN roles r ON r.role_id = p.role_id
       WHERE r.workspace = ?
         AND (p.resource_type = ? OR (p.resource_type = 'workspace' AND p.resource_pattern = '*'))
         AND (p.role_id IN (SELECT role_id FROM user_role_assignments WHERE user_id = ?)
              OR p.role_id IN (SELECT ga.role_id FROM group_role_assignments ga JOIN group_members gm ON gm.group_id = ga.group_id WHERE gm.user_id = ?))`,
      [workspace, resourceType, userId, userId],
    )
    return rows.map((row) => ({ resourceType: row.resource_type, resourcePattern: row.resource_pattern, permission: row.permission }))
  }
}
