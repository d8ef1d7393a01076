import { z } from 'zod'
import { optionalString, requiredString } from '../schema.ts'
import { needs } from './permission.ts'
import { route } from './route.ts'

// MLflow 3.10's workspace API (WorkspaceService in service.proto), served only with
// `--enable-workspaces`. MLflow's REST client answers create with 201 and delete with 204.

export { DEFAULT_WORKSPACE_NAME, WORKSPACE_HEADER } from '../workspace-header.ts'

// MLflow's WorkspaceNameValidator: Kubernetes-style names, 2 to 63 characters, and a few names that
// would collide with the server's own paths.
const WORKSPACE_NAME_PATTERN = /^(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const WORKSPACE_NAME_MIN_LENGTH = 2
const WORKSPACE_NAME_MAX_LENGTH = 63
const RESERVED_WORKSPACE_NAMES: readonly string[] = ['workspaces', 'api', 'ajax-api', 'static-files']

/** MLflow's message for a name it refuses, or undefined for a good one. */
export function workspaceNameProblem(name: string): string | undefined {
  if (name.length < WORKSPACE_NAME_MIN_LENGTH || name.length > WORKSPACE_NAME_MAX_LENGTH) {
    return `Workspace name '${name}' must be between ${WORKSPACE_NAME_MIN_LENGTH} and ${WORKSPACE_NAME_MAX_LENGTH} characters.`
  }
  if (!WORKSPACE_NAME_PATTERN.test(name)) {
    return `Workspace name '${name}' must match the pattern ${WORKSPACE_NAME_PATTERN.source} (lowercase alphanumeric with optional internal hyphens).`
  }
  if (RESERVED_WORKSPACE_NAMES.includes(name)) return `Workspace name '${name}' is reserved and cannot be used.`
  return undefined
}

const workspaceName = { workspace_name: requiredString }

export const workspaceRoutes = {
  listWorkspaces: route({ methods: ['GET'], permission: needs.authenticated(), path: '/mlflow/workspaces', version: '3.0', request: z.object({}) }),
  createWorkspace: route({
    methods: ['POST'],
    permission: needs.admin(),
    path: '/mlflow/workspaces',
    version: '3.0',
    status: 201,
    request: z.object({ name: requiredString, description: optionalString, default_artifact_root: optionalString }),
  }),
  getWorkspace: route({
    methods: ['GET'],
    permission: needs.authenticated(),
    path: '/mlflow/workspaces/{workspace_name}',
    version: '3.0',
    request: z.object(workspaceName),
  }),
  updateWorkspace: route({
    methods: ['PATCH'],
    permission: needs.admin(),
    path: '/mlflow/workspaces/{workspace_name}',
    version: '3.0',
    request: z.object({ ...workspaceName, description: optionalString, default_artifact_root: optionalString }),
  }),
  deleteWorkspace: route({
    methods: ['DELETE'],
    permission: needs.admin(),
    path: '/mlflow/workspaces/{workspace_name}',
    version: '3.0',
    status: 204,
    request: z.object({ ...workspaceName, mode: z.enum(['RESTRICT', 'CASCADE', 'SET_DEFAULT'], { error: 'expected RESTRICT, CASCADE or SET_DEFAULT' }).optional() }),
  }),
}
