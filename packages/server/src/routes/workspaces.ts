import { DEFAULT_WORKSPACE_NAME, invalidParameter, OrchardError, workspaceNameProblem } from '@orchard/protocol'
import type { workspaceRoutes } from '@orchard/protocol'
import type { Workspace, WorkspaceStore } from '@orchard/store'
import type { Handlers } from '../define-routes.ts'
import type { ServerContext } from '../server-context.ts'

/** MLflow's Workspace message: name, description, default_artifact_root (unset fields left out). */
const toWire = (workspace: Workspace) => ({
  name: workspace.name,
  ...(workspace.description ? { description: workspace.description } : {}),
  ...(workspace.defaultArtifactRoot ? { default_artifact_root: workspace.defaultArtifactRoot } : {}),
})

function storeOf(context: ServerContext): WorkspaceStore {
  // The routes are registered only with workspaces enabled, so this is a wiring fault if it happens.
  if (!context.workspaces) throw new OrchardError('INTERNAL_ERROR', 'Workspaces are not enabled on this server.')
  return context.workspaces.store
}

function checkName(name: string): void {
  const problem = workspaceNameProblem(name)
  if (problem) throw invalidParameter(problem)
}

export const workspaceHandlers: Handlers<typeof workspaceRoutes> = {
  async listWorkspaces(_request, context) {
    return { workspaces: (await storeOf(context).listWorkspaces()).map(toWire) }
  },
  async createWorkspace(request, context) {
    checkName(request.name)
    const workspace = await storeOf(context).createWorkspace({
      name: request.name,
      description: request.description,
      defaultArtifactRoot: request.default_artifact_root,
    })
    return { workspace: toWire(workspace) }
  },
  async getWorkspace(request, context) {
    return { workspace: toWire(await storeOf(context).getWorkspace(request.workspace_name)) }
  },
  async updateWorkspace(request, context) {
    if (request.workspace_name === DEFAULT_WORKSPACE_NAME && request.default_artifact_root !== undefined) {
      throw invalidParameter(`The '${DEFAULT_WORKSPACE_NAME}' workspace's artifact root is the server's --default-artifact-root.`)
    }
    const update = {
      ...(request.description !== undefined ? { description: request.description } : {}),
      ...(request.default_artifact_root !== undefined ? { defaultArtifactRoot: request.default_artifact_root } : {}),
    }
    return { workspace: toWire(await storeOf(context).updateWorkspace(request.workspace_name, update)) }
  },
  async deleteWorkspace(request, context) {
    await storeOf(context).deleteWorkspace(request.workspace_name, request.mode ?? 'RESTRICT')
    return {}
  },
}
