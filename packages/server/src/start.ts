import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { openStores } from '@orchard/store'
import type { TrackingStore } from '@orchard/store'
import { createApp } from './app.ts'
import { ensureAdmin } from './auth/bootstrap.ts'
import { checkGroupRoles } from './auth/group-roles.ts'
import type { InitialAdmin } from './auth/bootstrap.ts'
import type { AuthSettings } from './auth/settings.ts'
import type { SignInSettings } from './auth/sign-in-settings.ts'
import type { SecuritySettings } from './security/settings.ts'
import { answerClientErrors, closeWithin } from './http-guards.ts'
import { WebhookDeliveryLoop } from './webhooks/delivery-loop.ts'
import type { DeliveryLoopOptions } from './webhooks/delivery-loop.ts'
import { webhookSettingsFromEnv } from './webhooks/settings.ts'
import type { LoadLimits } from '@orchard/protocol/base'
import type { WebhookSettings } from './webhooks/settings.ts'

export interface ServerOptions {
  readonly host: string
  /** 0 picks a free port (tests). */
  readonly port: number
  readonly backendStoreUri: string
  /**
   * Root for new experiments' artifact locations. With artifact proxying (the default, as MLflow 2.x)
   * this is `mlflow-artifacts:/` and bytes go through the server to `artifactsDestination`.
   */
  readonly defaultArtifactRoot: string
  readonly artifactsDestination?: string
  /** Serve only the artifact proxy (`mlflow server --artifacts-only`). */
  readonly artifactsOnly?: boolean
  readonly logError?: (error: unknown) => void
  /** Webhook checks and delivery; MLflow's MLFLOW_WEBHOOK_* environment variables by default. */
  readonly webhookSettings?: WebhookSettings
  readonly webhookDelivery?: Pick<DeliveryLoopOptions, 'pollIntervalMs' | 'batchSize'>
  /**
   * Access control (`--app-name basic-auth`): every request needs credentials and the permission its
   * route declares. `initialAdmin` is created on first start; without any admin the server refuses to start.
   */
  readonly auth?: AuthSettings & { readonly initialAdmin?: InitialAdmin }
  /** With `auth`: the UI's sign-in page and session length, and single sign-on (`--oidc-*`). */
  readonly signIn?: SignInSettings
  /** `--allowed-hosts`, `--cors-allowed-origins`, `--x-frame-options`, `--disable-security-middleware`. */
  readonly security?: SecuritySettings
  /** Prefixes an experiment's artifact_location may lie under besides the server's own roots. */
  readonly allowedArtifactLocations?: readonly string[]
  /**
   * `--enable-workspaces` (MLflow 3.10): the `X-MLFLOW-WORKSPACE` header picks the workspace each
   * request's experiments, runs and models live in; the workspace API is served.
   */
  readonly enableWorkspaces?: boolean
  /** How long close() lets in-flight requests finish before cutting their connections; default 30 s. */
  readonly shutdownDeadlineMs?: number
  /** `--max-concurrent-requests`, `--max-queued-requests`, `--request-timeout`; DEFAULT_LOAD_LIMITS otherwise. */
  readonly loadLimits?: LoadLimits
}

export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly trackingStore: TrackingStore
  /** Stop accepting connections, let in-flight requests finish, then close the store. */
  close(): Promise<void>
}

// MLflow clients send long GET query strings (1,000 repeated run_ids is about 40 KB), well past
// Node's 16 KB default header limit.
const MAX_HEADER_BYTES = 256 * 1024
const SHUTDOWN_SWEEP_MS = 20
// Kubernetes' default grace period is 30 s before SIGKILL; finishing our own shutdown a little
// earlier still closes the store cleanly.
const DEFAULT_SHUTDOWN_DEADLINE_MS = 25_000

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  // One connection for both stores; closing the tracking store closes it. On a SQLite file, the
  // write-ahead log is copied into the database off the event loop (Checkpointer).
  const { trackingStore, registryStore, authStore, ssoStore, workspaceStore } = await openStores(options.backendStoreUri, {
    defaultArtifactRoot: options.defaultArtifactRoot,
    backgroundCheckpoints: true,
  })
  if (options.auth) {
    try {
      await ensureAdmin(authStore, options.auth.initialAdmin)
      await checkGroupRoles(authStore, options.signIn?.oidc?.groupRoles)
    } catch (error) {
      await trackingStore.close()
      throw error
    }
  }
  const webhookSettings = options.webhookSettings ?? webhookSettingsFromEnv()
  // Delivers what the registry queued, including what an earlier run of the server left undelivered.
  const deliveries = options.artifactsOnly
    ? undefined
    : new WebhookDeliveryLoop(registryStore, webhookSettings, {
        ...options.webhookDelivery,
        ...(options.logError ? { logError: options.logError } : {}),
      })
  const app = createApp({
    trackingStore,
    registryStore,
    webhookSettings,
    defaultArtifactRoot: options.defaultArtifactRoot,
    ...(options.allowedArtifactLocations ? { allowedArtifactLocations: options.allowedArtifactLocations } : {}),
    ...(deliveries ? { onWrite: () => deliveries.wake() } : {}),
    ...(options.artifactsDestination ? { artifactsDestination: options.artifactsDestination } : {}),
    ...(options.artifactsOnly ? { artifactsOnly: true } : {}),
    ...(options.logError ? { logError: options.logError } : {}),
    ...(options.auth ? { auth: { store: authStore, settings: options.auth, sso: ssoStore, ...(options.signIn ? { signIn: options.signIn } : {}) } } : {}),
    ...(options.security ? { security: options.security } : {}),
    ...(options.loadLimits ? { loadLimits: options.loadLimits } : {}),
    ...(options.enableWorkspaces ? { workspaces: { store: workspaceStore } } : {}),
  })
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve(
      { fetch: app.fetch, hostname: options.host, port: options.port, serverOptions: { maxHeaderSize: MAX_HEADER_BYTES } },
      () => resolve(s as Server),
    ) as Server
    s.once('error', reject)
  })
  answerClientErrors(server, MAX_HEADER_BYTES)
  deliveries?.start()
  // Idle keep-alive sockets must not hold shutdown open; active requests still finish.
  server.keepAliveTimeout = 5_000
  const { port } = server.address() as AddressInfo
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  let closing: Promise<void> | undefined
  return {
    url: `http://${host}:${port}`,
    port,
    trackingStore,
    close() {
      closing ??= closeWithin(server, options.shutdownDeadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS, SHUTDOWN_SWEEP_MS).finally(async () => {
        // In-flight deliveries are recorded before the store closes; what is still queued stays in
        // the outbox for the next start.
        await deliveries?.close()
        await trackingStore.close()
      })
      return closing
    },
  }
}
