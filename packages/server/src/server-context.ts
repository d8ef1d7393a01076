import type { ArtifactRepository } from '@orchard/artifacts'
import type { AuthStore, RegistryStore, SsoStore, TrackingStore, WorkspaceStore } from '@orchard/store'
import type { Authenticator } from './auth/authenticate.ts'
import type { AuthSettings } from './auth/settings.ts'
import type { SignInSettings } from './auth/sign-in-settings.ts'
import type { WebhookSettings } from './webhooks/settings.ts'

/** What every handler may use: the stores and the few settings that shape responses. */
export interface ServerContext {
  readonly trackingStore: TrackingStore
  /** The model registry; without it the registry routes are not served. */
  readonly registryStore?: RegistryStore
  /**
   * Where runs' `mlflow-artifacts:/…` URIs point on this server's disk (or bucket), when the server
   * proxies artifacts; undefined when clients are handed the backing URI directly.
   */
  readonly artifactsDestination?: string | ArtifactRepository
  /** Webhook URL checks and delivery; MLflow's MLFLOW_WEBHOOK_* environment variables when absent. */
  readonly webhookSettings?: WebhookSettings
  /** The server's artifact root: registered versions' copies of run files go under its `registry/`. */
  readonly defaultArtifactRoot?: string
  /** Access control (`--app-name basic-auth`); absent, every request is served as before. */
  readonly auth?: {
    readonly store: AuthStore
    readonly settings: AuthSettings
    /** Set by createApp: handlers that change passwords or users make it forget cached logins. */
    readonly authenticator?: Authenticator
    /**
     * The UI's sign-in (password form, session cookie, --oidc-* single sign-on) and the grant lists of
     * the permissions tabs; without it the UI relies on the browser's Basic dialog.
     */
    readonly sso?: SsoStore
    readonly signIn?: SignInSettings
  }
  /**
   * Prefixes (paths or URIs) an experiment's artifact_location may lie under besides the default
   * artifact root and the artifacts destination (`--allowed-artifact-locations`).
   */
  readonly allowedArtifactLocations?: readonly string[]
  /**
   * Workspaces (`--enable-workspaces`): the store of workspaces, and the context of one workspace,
   * which handlers of that workspace's requests receive instead of this one.
   */
  readonly workspaces?: {
    readonly store: WorkspaceStore
    readonly scope?: (name: string) => Promise<ServerContext>
  }
}
