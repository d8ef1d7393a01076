import { createHash, randomBytes } from 'node:crypto'
import { OrchardError } from '@orchard/protocol/base'
import type { PermissionLevel } from '@orchard/protocol/base'
import type { StoreContext } from '../sql/context.ts'
import { withAccessTracking } from './access-changes.ts'
import { parseExperimentId } from '../sql/experiments.ts'
import type { AuthUser } from './auth-store.ts'

/** Who the identity provider says signed in, after the server verified its ID token. */
export interface ExternalIdentity {
  /** Unique per person across providers: the issuer and the token's `sub`. */
  readonly subject: string
  /** The Orchard user name to create on first sign-in (from the configured claim). */
  readonly username: string
  /** The IdP groups of this sign-in (the configured groups claim); stored for mapping to roles. */
  readonly groups: readonly string[]
  /** Set when --oidc-admin-groups decides the admin flag at each sign-in; left alone when undefined. */
  readonly isAdmin?: boolean
}

/** A signed-in browser: the cookie's user, how they signed in, until when. */
export interface UiSession {
  readonly user: AuthUser
  readonly via: 'password' | 'oidc'
  readonly expirationTime: number
}

/** A grant on one resource, by user name: what the permissions tab of an experiment or model lists. */
export interface ResourceGrant {
  readonly username: string
  readonly permission: PermissionLevel
}

/**
 * The web UI's sign-in: browser sessions and users from single sign-on (migration 011), plus the
 * grants on one experiment or model listed for their permissions tab. Separate from AuthStore, which
 * the SDK's and MLflow's credential checks use, so a server without the UI's sign-in needs none of it.
 */
export interface SsoStore {
  /** Finds the user tied to `identity.subject` or creates it; refreshes its groups (and admin flag). */
  signInExternalUser(identity: ExternalIdentity): Promise<{ user: AuthUser; created: boolean }>
  /** The IdP groups stored at the user's latest single sign-on (empty for password users). */
  userGroups(userId: number): Promise<string[]>
  /**
   * Makes the user's sign-in-granted role assignments exactly `roleIds` (--oidc-group-role): missing
   * ones are added as granted by the IdP, IdP-granted ones not listed are removed. Assignments an admin
   * made are left alone, whether listed or not. Returns the role ids added and removed.
   */
  syncIdpRoles(userId: number, roleIds: readonly number[]): Promise<{ added: number[]; removed: number[] }>
  /** Returns the session's secret, which goes in the cookie and is stored only as its hash. */
  createSession(userId: number, via: UiSession['via'], ttlMs: number): Promise<string>
  findSession(secret: string): Promise<UiSession | undefined>
  deleteSession(secret: string): Promise<void>
  /** A random secret shared by every server on this database, made on first use (base64url, 256 bits). */
  serverSecret(name: string): Promise<string>
  listExperimentGrants(experimentId: string): Promise<ResourceGrant[]>
  listRegisteredModelGrants(name: string): Promise<ResourceGrant[]>
}

/** Session cookies carry this prefix: recognisable, and never mistaken for an access token. */
export const SESSION_PREFIX = 'orchard_ses_'
const MAX_SESSION_SECRET_LENGTH = 200
// No password verifies against this (it is not an scrypt hash): SSO users sign in through the IdP only.
const NO_PASSWORD = '!sso'
const MAX_GROUPS = 1000
const MAX_USERNAME_LENGTH = 256

const sessionHash = (secret: string): string => createHash('sha256').update(secret).digest('hex')

interface UserRow {
  user_id: number
  username: string
  is_admin: number
}

const toUser = (row: UserRow): AuthUser => ({ id: Number(row.user_id), username: row.username, isAdmin: Number(row.is_admin) === 1 })

function parseGroups(text: string | null | undefined): string[] {
  if (!text) return []
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) ? value.filter((group): group is string => typeof group === 'string') : []
  } catch {
    return []
  }
}

export class SqlSsoStore implements SsoStore {
  /** Writes through `ctx` note an access change (see access-changes.ts); starting a session does not. */
  private readonly ctx: StoreContext
  private readonly plain: StoreContext

  constructor(ctx: StoreContext) {
    this.plain = ctx
    this.ctx = withAccessTracking(ctx)
  }

  private async bySubject(subject: string): Promise<UserRow | undefined> {
    const [row] = await this.ctx.db.query<UserRow>('SELECT user_id, username, is_admin FROM users WHERE idp_subject = ?', [subject])
    return row
  }

  private async update(row: UserRow, identity: ExternalIdentity): Promise<AuthUser> {
    const groups = JSON.stringify(identity.groups.slice(0, MAX_GROUPS))
    let isAdmin = identity.isAdmin === undefined ? Number(row.is_admin) : identity.isAdmin ? 1 : 0
    if (isAdmin === 0 && Number(row.is_admin) === 1) {
      // As users/update-admin: the server keeps one admin, so the last one stays one whatever the groups say.
      const [admins] = await this.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM users WHERE is_admin = 1')
      if (Number(admins?.n ?? 0) <= 1) isAdmin = 1
    }
    await this.ctx.db.run('UPDATE users SET idp_groups = ?, is_admin = ? WHERE user_id = ?', [groups, isAdmin, row.user_id])
    return toUser({ ...row, is_admin: isAdmin })
  }

  async signInExternalUser(identity: ExternalIdentity): Promise<{ user: AuthUser; created: boolean }> {
    // As createUser's rule: the name travels in Basic credentials (tokens as passwords), where a colon ends it.
    if (!identity.username || identity.username.length > MAX_USERNAME_LENGTH || identity.username.includes(':') || /[\p{Cc}\s]/u.test(identity.username)) {
      throw new OrchardError('PERMISSION_DENIED', `The identity provider's user name '${identity.username.slice(0, MAX_USERNAME_LENGTH)}' cannot be an Orchard user name (no colon, spaces or control characters, at most ${MAX_USERNAME_LENGTH} characters).`)
    }
    const known = await this.bySubject(identity.subject)
    if (known) return { user: await this.update(known, identity), created: false }
    const [taken] = await this.ctx.db.query<UserRow>('SELECT user_id FROM users WHERE username = ?', [identity.username])
    if (taken) {
      // Never hand an existing account (a local admin, say) to whoever the IdP names the same.
      throw new OrchardError(
        'PERMISSION_DENIED',
        `A user named ${identity.username} already exists and is not linked to this single sign-on account. An admin can delete or rename that user, or set --oidc-username-claim to another claim.`,
      )
    }
    try {
      await this.ctx.db.run(
        'INSERT INTO users (username, password_hash, is_admin, creation_time, idp_subject, idp_groups) VALUES (?, ?, ?, ?, ?, ?)',
        [identity.username, NO_PASSWORD, identity.isAdmin ? 1 : 0, this.ctx.now(), identity.subject, JSON.stringify(identity.groups.slice(0, MAX_GROUPS))],
      )
    } catch (error) {
      // The same person signing in twice at once: the other request created the user.
      if (this.ctx.dialect.classifyError(error) !== 'unique') throw error
      const row = await this.bySubject(identity.subject)
      if (!row) throw new OrchardError('RESOURCE_ALREADY_EXISTS', `User (username=${identity.username}) already exists.`)
      return { user: await this.update(row, identity), created: false }
    }
    const row = (await this.bySubject(identity.subject))!
    return { user: toUser(row), created: true }
  }

  async userGroups(userId: number): Promise<string[]> {
    const [row] = await this.ctx.db.query<{ idp_groups: string | null }>('SELECT idp_groups FROM users WHERE user_id = ?', [userId])
    return parseGroups(row?.idp_groups)
  }

  async syncIdpRoles(userId: number, roleIds: readonly number[]): Promise<{ added: number[]; removed: number[] }> {
    const rows = await this.ctx.db.query<{ role_id: number; idp_granted: number }>(
      'SELECT role_id, idp_granted FROM user_role_assignments WHERE user_id = ?',
      [userId],
    )
    const held = new Set(rows.map((row) => Number(row.role_id)))
    const wanted = new Set(roleIds)
    const added: number[] = []
    for (const roleId of wanted) {
      if (held.has(roleId)) continue
      try {
        await this.ctx.db.run('INSERT INTO user_role_assignments (user_id, role_id, idp_granted) VALUES (?, ?, 1)', [userId, roleId])
        added.push(roleId)
      } catch (error) {
        // The same user signing in twice at once, or an admin assigning the role meanwhile: it is held.
        if (this.ctx.dialect.classifyError(error) !== 'unique') throw error
      }
    }
    const removed: number[] = []
    for (const row of rows) {
      const roleId = Number(row.role_id)
      if (Number(row.idp_granted) !== 1 || wanted.has(roleId)) continue
      // idp_granted in the condition: an admin who adopted the assignment meanwhile keeps it.
      const changed = await this.ctx.db.run('DELETE FROM user_role_assignments WHERE user_id = ? AND role_id = ? AND idp_granted = 1', [userId, roleId])
      if (changed > 0) removed.push(roleId)
    }
    return { added, removed }
  }

  async createSession(userId: number, via: UiSession['via'], ttlMs: number): Promise<string> {
    const now = this.ctx.now()
    // Expired sessions are removed as new ones start (an indexed range delete), so the table stays small.
    await this.plain.db.run('DELETE FROM ui_sessions WHERE expiration_time <= ?', [now])
    const secret = `${SESSION_PREFIX}${randomBytes(32).toString('base64url')}`
    await this.plain.db.run('INSERT INTO ui_sessions (session_hash, user_id, via, creation_time, expiration_time) VALUES (?, ?, ?, ?, ?)', [
      sessionHash(secret),
      userId,
      via,
      now,
      now + ttlMs,
    ])
    return secret
  }

  async findSession(secret: string): Promise<UiSession | undefined> {
    if (!secret.startsWith(SESSION_PREFIX) || secret.length > MAX_SESSION_SECRET_LENGTH) return undefined
    const [row] = await this.ctx.db.query<UserRow & { via: UiSession['via']; expiration_time: number }>(
      `SELECT u.user_id, u.username, u.is_admin, s.via, s.expiration_time
       FROM ui_sessions s JOIN users u ON u.user_id = s.user_id
       WHERE s.session_hash = ? AND s.expiration_time > ?`,
      [sessionHash(secret), this.ctx.now()],
    )
    return row && { user: toUser(row), via: row.via, expirationTime: Number(row.expiration_time) }
  }

  async deleteSession(secret: string): Promise<void> {
    if (secret.length > MAX_SESSION_SECRET_LENGTH) return
    await this.ctx.db.run('DELETE FROM ui_sessions WHERE session_hash = ?', [sessionHash(secret)])
  }

  async serverSecret(name: string): Promise<string> {
    // The first server to ask makes it; the others (and later calls) read the one that won.
    await this.plain.db.run('INSERT INTO server_secrets (name, secret) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [name, randomBytes(32).toString('base64url')])
    const [row] = await this.plain.db.query<{ secret: string }>('SELECT secret FROM server_secrets WHERE name = ?', [name])
    if (!row) throw new OrchardError('INTERNAL_ERROR', `server secret ${name} could not be stored`)
    return row.secret
  }

  async listExperimentGrants(experimentId: string): Promise<ResourceGrant[]> {
    const id = parseExperimentId(experimentId)
    if (id === undefined) return []
    return this.ctx.db.query<ResourceGrant>(
      'SELECT u.username, p.permission FROM experiment_permissions p JOIN users u ON u.user_id = p.user_id WHERE p.experiment_id = ? ORDER BY u.username',
      [id],
    )
  }

  async listRegisteredModelGrants(name: string): Promise<ResourceGrant[]> {
    return this.ctx.db.query<ResourceGrant>(
      'SELECT u.username, p.permission FROM registered_model_permissions p JOIN users u ON u.user_id = p.user_id WHERE p.name = ? ORDER BY u.username',
      [name],
    )
  }
}
