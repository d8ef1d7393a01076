// What each route needs when authentication is on (`orchard server --app-name basic-auth`). Every
// route of every table declares it next to its path, so an unguarded route is a missing field a test
// finds, not a forgotten line in some other file. The server resolves the resource from the request's
// own fields and compares the caller's level with MLflow's permission levels.

/** MLflow's permission levels (mlflow/server/auth/permissions.py), lowest first. */
export const PERMISSION_LEVELS = ['NO_PERMISSIONS', 'READ', 'USE', 'EDIT', 'MANAGE'] as const
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number]
/** A level a route may require (NO_PERMISSIONS is what a caller may hold, never what a route asks). */
export type RequiredLevel = Exclude<PermissionLevel, 'NO_PERMISSIONS'>

/** The rank of a level: a caller passes when its rank is at least the route's. */
export const permissionRank = (level: PermissionLevel): number => PERMISSION_LEVELS.indexOf(level)

export const isPermissionLevel = (value: unknown): value is PermissionLevel =>
  typeof value === 'string' && (PERMISSION_LEVELS as readonly string[]).includes(value)

/** MLflow's role resource types that Orchard has (a role grant's `resource_type`); `workspace` (pattern `*`) covers every type. */
export const ROLE_RESOURCE_TYPES = ['experiment', 'registered_model', 'workspace'] as const
export type RoleResourceType = (typeof ROLE_RESOURCE_TYPES)[number]

/**
 * - `experiment`, `run`, `logged-model`, `registered-model`: one resource named by `field`; runs and
 *   logged models inherit their experiment's permission, model versions their registered model's.
 * - `experiment-name`: the experiment called `field`.
 * - `runs`, `experiments`: every id in the list `field` must pass.
 * - `artifact-path`: the proxy's `{artifact_path}`, whose first segment is the experiment id.
 * - `authenticated`: any signed-in user; the handler narrows what it returns (searches filter in SQL).
 * - `self`: the user named by `field`, or an admin.
 * - `admin`: admins only (users, webhooks, gc).
 * - `public`: no credentials needed (health, version).
 * - `all`: every one of `parts` must pass (a move of runs needs EDIT on the runs and on the destination).
 */
export type ResourceKind =
  | 'experiment'
  | 'experiment-name'
  | 'experiments'
  | 'run'
  | 'runs'
  | 'logged-model'
  | 'registered-model'
  | 'artifact-path'
  | 'authenticated'
  | 'self'
  | 'admin'
  | 'public'
  | 'all'

export interface RoutePermission {
  readonly resource: ResourceKind
  /** For resource kinds that name one: the level the caller needs on it. */
  readonly level?: RequiredLevel
  /** The request field that names the resource. */
  readonly field?: string
  /** For `all`: the permissions that must each pass. */
  readonly parts?: readonly RoutePermission[]
}

/** Builders for the `permission` field of a route: one short call per route. */
export const needs = {
  experiment: (level: RequiredLevel, field = 'experiment_id'): RoutePermission => ({ resource: 'experiment', level, field }),
  experimentByName: (level: RequiredLevel, field = 'experiment_name'): RoutePermission => ({ resource: 'experiment-name', level, field }),
  experiments: (level: RequiredLevel, field = 'experiment_ids'): RoutePermission => ({ resource: 'experiments', level, field }),
  run: (level: RequiredLevel, field = 'run_id'): RoutePermission => ({ resource: 'run', level, field }),
  runs: (level: RequiredLevel, field: string): RoutePermission => ({ resource: 'runs', level, field }),
  loggedModel: (level: RequiredLevel, field = 'model_id'): RoutePermission => ({ resource: 'logged-model', level, field }),
  registeredModel: (level: RequiredLevel, field = 'name'): RoutePermission => ({ resource: 'registered-model', level, field }),
  artifactPath: (level: RequiredLevel, field = 'artifact_path'): RoutePermission => ({ resource: 'artifact-path', level, field }),
  authenticated: (): RoutePermission => ({ resource: 'authenticated' }),
  self: (field = 'username'): RoutePermission => ({ resource: 'self', field }),
  admin: (): RoutePermission => ({ resource: 'admin' }),
  public: (): RoutePermission => ({ resource: 'public' }),
  all: (...parts: RoutePermission[]): RoutePermission => ({ resource: 'all', parts }),
}
