import { readFile } from 'node:fs/promises'
import { isPermissionLevel } from '@orchard/protocol/base'
import type { PermissionLevel } from '@orchard/protocol/base'
import type { ServerOptions } from '@orchard/server'
import { UsageError } from './command.ts'

/** MLflow's `--app-name` values that Orchard serves. */
const APP_NAMES = ['basic-auth'] as const

export interface AuthFlags {
  readonly appName: string | undefined
  readonly defaultPermission: string | undefined
  readonly configPath: string | undefined
}

interface AuthConfig {
  defaultPermission?: string
  adminUsername?: string
  adminPassword?: string
  cacheTtlSeconds?: number
}

// The keys of MLflow's basic_auth.ini that mean something here. database_uri does not: users and
// grants live in the backend store. authorization_function names Python code.
const KNOWN_KEYS = new Set(['default_permission', 'admin_username', 'admin_password', 'auth_cache_ttl_seconds', 'database_uri', 'authorization_function'])

/** MLflow's basic_auth.ini: `key = value` lines under `[mlflow]`; `#` and `;` start comments. */
export function parseAuthConfig(text: string, path: string): AuthConfig {
  const config: AuthConfig = {}
  let section = ''
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (!line || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[(.+)\]$/.exec(line)
    if (header) {
      section = header[1]?.trim() ?? ''
      continue
    }
    const eq = line.indexOf('=')
    if (eq < 0) throw new UsageError(`${path}:${index + 1}: expected 'key = value'`)
    if (section !== 'mlflow') continue
    const key = line.slice(0, eq).trim()
    const value = line.slice(eq + 1).trim()
    if (!KNOWN_KEYS.has(key)) throw new UsageError(`${path}:${index + 1}: unknown setting '${key}'`)
    if (key === 'default_permission') config.defaultPermission = value
    if (key === 'admin_username') config.adminUsername = value
    if (key === 'admin_password') config.adminPassword = value
    if (key === 'auth_cache_ttl_seconds') {
      const seconds = Number(value)
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) throw new UsageError(`${path}:${index + 1}: auth_cache_ttl_seconds must be 0 to 3600`)
      config.cacheTtlSeconds = seconds
    }
  }
  return config
}

function permissionOf(value: string, source: string): PermissionLevel {
  if (!isPermissionLevel(value)) throw new UsageError(`${source} must be one of READ, USE, EDIT, MANAGE, NO_PERMISSIONS (got '${value}')`)
  return value
}

/**
 * The server's access-control settings from `--app-name`, `--auth-default-permission`,
 * `--auth-config` (MLflow's basic_auth.ini, or MLFLOW_AUTH_CONFIG_PATH) and the first admin from
 * ORCHARD_ADMIN_USERNAME / ORCHARD_ADMIN_PASSWORD. Undefined when auth is off (the default).
 */
export async function authOptions(flags: AuthFlags, env: NodeJS.ProcessEnv = process.env): Promise<ServerOptions['auth']> {
  if (flags.appName === undefined) {
    if (flags.defaultPermission !== undefined || flags.configPath !== undefined) {
      throw new UsageError('--auth-default-permission and --auth-config need --app-name basic-auth')
    }
    return undefined
  }
  if (!(APP_NAMES as readonly string[]).includes(flags.appName)) {
    throw new UsageError(`Unknown --app-name '${flags.appName}'; Orchard serves: ${APP_NAMES.join(', ')}`)
  }
  const configPath = flags.configPath ?? env.MLFLOW_AUTH_CONFIG_PATH
  let config: AuthConfig = {}
  if (configPath) {
    const text = await readFile(configPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read --auth-config ${configPath}: ${error.code ?? error.message}`)
    })
    config = parseAuthConfig(text, configPath)
  }
  const defaultPermission = flags.defaultPermission
    ? permissionOf(flags.defaultPermission, '--auth-default-permission')
    : config.defaultPermission
      ? permissionOf(config.defaultPermission, 'default_permission')
      : 'READ'
  const username = env.ORCHARD_ADMIN_USERNAME || config.adminUsername
  const password = env.ORCHARD_ADMIN_PASSWORD || config.adminPassword
  if ((username && !password) || (!username && password)) {
    throw new UsageError('Set both ORCHARD_ADMIN_USERNAME and ORCHARD_ADMIN_PASSWORD (or admin_username and admin_password), or neither')
  }
  return {
    defaultPermission,
    ...(config.cacheTtlSeconds !== undefined ? { credentialCacheMs: config.cacheTtlSeconds * 1000 } : {}),
    ...(username && password ? { initialAdmin: { username, password } } : {}),
  }
}

const list = (text: string | undefined): string[] | undefined =>
  text === undefined || text.trim() === '' ? undefined : text.split(',').map((item) => item.trim()).filter(Boolean)

/** `--allowed-hosts`, `--cors-allowed-origins`, `--x-frame-options`, `--disable-security-middleware`. */
export function securityOptions(
  flags: {
    readonly 'allowed-hosts'?: string | undefined
    readonly 'cors-allowed-origins'?: string | undefined
    readonly 'x-frame-options'?: string | undefined
    readonly 'disable-security-middleware'?: boolean | undefined
  },
  env: NodeJS.ProcessEnv = process.env,
): NonNullable<ServerOptions['security']> {
  const frame = (flags['x-frame-options'] ?? env.MLFLOW_SERVER_X_FRAME_OPTIONS)?.toUpperCase()
  if (frame !== undefined && frame !== 'SAMEORIGIN' && frame !== 'DENY' && frame !== 'NONE') {
    throw new UsageError(`--x-frame-options must be SAMEORIGIN, DENY or NONE (got '${frame}')`)
  }
  const hosts = list(flags['allowed-hosts'] ?? env.MLFLOW_SERVER_ALLOWED_HOSTS)
  const origins = list(flags['cors-allowed-origins'] ?? env.MLFLOW_SERVER_CORS_ALLOWED_ORIGINS)
  return {
    ...(hosts ? { allowedHosts: hosts } : {}),
    ...(origins ? { corsAllowedOrigins: origins } : {}),
    ...(frame ? { xFrameOptions: frame } : {}),
    ...(flags['disable-security-middleware'] ? { disabled: true } : {}),
  }
}
