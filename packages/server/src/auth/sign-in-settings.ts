/**
 * Single sign-on for the web UI (`--oidc-issuer` and friends): OpenID Connect's authorization code
 * flow with PKCE against any provider that publishes discovery metadata (Keycloak, Okta, Entra ID,
 * Auth0, Dex…). SDKs and the CLI keep using Basic credentials or access tokens.
 */
export interface OidcSettings {
  /** The issuer URL; `<issuer>/.well-known/openid-configuration` must answer. https, or http on loopback only. */
  readonly issuer: string
  readonly clientId: string
  /** Confidential clients (client_secret_basic); public clients rely on PKCE alone. */
  readonly clientSecret?: string
  /** Where the provider sends the browser back; default `<this server's origin>/auth/oidc/callback`. */
  readonly redirectUri?: string
  /** Scopes asked for; default `openid profile email` (plus what the groups claim needs at the provider). */
  readonly scopes?: readonly string[]
  /** The ID-token claim that names the Orchard user created on first sign-in; default preferred_username. */
  readonly usernameClaim?: string
  /** The ID-token claim listing the user's IdP groups (an array, or one string); default `groups`. */
  readonly groupsClaim?: string
  /**
   * Members of any of these IdP groups are admins; with the list set, the admin flag of an SSO user
   * follows their groups at every sign-in. Unset, admins are made with `users/update-admin`.
   */
  readonly adminGroups?: readonly string[]
  /**
   * IdP groups mapped to Orchard roles (`--oidc-group-role GROUP=ROLE[@WORKSPACE]`), applied at every
   * sign-in: the roles of the groups the IdP lists are assigned, and ones assigned so earlier are
   * taken away when the IdP stops listing the group. Assignments an admin made are never touched.
   */
  readonly groupRoles?: readonly GroupRoleMapping[]
}

/** One `--oidc-group-role`: members of IdP group `group` hold the role `role` of `workspace`. */
export interface GroupRoleMapping {
  readonly group: string
  readonly role: string
  /** Default `default`, the workspace whose roles count with workspaces off. */
  readonly workspace?: string
}

export interface SignInSettings {
  /** How long a UI session lasts after sign-in; default 12 hours. */
  readonly sessionTtlMs?: number
  readonly oidc?: OidcSettings
}

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60_000
export const DEFAULT_OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'email']
export const DEFAULT_USERNAME_CLAIM = 'preferred_username'
export const DEFAULT_GROUPS_CLAIM = 'groups'
// Long enough to type a password and approve consent at the provider, short enough that an
// abandoned attempt's state and PKCE verifier do not linger.
export const OIDC_FLOW_TTL_S = 600
