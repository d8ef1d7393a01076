/** A workspace (MLflow 3.10): a named scope for experiments, runs and registered models. */
export interface Workspace {
  readonly name: string
  readonly description?: string | undefined
  /** Where its experiments' artifacts go; unset, `<server root>/workspaces/<name>`. */
  readonly defaultArtifactRoot?: string | undefined
}

/** What deleting a workspace does with what it holds (MLflow's WorkspaceDeletionMode). */
export type WorkspaceDeletionMode = 'RESTRICT' | 'CASCADE' | 'SET_DEFAULT'

/**
 * Workspaces' metadata (`orchard server --enable-workspaces`). `default` always exists and can
 * be neither deleted nor renamed. Names are validated at the HTTP boundary.
 */
export interface WorkspaceStore {
  listWorkspaces(): Promise<Workspace[]>
  /** Throws RESOURCE_DOES_NOT_EXIST for an unknown name. */
  getWorkspace(name: string): Promise<Workspace>
  /** Throws RESOURCE_ALREADY_EXISTS when the name is taken. */
  createWorkspace(workspace: Workspace): Promise<Workspace>
  /** Changes the fields given; `''` clears one. */
  updateWorkspace(name: string, update: { description?: string; defaultArtifactRoot?: string }): Promise<Workspace>
  /**
   * RESTRICT refuses (INVALID_STATE) while the workspace holds experiments or registered models;
   * CASCADE deletes them with it; SET_DEFAULT moves them into `default` (refusing on a name clash).
   */
  deleteWorkspace(name: string, mode: WorkspaceDeletionMode): Promise<void>
}
