import { z } from 'zod'
import { bool, int64, optionalString, requiredString } from '../schema.ts'
import { needs } from './permission.ts'
import { route } from './route.ts'

// MLflow's basic-auth app (mlflow/server/auth/routes.py): users and per-resource grants, on the paths
// and with the fields `mlflow.server.get_app_client("basic-auth", uri)` sends. GET reads the query
// string; PATCH, POST and DELETE a JSON body. Plus Orchard's personal access tokens.

const username = { username: requiredString }
const permission = { permission: requiredString }
const experimentGrant = { experiment_id: requiredString, ...username }
const modelGrant = { name: requiredString, ...username }

export const authRoutes = {
  createUser: route({
    methods: ['POST'],
    permission: needs.admin(),
    path: '/mlflow/users/create',
    request: z.object({ ...username, password: requiredString }),
  }),
  getUser: route({ methods: ['GET'], permission: needs.self(), path: '/mlflow/users/get', request: z.object(username) }),
  /** Newer MLflow versions list users for their admin page. */
  listUsers: route({ methods: ['GET'], permission: needs.admin(), path: '/mlflow/users/list', request: z.object({}) }),
  updateUserPassword: route({
    methods: ['PATCH'],
    permission: needs.self(),
    path: '/mlflow/users/update-password',
    request: z.object({ ...username, password: requiredString }),
  }),
  updateUserAdmin: route({
    methods: ['PATCH'],
    permission: needs.admin(),
    path: '/mlflow/users/update-admin',
    request: z.object({ ...username, is_admin: bool }),
  }),
  deleteUser: route({ methods: ['DELETE'], permission: needs.admin(), path: '/mlflow/users/delete', request: z.object(username) }),

  createExperimentPermission: route({
    methods: ['POST'],
    permission: needs.experiment('MANAGE'),
    path: '/mlflow/experiments/permissions/create',
    request: z.object({ ...experimentGrant, ...permission }),
  }),
  getExperimentPermission: route({
    methods: ['GET'],
    permission: needs.experiment('MANAGE'),
    path: '/mlflow/experiments/permissions/get',
    request: z.object(experimentGrant),
  }),
  updateExperimentPermission: route({
    methods: ['PATCH'],
    permission: needs.experiment('MANAGE'),
    path: '/mlflow/experiments/permissions/update',
    request: z.object({ ...experimentGrant, ...permission }),
  }),
  deleteExperimentPermission: route({
    methods: ['DELETE'],
    permission: needs.experiment('MANAGE'),
    path: '/mlflow/experiments/permissions/delete',
    request: z.object(experimentGrant),
  }),

  createRegisteredModelPermission: route({
    methods: ['POST'],
    permission: needs.registeredModel('MANAGE'),
    path: '/mlflow/registered-models/permissions/create',
    request: z.object({ ...modelGrant, ...permission }),
  }),
  getRegisteredModelPermission: route({
    methods: ['GET'],
    permission: needs.registeredModel('MANAGE'),
    path: '/mlflow/registered-models/permissions/get',
    request: z.object(modelGrant),
  }),
  updateRegisteredModelPermission: route({
    methods: ['PATCH'],
    permission: needs.registeredModel('MANAGE'),
    path: '/mlflow/registered-models/permissions/update',
    request: z.object({ ...modelGrant, ...permission }),
  }),
  deleteRegisteredModelPermission: route({
    methods: ['DELETE'],
    permission: needs.registeredModel('MANAGE'),
    path: '/mlflow/registered-models/permissions/delete',
    request: z.object(modelGrant),
  }),

  /**
   * Orchard's personal access tokens: `Authorization: Bearer <token>` (MLFLOW_TRACKING_TOKEN), or the
   * token as the Basic password. `username` defaults to the caller; naming another user takes an admin.
   */
  createAccessToken: route({
    methods: ['POST'],
    permission: needs.authenticated(),
    path: '/orchard/tokens/create',
    request: z.object({ name: optionalString, username: optionalString, expires_in_days: int64.optional() }),
  }),
  listAccessTokens: route({
    methods: ['GET'],
    permission: needs.authenticated(),
    path: '/orchard/tokens/list',
    request: z.object({ username: optionalString }),
  }),
  revokeAccessToken: route({
    methods: ['POST'],
    permission: needs.authenticated(),
    path: '/orchard/tokens/revoke',
    request: z.object({ token_id: requiredString }),
  }),
  /** The access audit trail (sign-ins, failures, user, grant and token changes), newest first. */
  listAuthEvents: route({
    methods: ['GET'],
    permission: needs.admin(),
    path: '/orchard/auth/events',
    request: z.object({ username: optionalString, max_results: int64.optional(), page_token: optionalString }),
  }),
  /** Who the credentials of this request belong to (the UI's user menu, `orchard tokens`). */
  getCurrentUser: route({ methods: ['GET'], permission: needs.authenticated(), path: '/orchard/users/current', request: z.object({}) }),
}

export type AuthRoutes = typeof authRoutes

export interface WireExperimentPermission {
  experiment_id: string
  user_id: number
  permission: string
}

export interface WireRegisteredModelPermission {
  name: string
  user_id: number
  permission: string
}

/** MLflow's User.to_json. */
export interface WireUser {
  id: number
  username: string
  is_admin: boolean
  experiment_permissions: WireExperimentPermission[]
  registered_model_permissions: WireRegisteredModelPermission[]
}

export interface WireAccessToken {
  token_id: string
  name: string
  username: string
  creation_timestamp: number
  expiration_timestamp?: number
  last_used_timestamp?: number
  revoked_timestamp?: number
}

export interface WireAuthEvent {
  event_id: string
  timestamp: number
  username?: string
  action: string
  target?: string
  address?: string
}

