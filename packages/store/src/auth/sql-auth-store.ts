import { randomBytes } from 'node:crypto'
import { OrchardError, invalidParameter, isPermissionLevel, notFound } from '@orchard/protocol/base'
import type { PermissionLevel } from '@orchard/protocol/base'
import { DEFAULT_WORKSPACE } from '../sql/context.ts'
import type { StoreContext } from '../sql/context.ts'
import { parseExperimentId } from '../sql/experiments.ts'
import type { AccessTokenInfo, AuthEvent, AuthStore, AuthUser, ExperimentGrant, GrantLookup, RegisteredModelGrant } from './auth-store.ts'
import { accessChangeLog } from './access-changes.ts'
import { SqlRoleStore } from './sql-role-store.ts'
import { TOKEN_PREFIX, hashPassword, newTokenSecret, tokenHash, verifyPassword } from './password.ts'

// Bounds of the inputs that reach the KDF and the tables: a username travels in Basic credentials,
// where a colon would end it; MLflow's own signup form asks for passwords of 12 characters or more.
const MAX_USERNAME_LENGTH = 256
const MIN_PASSWORD_LENGTH = 12
const MAX_PASSWORD_LENGTH = 1024
const MAX_TOKEN_NAME_LENGTH = 256

interface UserRow {
  user_id: number
  username: string
  password_hash: string
  is_admin: number
}

interface TokenRow {
  token_id: string
  user_id: number
  name: string
  creation_time: number
  expiration_time: number | null
  last_used_time: number | null
  revoked_time: number | null
}

const toUser = (row: UserRow): AuthUser => ({ id: Number(row.user_id), username: row.username, isAdmin: Number(row.is_admin) === 1 })

const toToken = (row: TokenRow): AccessTokenInfo => ({
  tokenId: row.token_id,
  userId: Number(row.user_id),
  name: row.name,
  creationTime: Number(row.creation_time),
  ...(row.expiration_time !== null ? { expirationTime: Number(row.expiration_time) } : {}),
  ...(row.last_used_time !== null ? { lastUsedTime: Number(row.last_used_time) } : {}),
  ...(row.revoked_time !== null ? { revokedTime: Number(row.revoked_time) } : {}),
})

function validateUsername(username: string): void {
  if (!username) throw invalidParameter('Username cannot be empty.')
  if (username.length > MAX_USERNAME_LENGTH) throw invalidParameter(`Username must be at most ${MAX_USERNAME_LENGTH} characters.`)
  if (username.includes(':') || /[\p{Cc}\s]/u.test(username)) {
    throw invalidParameter('Username must not contain a colon, spaces or control characters.')
  }
}

function validatePassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw invalidParameter(`Password must be at least ${MIN_PASSWORD_LENGTH} characters long.`)
  if (password.length > MAX_PASSWORD_LENGTH) throw invalidParameter(`Password must be at most ${MAX_PASSWORD_LENGTH} characters long.`)
}

/** MLflow's _validate_permission wording. */
export function validatePermission(permission: string): PermissionLevel {
  if (!isPermissionLevel(permission)) {
    throw invalidParameter(
      `Invalid permission '${permission}'. Valid permissions are: ('READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')`,
    )
  }
  return permission
}

/** Experiment ids are integers here; a grant on any other text could never match an experiment. */
function experimentKey(experimentId: string): number {
  const id = parseExperimentId(experimentId)
  if (id === undefined) throw invalidParameter(`Invalid experiment id '${experimentId}': experiment ids are decimal integers.`)
  return id
}

const userNotFound = (username: string) => notFound(`User with username=${username} not found`)

export class SqlAuthStore extends SqlRoleStore implements AuthStore {
  constructor(ctx: StoreContext) {
    super(ctx)
  }

  private async userRow(username: string): Promise<UserRow | undefined> {
    const [row] = await this.ctx.db.query<UserRow>('SELECT user_id, username, password_hash, is_admin FROM users WHERE username = ?', [username])
    return row
  }

  private async requireUser(username: string): Promise<UserRow> {
    const row = await this.userRow(username)
    if (!row) throw userNotFound(username)
    return row
  }

  async createUser(username: string, password: string, isAdmin = false): Promise<AuthUser> {
    validateUsername(username)
    validatePassword(password)
    const hash = await hashPassword(password)
    try {
      await this.ctx.db.run('INSERT INTO users (username, password_hash, is_admin, creation_time) VALUES (?, ?, ?, ?)', [
        username,
        hash,
        isAdmin ? 1 : 0,
        this.ctx.now(),
      ])
    } catch (error) {
      if ((error as { code?: string }).code === 'RESOURCE_ALREADY_EXISTS' || this.ctx.dialect.classifyError(error) === 'unique') {
        throw new OrchardError('RESOURCE_ALREADY_EXISTS', `User (username=${username}) already exists.`)
      }
      throw error
    }
    return this.getUser(username)
  }

  async getUser(username: string): Promise<AuthUser> {
    return toUser(await this.requireUser(username))
  }

  async findUser(username: string): Promise<AuthUser | undefined> {
    const row = await this.userRow(username)
    return row && toUser(row)
  }

  async listUsers(): Promise<AuthUser[]> {
    return (await this.ctx.db.query<UserRow>('SELECT user_id, username, password_hash, is_admin FROM users ORDER BY user_id')).map(toUser)
  }

  async countAdmins(): Promise<number> {
    const [row] = await this.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM users WHERE is_admin = 1')
    return Number(row?.n ?? 0)
  }

  async authenticatePassword(username: string, password: string): Promise<AuthUser | undefined> {
    if (username.length > MAX_USERNAME_LENGTH || password.length > MAX_PASSWORD_LENGTH) return undefined
    const row = await this.userRow(username)
    const ok = await verifyPassword(password, row?.password_hash)
    return ok && row ? toUser(row) : undefined
  }

  async updatePassword(username: string, password: string): Promise<void> {
    validatePassword(password)
    await this.requireUser(username)
    await this.ctx.db.run('UPDATE users SET password_hash = ? WHERE username = ?', [await hashPassword(password), username])
  }

  async updateAdmin(username: string, isAdmin: boolean): Promise<void> {
    await this.requireUser(username)
    await this.ctx.db.run('UPDATE users SET is_admin = ? WHERE username = ?', [isAdmin ? 1 : 0, username])
  }

  async deleteUser(username: string): Promise<void> {
    await this.requireUser(username)
    // Grants and tokens go with the user (ON DELETE CASCADE).
    await this.ctx.db.run('DELETE FROM users WHERE username = ?', [username])
  }

  async createToken(userId: number, name: string, expirationTime?: number): Promise<{ secret: string; token: AccessTokenInfo }> {
    if (name.length > MAX_TOKEN_NAME_LENGTH) throw invalidParameter(`Token name must be at most ${MAX_TOKEN_NAME_LENGTH} characters.`)
    const secret = newTokenSecret()
    const tokenId = randomBytes(12).toString('hex')
    await this.ctx.db.run(
      'INSERT INTO access_tokens (token_id, user_id, name, secret_hash, creation_time, expiration_time) VALUES (?, ?, ?, ?, ?, ?)',
      [tokenId, userId, name, tokenHash(secret), this.ctx.now(), expirationTime ?? null],
    )
    return { secret, token: await this.getToken(tokenId) }
  }

  async authenticateToken(secret: string): Promise<AuthUser | undefined> {
    return (await this.verifyToken(secret))?.user
  }

  async verifyToken(secret: string): Promise<{ user: AuthUser; expirationTime?: number } | undefined> {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return undefined
    const now = this.ctx.now()
    const [row] = await this.ctx.db.query<UserRow & { token_id: string; last_used_time: number | null; expiration_time: number | null }>(
      `SELECT u.user_id, u.username, u.password_hash, u.is_admin, t.token_id, t.last_used_time, t.expiration_time
       FROM access_tokens t JOIN users u ON u.user_id = t.user_id
       WHERE t.secret_hash = ? AND t.revoked_time IS NULL AND (t.expiration_time IS NULL OR t.expiration_time > ?)`,
      [tokenHash(secret), now],
    )
    if (!row) return undefined
    // last_used_time is for people reviewing their tokens; a minute's precision saves a write per request.
    if (row.last_used_time === null || now - Number(row.last_used_time) > 60_000) {
      await this.plain.db.run('UPDATE access_tokens SET last_used_time = ? WHERE token_id = ?', [now, row.token_id])
    }
    return { user: toUser(row), ...(row.expiration_time !== null ? { expirationTime: Number(row.expiration_time) } : {}) }
  }

  localAccessChanges(): number {
    return accessChangeLog(this.plain.db).local
  }

  accessChangeVersion(): Promise<number> {
    return accessChangeLog(this.plain.db).version()
  }

  async listTokens(userId: number): Promise<AccessTokenInfo[]> {
    return (
      await this.ctx.db.query<TokenRow>(
        'SELECT token_id, user_id, name, creation_time, expiration_time, last_used_time, revoked_time FROM access_tokens WHERE user_id = ? ORDER BY creation_time DESC, token_id',
        [userId],
      )
    ).map(toToken)
  }

  async getToken(tokenId: string): Promise<AccessTokenInfo> {
    const [row] = await this.ctx.db.query<TokenRow>(
      'SELECT token_id, user_id, name, creation_time, expiration_time, last_used_time, revoked_time FROM access_tokens WHERE token_id = ?',
      [tokenId],
    )
    if (!row) throw notFound(`Access token with id=${tokenId} not found`)
    return toToken(row)
  }

  async revokeToken(tokenId: string): Promise<void> {
    await this.getToken(tokenId)
    await this.ctx.db.run('UPDATE access_tokens SET revoked_time = ? WHERE token_id = ? AND revoked_time IS NULL', [this.ctx.now(), tokenId])
  }

  async createExperimentPermission(experimentId: string, username: string, permission: PermissionLevel): Promise<ExperimentGrant> {
    validatePermission(permission)
    const user = await this.requireUser(username)
    const id = experimentKey(experimentId)
    const existing = await this.ctx.db.query('SELECT 1 FROM experiment_permissions WHERE experiment_id = ? AND user_id = ?', [id, user.user_id])
    if (existing.length) {
      throw new OrchardError('RESOURCE_ALREADY_EXISTS', `Experiment permission (experiment_id=${experimentId}, username=${username}) already exists.`)
    }
    await this.ctx.db.run('INSERT INTO experiment_permissions (experiment_id, user_id, permission) VALUES (?, ?, ?)', [id, user.user_id, permission])
    return { experimentId: String(id), userId: Number(user.user_id), permission }
  }

  async getExperimentPermission(experimentId: string, username: string): Promise<ExperimentGrant> {
    const user = await this.requireUser(username)
    const id = experimentKey(experimentId)
    const [row] = await this.ctx.db.query<{ permission: PermissionLevel }>(
      'SELECT permission FROM experiment_permissions WHERE experiment_id = ? AND user_id = ?',
      [id, user.user_id],
    )
    if (!row) throw notFound(`Experiment permission with experiment_id=${experimentId} and username=${username} not found`)
    return { experimentId: String(id), userId: Number(user.user_id), permission: row.permission }
  }

  async updateExperimentPermission(experimentId: string, username: string, permission: PermissionLevel): Promise<void> {
    validatePermission(permission)
    const grant = await this.getExperimentPermission(experimentId, username)
    await this.ctx.db.run('UPDATE experiment_permissions SET permission = ? WHERE experiment_id = ? AND user_id = ?', [
      permission,
      Number(grant.experimentId),
      grant.userId,
    ])
  }

  async deleteExperimentPermission(experimentId: string, username: string): Promise<void> {
    const grant = await this.getExperimentPermission(experimentId, username)
    await this.ctx.db.run('DELETE FROM experiment_permissions WHERE experiment_id = ? AND user_id = ?', [Number(grant.experimentId), grant.userId])
  }

  async listExperimentPermissions(userId: number): Promise<ExperimentGrant[]> {
    const rows = await this.ctx.db.query<{ experiment_id: number; permission: PermissionLevel }>(
      'SELECT experiment_id, permission FROM experiment_permissions WHERE user_id = ? ORDER BY experiment_id',
      [userId],
    )
    return rows.map((row) => ({ experimentId: String(row.experiment_id), userId, permission: row.permission }))
  }

  async createRegisteredModelPermission(name: string, username: string, permission: PermissionLevel): Promise<RegisteredModelGrant> {
    validatePermission(permission)
    const user = await this.requireUser(username)
    const existing = await this.ctx.db.query('SELECT 1 FROM registered_model_permissions WHERE name = ? AND user_id = ?', [name, user.user_id])
    if (existing.length) {
      throw new OrchardError('RESOURCE_ALREADY_EXISTS', `Registered model permission with name=${name} and username=${username} already exists.`)
    }
    await this.ctx.db.run('INSERT INTO registered_model_permissions (name, user_id, permission) VALUES (?, ?, ?)', [name, user.user_id, permission])
    return { name, userId: Number(user.user_id), permission }
  }

  async getRegisteredModelPermission(name: string, username: string): Promise<RegisteredModelGrant> {
    const user = await this.requireUser(username)
    const [row] = await this.ctx.db.query<{ permission: PermissionLevel }>(
      'SELECT permission FROM registered_model_permissions WHERE name = ? AND user_id = ?',
      [name, user.user_id],
    )
    if (!row) throw notFound(`Registered model permission with name=${name} and username=${username} not found`)
    return { name, userId: Number(user.user_id), permission: row.permission }
  }

  async updateRegisteredModelPermission(name: string, username: string, permission: PermissionLevel): Promise<void> {
    validatePermission(permission)
    const grant = await this.getRegisteredModelPermission(name, username)
    await this.ctx.db.run('UPDATE registered_model_permissions SET permission = ? WHERE name = ? AND user_id = ?', [permission, name, grant.userId])
  }

  async deleteRegisteredModelPermission(name: string, username: string): Promise<void> {
    const grant = await this.getRegisteredModelPermission(name, username)
    await this.ctx.db.run('DELETE FROM registered_model_permissions WHERE name = ? AND user_id = ?', [name, grant.userId])
  }

  async listRegisteredModelPermissions(userId: number): Promise<RegisteredModelGrant[]> {
    const rows = await this.ctx.db.query<{ name: string; permission: PermissionLevel }>(
      'SELECT name, permission FROM registered_model_permissions WHERE user_id = ? ORDER BY name',
      [userId],
    )
    return rows.map((row) => ({ name: row.name, userId, permission: row.permission }))
  }

  async renameRegisteredModelPermissions(oldName: string, newName: string): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      // Grants left under the new name by a model deleted earlier must not merge into this one's.
      await tx.run('DELETE FROM registered_model_permissions WHERE name = ?', [newName])
      await tx.run('UPDATE registered_model_permissions SET name = ? WHERE name = ?', [newName, oldName])
    })
  }

  async deleteRegisteredModelPermissions(name: string): Promise<void> {
    await this.ctx.db.run('DELETE FROM registered_model_permissions WHERE name = ?', [name])
  }

  async experimentGrant(userId: number, experimentId: string): Promise<GrantLookup> {
    const id = parseExperimentId(experimentId)
    if (id === undefined) return { found: false }
    return this.lookup(
      `SELECT e.experiment_id, e.workspace, p.permission FROM experiments e
       LEFT JOIN experiment_permissions p ON p.experiment_id = e.experiment_id AND p.user_id = ?
       WHERE e.experiment_id = ?`,
      [userId, id],
    )
  }

  async experimentGrantByName(userId: number, name: string, workspace = DEFAULT_WORKSPACE): Promise<GrantLookup> {
    // The active experiment wins over a deleted one of the same name, as getExperimentByName.
    return this.lookup(
      `SELECT e.experiment_id, p.permission FROM experiments e
       LEFT JOIN experiment_permissions p ON p.experiment_id = e.experiment_id AND p.user_id = ?
       WHERE e.workspace = ? AND e.name = ? ORDER BY CASE WHEN e.lifecycle_stage = 'active' THEN 0 ELSE 1 END LIMIT 1`,
      [userId, workspace, name],
    )
  }

  runGrant(userId: number, runId: string): Promise<GrantLookup> {
    return this.lookup(
      `SELECT r.experiment_id, p.permission FROM runs r
       LEFT JOIN experiment_permissions p ON p.experiment_id = r.experiment_id AND p.user_id = ?
       WHERE r.run_id = ?`,
      [userId, runId],
    )
  }

  loggedModelGrant(userId: number, modelId: string): Promise<GrantLookup> {
    return this.lookup(
      `SELECT m.experiment_id, p.permission FROM logged_models m
       LEFT JOIN experiment_permissions p ON p.experiment_id = m.experiment_id AND p.user_id = ?
       WHERE m.model_id = ?`,
      [userId, modelId],
    )
  }

  async registeredModelGrant(userId: number, name: string): Promise<PermissionLevel | undefined> {
    const [row] = await this.ctx.db.query<{ permission: PermissionLevel }>(
      'SELECT permission FROM registered_model_permissions WHERE name = ? AND user_id = ?',
      [name, userId],
    )
    return row?.permission
  }

  async recordEvent(event: Omit<AuthEvent, 'eventId' | 'timestamp'>): Promise<void> {
    // Bounded: a failed sign-in records the name it tried, which anyone may make up.
    const clip = (text: string | undefined) => (text === undefined ? null : text.slice(0, MAX_USERNAME_LENGTH))
    // An audit entry changes no one's access: it does not drop the servers' caches.
    await this.plain.db.run('INSERT INTO auth_events (timestamp, username, action, target, address) VALUES (?, ?, ?, ?, ?)', [
      this.ctx.now(),
      clip(event.username),
      event.action,
      clip(event.target),
      clip(event.address),
    ])
  }

  async listEvents(query: { readonly maxResults: number; readonly before?: number; readonly username?: string }): Promise<AuthEvent[]> {
    const conditions = ['1 = 1']
    const params: unknown[] = []
    if (query.before !== undefined) (conditions.push('event_id < ?'), params.push(query.before))
    if (query.username !== undefined) (conditions.push('username = ?'), params.push(query.username))
    const rows = await this.ctx.db.query<{ event_id: number; timestamp: number; username: string | null; action: string; target: string | null; address: string | null }>(
      `SELECT event_id, timestamp, username, action, target, address FROM auth_events WHERE ${conditions.join(' AND ')} ORDER BY event_id DESC LIMIT ?`,
      [...params, query.maxResults],
    )
    return rows.map((row) => ({
      eventId: Number(row.event_id),
      timestamp: Number(row.timestamp),
      action: row.action,
      ...(row.username !== null ? { username: row.username } : {}),
      ...(row.target !== null ? { target: row.target } : {}),
      ...(row.address !== null ? { address: row.address } : {}),
    }))
  }

  private async lookup(sql: string, params: readonly unknown[]): Promise<GrantLookup> {
    const [row] = await this.ctx.db.query<{ experiment_id: number; permission: PermissionLevel | null; workspace?: string }>(sql, params)
    if (!row) return { found: false }
    return {
      found: true,
      experimentId: String(row.experiment_id),
      ...(row.permission ? { permission: row.permission } : {}),
      ...(row.workspace !== undefined ? { workspace: row.workspace } : {}),
    }
  }
}
