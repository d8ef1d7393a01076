import { Hono } from 'hono'
import type { Context } from 'hono'
import { authRoutes, grantListRoutes, isOrchardError, roleRoutes, registryRoutes, trackingRoutes, webhookRoutes, workspaceRoutes } from '@orchard/protocol'
import type { ErrorCode, LoadLimits } from '@orchard/protocol/base'
import { registerArtifactService } from './artifact-service/index.ts'
import { registerGraphql } from './graphql/index.ts'
import { accessControl } from './auth/access-control.ts'
import { SignIn } from './auth/sign-in.ts'
import { securityMiddleware } from './security/security-middleware.ts'
import type { SecuritySettings } from './security/settings.ts'
import { registerUi } from './ui-static/index.ts'
import { defineRoutes } from './define-routes.ts'
import type { ServerContext } from './server-context.ts'
import { artifactListHandlers } from './routes/artifacts.ts'
import { grantListHandlers } from './routes/auth-grant-lists.ts'
import { permissionHandlers } from './routes/auth-permissions.ts'
import { roleHandlers } from './routes/auth-roles.ts'
import { tokenHandlers } from './routes/auth-tokens.ts'
import { userHandlers } from './routes/auth-users.ts'
import { experimentHandlers } from './routes/experiments.ts'
import { loggedModelHandlers } from './routes/logged-models.ts'
import { metricHandlers } from './routes/metrics.ts'
import { registryEventHandlers } from './routes/registry-events.ts'
import { registeredModelHandlers } from './routes/registry-models.ts'
import { modelVersionHandlers } from './routes/registry-versions.ts'
import { runMoveHandlers } from './routes/run-move.ts'
import { runHandlers } from './routes/runs.ts'
import { serverInfoHandlers } from './routes/server-info.ts'
import { webhookHandlers } from './routes/webhooks.ts'
import { workspaceHandlers } from './routes/workspaces.ts'
import { contextFor, workspaceHeader, workspaceScoper } from './workspaces/workspace-scope.ts'
import { loadShedding } from './load-shedding.ts'
import { ServerMetrics } from './server-metrics.ts'
import { VERSION } from './version.ts'

export interface AppOptions extends ServerContext {
  /**
   * `--artifacts-only`: serve the artifact proxy alone. Tracking routes answer 503, as MLflow's do
   * on such a server.
   */
  readonly artifactsOnly?: boolean
  /**
   * Called after a write request under the MLflow API succeeds: it may have queued webhook
   * deliveries, so the delivery loop looks now instead of at its next poll.
   */
  readonly onWrite?: () => void
  /** Where 5xx errors are reported (the stack never reaches the client). Defaults to console.error. */
  readonly logError?: (error: unknown) => void
  /** Host allow-list, CSRF and CORS checks, page headers: on with MLflow's defaults unless disabled. */
  readonly security?: SecuritySettings
  /** Concurrency, queue and deadline limits on API requests; DEFAULT_LOAD_LIMITS when absent. */
  readonly loadLimits?: LoadLimits
}

const errorBody = (code: ErrorCode, message: string) => ({ error_code: code, message })

// A database restart or failover takes seconds; one second keeps retrying clients close behind it
// (the SDK's backoff grows from there).
const RETRY_AFTER_SECONDS = '1'

const ARTIFACTS_ONLY_MESSAGE =
  'This server runs with --artifacts-only: it serves /api/2.0/mlflow-artifacts/ alone. Send tracking requests to a tracking server.'

/** The HTTP application: MLflow's REST API over the given stores, as a fetch handler. */
export function createApp(options: AppOptions): Hono {
  const app = new Hono()
  const logError = options.logError ?? ((error: unknown) => console.error(error))
  // Prometheus metrics: first, so every answer is counted (refusals too); handlers get stores whose
  // calls are timed.
  const metrics = new ServerMetrics(options)
  app.use('*', metrics.middleware)
  // Before authentication: a rebinding or cross-site request is refused whoever sends it.
  app.use('*', securityMiddleware(options.security))
  // Before authentication, which may itself query the store: overload is refused at the door.
  app.use('*', loadShedding(options.loadLimits))
  // Scraped without credentials, as MLflow's Prometheus exporter is: it holds counts and timings by
  // route template, no names or data (docs/security.md).
  app.get('/metrics', metrics.handler)
  let context: ServerContext = metrics.instrument(options)
  if (options.workspaces) {
    // Before access control, so that its check sees the request's workspace.
    app.use('*', workspaceHeader)
    const scope = workspaceScoper(context, {
      workspaces: options.workspaces.store,
      trackingStore: options.trackingStore,
      registryStore: options.registryStore,
      instrument: (scoped) => metrics.instrument(scoped),
    })
    context = { ...context, workspaces: { store: options.workspaces.store, scope } }
  }
  if (options.auth) {
    // First: no handler runs before the request is authenticated and allowed.
    const { sso } = options.auth
    const signIn = sso && new SignIn(options.auth.store, sso, options.auth.signIn ?? {}, options.auth.settings.now)
    const control = accessControl(options.auth.store, options.auth.settings, signIn)
    app.use('*', control.middleware)
    signIn?.register(app, control.authenticator)
    context = { ...context, auth: { ...options.auth, authenticator: control.authenticator } }
    defineRoutes(app, authRoutes, { ...userHandlers, ...permissionHandlers, ...tokenHandlers }, context)
    defineRoutes(app, roleRoutes, roleHandlers, context)
    defineRoutes(app, grantListRoutes, grantListHandlers, context)
  }

  // Liveness: the process serves HTTP. It stays 200 while the database is away, so an orchestrator
  // does not restart a server that would come back by itself.
  app.get('/health', (c) => c.text('OK'))
  // Readiness: the store answers a query; 503 TEMPORARILY_UNAVAILABLE (through onError) while not.
  app.get('/ready', async (c) => {
    await options.trackingStore.ping()
    return c.text('OK')
  })
  app.get('/version', (c) => c.text(VERSION))

  if (options.artifactsOnly) {
    registerArtifactService(app, { destination: options.artifactsDestination })
    app.all('/api/2.0/mlflow/*', (c) => c.json(errorBody('TEMPORARILY_UNAVAILABLE', ARTIFACTS_ONLY_MESSAGE), 503))
    app.all('/ajax-api/2.0/mlflow/*', (c) => c.json(errorBody('TEMPORARILY_UNAVAILABLE', ARTIFACTS_ONLY_MESSAGE), 503))
  } else {
    defineRoutes(
      app,
      trackingRoutes,
      { ...experimentHandlers, ...runHandlers, ...runMoveHandlers, ...metricHandlers, ...artifactListHandlers, ...loggedModelHandlers, ...serverInfoHandlers },
      context,
    )
    if (context.workspaces) defineRoutes(app, workspaceRoutes, workspaceHandlers, context)
    if (options.registryStore) {
      const onWrite = options.onWrite
      if (onWrite) {
        app.use('*', async (c, next) => {
          await next()
          if (c.req.method !== 'GET' && c.res.ok) onWrite()
        })
      }
      defineRoutes(app, registryRoutes, { ...registeredModelHandlers, ...modelVersionHandlers, ...registryEventHandlers }, context)
      defineRoutes(app, webhookRoutes, webhookHandlers, context)
    }
    registerArtifactService(app, {
      destination: options.artifactsDestination,
      trackingStore: options.trackingStore,
      registryStore: options.registryStore,
      ...(context.workspaces ? { scope: (c: Context) => contextFor(c, context) } : {}),
    })
    registerGraphql(app, context, logError)
    // Last: the UI answers browser navigations to any path the API does not own.
    registerUi(app)
  }

  app.notFound((c) =>
    c.json(errorBody('ENDPOINT_NOT_FOUND', `No API endpoint ${c.req.method} ${new URL(c.req.url).pathname}. See the README's compatibility table.`), 404),
  )

  app.onError((error, c) => {
    if (isOrchardError(error)) {
      // TEMPORARILY_UNAVAILABLE is an expected state (the database restarting), not a fault to log
      // per request; clients are told when to come back.
      if (error.code === 'TEMPORARILY_UNAVAILABLE') c.header('Retry-After', RETRY_AFTER_SECONDS)
      else if (error.status >= 500) logError(error)
      return c.json(error.toJSON(), error.status as 400)
    }
    logError(error)
    return c.json(errorBody('INTERNAL_ERROR', 'The server failed to handle this request; the details are in its log.'), 500)
  })

  return app
}
