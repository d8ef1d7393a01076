import cluster from 'node:cluster'
import { mkdir } from 'node:fs/promises'
import { dirname, isAbsolute } from 'node:path'
import { DEFAULT_LOAD_LIMITS } from '@orchard/protocol/base'
import type { ServerOptions } from '@orchard/server'
import { authOptions, securityOptions } from '../auth-options.ts'
import { UsageError, defineCommand } from '../command.ts'
import { artifactsDestination, artifactsDestinationFlag, backendStoreUri, backendStoreUriFlag } from '../defaults.ts'
import { parseInteger, parseList } from '../flag-values.ts'
import { signInOptions } from '../oidc-options.ts'
import { sqliteFile } from '../sqlite-file.ts'

const MAX_PORT = 65_535
const MAX_WORKERS = 1024
/** MLflow's default with artifact proxying: clients send artifact bytes through this server. */
const PROXIED_ARTIFACT_ROOT = 'mlflow-artifacts:/'

/** `orchard server`: MLflow's tracking server, flag for flag with `mlflow server`. */
export const command = defineCommand({
  summary: "Run the tracking server (MLflow's REST API) over SQLite or PostgreSQL",
  description:
    'Prints one line with the URL once listening. SIGTERM or SIGINT stops accepting connections,\n' +
    'lets in-flight requests finish, closes the database and exits 0.',
  flags: {
    host: { type: 'string', placeholder: 'host', description: 'Interface to listen on', default: '127.0.0.1' },
    port: { type: 'string', placeholder: 'port', description: 'Port to listen on; 0 picks a free one', default: '5000' },
    'backend-store-uri': backendStoreUriFlag,
    'default-artifact-root': {
      type: 'string',
      placeholder: 'uri',
      description: 'Artifact root for new experiments',
      default: `${PROXIED_ARTIFACT_ROOT}, or the --artifacts-destination path with --no-serve-artifacts`,
    },
    'artifacts-destination': artifactsDestinationFlag,
    'serve-artifacts': {
      type: 'boolean',
      description: "Proxy artifact uploads and downloads through this server ('mlflow-artifacts:/' URIs)",
      default: 'on',
    },
    'no-serve-artifacts': {
      type: 'boolean',
      description: 'Hand clients the artifact location itself; they read and write it directly',
    },
    'artifacts-only': {
      type: 'boolean',
      description: 'Serve only the artifact proxy (/api/2.0/mlflow-artifacts/); tracking requests get 503',
    },
    'app-name': {
      type: 'string',
      placeholder: 'name',
      description: "'basic-auth' turns on authentication; first admin from ORCHARD_ADMIN_USERNAME/ORCHARD_ADMIN_PASSWORD",
    },
    'auth-default-permission': {
      type: 'string',
      placeholder: 'level',
      description: 'What users hold on resources they have no grant on: READ, USE, EDIT, MANAGE or NO_PERMISSIONS',
      default: 'READ',
    },
    'auth-config': {
      type: 'string',
      placeholder: 'file',
      description: "MLflow's basic_auth.ini: default_permission, admin_username, admin_password",
      env: 'MLFLOW_AUTH_CONFIG_PATH',
    },
    'oidc-issuer': {
      type: 'string',
      placeholder: 'url',
      description: 'Single sign-on for the UI: the OpenID Connect issuer (discovery at <url>/.well-known/openid-configuration)',
    },
    'oidc-client-id': { type: 'string', placeholder: 'id', description: "This server's client id at the identity provider" },
    'oidc-client-secret': {
      type: 'string',
      placeholder: 'secret',
      description: 'Client secret of a confidential client (prefer the environment variable); none for a public client with PKCE',
    },
    'oidc-redirect-uri': {
      type: 'string',
      placeholder: 'url',
      description: 'Callback URL registered at the provider (behind a TLS proxy: https://<public host>/auth/oidc/callback)',
      default: '<request origin>/auth/oidc/callback',
    },
    'oidc-scopes': { type: 'string', placeholder: 'list', description: 'Scopes to ask for, comma-separated', default: 'openid,profile,email' },
    'oidc-username-claim': {
      type: 'string',
      placeholder: 'claim',
      description: 'ID-token claim naming the Orchard user created on first sign-in',
      default: 'preferred_username',
    },
    'oidc-groups-claim': {
      type: 'string',
      placeholder: 'claim',
      description: "ID-token claim listing the user's IdP groups (stored on the user at each sign-in)",
      default: 'groups',
    },
    'oidc-admin-groups': {
      type: 'string',
      placeholder: 'list',
      description: 'IdP groups whose members are admins; when set, SSO users\' admin flag follows their groups',
    },
    'oidc-group-role': {
      type: 'string',
      multiple: true,
      placeholder: 'group=role[@workspace]',
      description: "Members of an IdP group hold an Orchard role (assigned at each SSO sign-in, removed when the IdP drops the group); the role must exist",
      env: 'MLFLOW_OIDC_GROUP_ROLES',
    },
    'allowed-hosts': {
      type: 'string',
      placeholder: 'list',
      description: "Host headers served (DNS-rebinding guard), comma-separated: name, name:port, *.domain, '*'",
      env: 'MLFLOW_SERVER_ALLOWED_HOSTS',
      default: 'localhost and private addresses',
    },
    'cors-allowed-origins': {
      type: 'string',
      placeholder: 'list',
      description: "Browser origins that may call the API, comma-separated: https://host:port, http://host:*, '*'",
      env: 'MLFLOW_SERVER_CORS_ALLOWED_ORIGINS',
      default: 'http://localhost:*, http://127.0.0.1:*',
    },
    'x-frame-options': {
      type: 'string',
      placeholder: 'value',
      description: 'X-Frame-Options of the UI: SAMEORIGIN, DENY or NONE',
      env: 'MLFLOW_SERVER_X_FRAME_OPTIONS',
      default: 'SAMEORIGIN',
    },
    'disable-security-middleware': {
      type: 'boolean',
      description: 'Turn off the host, CSRF and CORS checks and the page headers (behind a proxy that does them)',
      env: 'MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE',
    },
    'allowed-artifact-locations': {
      type: 'string',
      placeholder: 'prefixes',
      description: "Comma-separated paths or URIs (s3://bucket/prefix) an experiment's artifact_location may lie under",
      default: 'only the default artifact root and the artifacts destination',
    },
    'enable-workspaces': {
      type: 'boolean',
      description: 'Workspaces (MLflow 3.10): the X-MLFLOW-WORKSPACE header picks where experiments, runs and models live',
    },
    workers: {
      type: 'string',
      placeholder: 'n',
      description: 'Processes serving the same port (node:cluster); crashed ones are restarted',
      default: '1',
    },
    'max-concurrent-requests': {
      type: 'string',
      placeholder: 'n',
      description: 'API requests handled at once per process; more wait in a queue',
      default: String(DEFAULT_LOAD_LIMITS.maxConcurrent),
    },
    'max-queued-requests': {
      type: 'string',
      placeholder: 'n',
      description: 'API requests waiting for their turn; beyond this, 503 with Retry-After at once',
      default: String(DEFAULT_LOAD_LIMITS.maxQueued),
    },
    'request-timeout': {
      type: 'string',
      placeholder: 'seconds',
      description: 'Answer 503 to an API request not finished in this time (artifact transfers excepted)',
      default: String(DEFAULT_LOAD_LIMITS.requestTimeoutMs / 1000),
    },
  },
  envPrefix: 'MLFLOW_',
  example: 'orchard server --host 0.0.0.0 --port 5000 --backend-store-uri postgresql://orchard@db/orchard',
  async run({ flags, order }) {
    const port = parseInteger('port', flags.port ?? '5000', { min: 0, max: MAX_PORT })
    const workers = parseInteger('workers', flags.workers ?? '1', { min: 1, max: MAX_WORKERS })
    const loadLimits = {
      ...DEFAULT_LOAD_LIMITS,
      maxConcurrent: parseInteger('max-concurrent-requests', flags['max-concurrent-requests'] ?? String(DEFAULT_LOAD_LIMITS.maxConcurrent), { min: 1, max: 100_000 }),
      maxQueued: parseInteger('max-queued-requests', flags['max-queued-requests'] ?? String(DEFAULT_LOAD_LIMITS.maxQueued), { min: 0, max: 1_000_000 }),
      requestTimeoutMs:
        parseInteger('request-timeout', flags['request-timeout'] ?? String(DEFAULT_LOAD_LIMITS.requestTimeoutMs / 1000), { min: 1, max: 86_400 }) * 1000,
    }
    // As with click's --x/--no-x pair in `mlflow server`, the last one given wins.
    const serveArtifacts = order.findLast((name) => name.endsWith('serve-artifacts')) !== 'no-serve-artifacts'
    if (flags['artifacts-only'] && !serveArtifacts) {
      throw new UsageError('--artifacts-only serves artifacts, so it cannot be combined with --no-serve-artifacts')
    }
    const destination = artifactsDestination(flags['artifacts-destination'])
    const auth = await authOptions({
      appName: flags['app-name'],
      defaultPermission: flags['auth-default-permission'],
      configPath: flags['auth-config'],
    })
    const signIn = signInOptions(flags, auth !== undefined)
    const options: ServerOptions = {
      host: flags.host ?? '127.0.0.1',
      port,
      backendStoreUri: backendStoreUri(flags['backend-store-uri']),
      defaultArtifactRoot: flags['default-artifact-root'] ?? (serveArtifacts ? PROXIED_ARTIFACT_ROOT : destination),
      ...(serveArtifacts ? { artifactsDestination: destination } : {}),
      ...(flags['artifacts-only'] ? { artifactsOnly: true } : {}),
      ...(auth ? { auth } : {}),
      ...(signIn ? { signIn } : {}),
      security: securityOptions(flags),
      loadLimits,
      ...(flags['enable-workspaces'] ? { enableWorkspaces: true } : {}),
      ...(flags['allowed-artifact-locations'] === undefined
        ? {}
        : { allowedArtifactLocations: parseList('allowed-artifact-locations', flags['allowed-artifact-locations']) }),
    }

    if (cluster.isWorker) {
      const { serveWorker } = await import('../serve/cluster.ts')
      process.exit(await serveWorker(options))
    }
    const database = sqliteFile(options.backendStoreUri)
    if (database) await mkdir(dirname(database), { recursive: true })
    // A folder is made ready; an s3:// destination needs no preparing.
    if (serveArtifacts && isAbsolute(destination)) await mkdir(destination, { recursive: true })
    if (auth && workers > 1) {
      // The first admin is made (or its absence reported) once here, not by N workers in a crash loop.
      const [{ openAuthStore }, { checkGroupRoles, ensureAdmin }] = await Promise.all([import('@orchard/store'), import('@orchard/server')])
      const store = await openAuthStore(options.backendStoreUri, { defaultArtifactRoot: options.defaultArtifactRoot })
      try {
        await ensureAdmin(store, auth.initialAdmin)
        await checkGroupRoles(store, signIn?.oidc?.groupRoles)
      } finally {
        await store.close()
      }
    }
    const code =
      workers > 1
        ? await (await import('../serve/cluster.ts')).servePrimary(options, workers)
        : await (await import('../serve/in-process.ts')).serveInProcess(options)
    // Exit explicitly: a server that has drained must not linger on a stray handle.
    process.exit(code)
  },
})
