import type { Context, MiddlewareHandler } from 'hono'
import { DEFAULT_WORKSPACE_NAME, invalidParameter, WORKSPACE_HEADER, workspaceNameProblem } from '@orchard/protocol'
import type { RegistryStore, TrackingStore, Workspace, WorkspaceStore } from '@orchard/store'
import type { ServerContext } from '../server-context.ts'

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's workspace (`X-MLFLOW-WORKSPACE`, else `default`); set only with workspaces enabled. */
    workspace?: string
  }
}

/**
 * Reads the request's workspace before access control runs, so that the permission check sees the
 * workspace the request is about. Only the header's shape is checked here; whether the workspace
 * exists is answered after authentication (scopeToWorkspace), so that anonymous callers cannot
 * probe for names.
 */
export const workspaceHeader: MiddlewareHandler = async (c, next) => {
  const raw = c.req.header(WORKSPACE_HEADER)?.trim()
  const name = raw ? raw : DEFAULT_WORKSPACE_NAME
  if (name !== DEFAULT_WORKSPACE_NAME) {
    const problem = workspaceNameProblem(name)
    if (problem) throw invalidParameter(problem)
  }
  c.set('workspace', name)
  await next()
}

/** The raw stores a workspace-scoped context is cut from, and how to time them (server metrics). */
export interface WorkspaceScoping {
  readonly workspaces: WorkspaceStore
  readonly trackingStore: TrackingStore
  readonly registryStore?: RegistryStore | undefined
  readonly instrument: (context: ServerContext) => ServerContext
}

/**
 * Builds the ServerContext of one workspace per request: its stores see only that workspace, and
 * its experiments' artifacts go under its root. An unknown workspace is RESOURCE_DOES_NOT_EXIST.
 */
export function workspaceScoper(base: ServerContext, scoping: WorkspaceScoping): (name: string) => Promise<ServerContext> {
  // One scoped context per workspace and artifact root, rebuilt when the root changes.
  const cache = new Map<string, { root: string | undefined; context: ServerContext }>()
  return async (name) => {
    const workspace: Workspace = await scoping.workspaces.getWorkspace(name)
    const hit = cache.get(name)
    if (hit && hit.root === workspace.defaultArtifactRoot) return hit.context
    const context = scoping.instrument({
      ...base,
      trackingStore: scoping.trackingStore.forWorkspace(workspace),
      ...(scoping.registryStore ? { registryStore: scoping.registryStore.forWorkspace(workspace) } : {}),
    })
    cache.set(name, { root: workspace.defaultArtifactRoot, context })
    return context
  }
}

/** The context a request's handlers get: its workspace's with workspaces enabled, else `context`. */
export async function contextFor(c: Context, context: ServerContext): Promise<ServerContext> {
  const workspace = c.get('workspace')
  return workspace !== undefined && context.workspaces?.scope ? context.workspaces.scope(workspace) : context
}
