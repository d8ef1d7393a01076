import type { GroupRoleMapping, ServerOptions } from '@orchard/server'
import { UsageError } from './command.ts'
import { parseList } from './flag-values.ts'

export interface OidcFlags {
  readonly 'oidc-issuer'?: string | undefined
  readonly 'oidc-client-id'?: string | undefined
  readonly 'oidc-client-secret'?: string | undefined
  readonly 'oidc-redirect-uri'?: string | undefined
  readonly 'oidc-scopes'?: string | undefined
  readonly 'oidc-username-claim'?: string | undefined
  readonly 'oidc-groups-claim'?: string | undefined
  readonly 'oidc-admin-groups'?: string | undefined
  readonly 'oidc-group-role'?: readonly string[] | undefined
}

const OIDC_FLAGS = [
  'oidc-issuer',
  'oidc-client-id',
  'oidc-client-secret',
  'oidc-redirect-uri',
  'oidc-scopes',
  'oidc-username-claim',
  'oidc-groups-claim',
  'oidc-admin-groups',
  'oidc-group-role',
] as const

/** The `--oidc-*` flags of `orchard server` (MLFLOW_OIDC_* in the environment), as sign-in settings. */
export function signInOptions(flags: OidcFlags, authOn: boolean): ServerOptions['signIn'] {
  const given = OIDC_FLAGS.filter((name) => flags[name] !== undefined)
  if (!given.length) return undefined
  if (!authOn) throw new UsageError(`--${given[0]} needs --app-name basic-auth: single sign-on signs users in to access control`)
  const issuer = flags['oidc-issuer']
  const clientId = flags['oidc-client-id']
  if (!issuer || !clientId) throw new UsageError('Single sign-on needs both --oidc-issuer and --oidc-client-id')
  for (const [name, value] of [['oidc-issuer', issuer], ['oidc-redirect-uri', flags['oidc-redirect-uri']]] as const) {
    if (value === undefined) continue
    let url: URL
    try {
      url = new URL(value)
    } catch {
      throw new UsageError(`--${name} must be an absolute URL (got '${value}')`)
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--${name} must be an http(s) URL (got '${value}')`)
  }
  const scopes = flags['oidc-scopes'] === undefined ? undefined : parseList('oidc-scopes', flags['oidc-scopes'])
  if (scopes && !scopes.includes('openid')) throw new UsageError("--oidc-scopes must include 'openid'")
  return {
    oidc: {
      issuer,
      clientId,
      ...(flags['oidc-client-secret'] ? { clientSecret: flags['oidc-client-secret'] } : {}),
      ...(flags['oidc-redirect-uri'] ? { redirectUri: flags['oidc-redirect-uri'] } : {}),
      ...(scopes ? { scopes } : {}),
      ...(flags['oidc-username-claim'] ? { usernameClaim: flags['oidc-username-claim'] } : {}),
      ...(flags['oidc-groups-claim'] ? { groupsClaim: flags['oidc-groups-claim'] } : {}),
      ...(flags['oidc-admin-groups'] ? { adminGroups: parseList('oidc-admin-groups', flags['oidc-admin-groups']) } : {}),
      ...(flags['oidc-group-role']?.length ? { groupRoles: flags['oidc-group-role'].map(parseGroupRole) } : {}),
    },
  }
}

/**
 * `GROUP=ROLE[@WORKSPACE]`. The last `=` ends the group, so LDAP-style group names (`cn=ml,ou=teams`)
 * pass whole through the flag; the last `@` starts the workspace.
 */
export function parseGroupRole(value: string): GroupRoleMapping {
  const equals = value.lastIndexOf('=')
  const group = value.slice(0, equals).trim()
  const target = value.slice(equals + 1).trim()
  const at = target.lastIndexOf('@')
  const role = (at < 0 ? target : target.slice(0, at)).trim()
  const workspace = at < 0 ? undefined : target.slice(at + 1).trim()
  if (equals < 0 || !group || !role || workspace === '') {
    throw new UsageError(`--oidc-group-role takes GROUP=ROLE or GROUP=ROLE@WORKSPACE, e.g. --oidc-group-role data-science=reader, got '${value}'`)
  }
  return { group, role, ...(workspace ? { workspace } : {}) }
}
