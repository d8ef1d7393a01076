import { useState } from 'react'
import { DEFAULT_WORKSPACE_NAME } from '@orchard/protocol/base'
import { createWorkspace, deleteWorkspace } from '../../admin-api.ts'
import type { Workspace } from '../../admin-api.ts'
import { ConfirmDialog } from '../confirm-dialog.tsx'
import { CreateForm } from './create-form.tsx'

// Workspaces (MLflow 3.10, with --enable-workspaces): create and delete. Deleting is MLflow's
// RESTRICT mode: the server refuses while the workspace still holds experiments or models, and the
// dialog shows its refusal. `default` cannot be deleted.

interface Props {
  readonly workspaces: readonly Workspace[]
  readonly onChanged: () => Promise<void>
}

export function WorkspacesTab({ workspaces, onChanged }: Props) {
  const [deleting, setDeleting] = useState<string>()
  return (
    <>
      <CreateWorkspaceForm onChanged={onChanged} />
      <table className="data admin-table" aria-label="Workspaces">
        <thead>
          <tr>
            <th>Workspace</th>
            <th>Description</th>
            <th>Artifact root</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {workspaces.map((workspace) => (
            <tr key={workspace.name} data-workspace={workspace.name}>
              <td>{workspace.name}</td>
              <td>{workspace.description ?? ''}</td>
              <td className="value">{workspace.defaultArtifactRoot ?? <span className="muted">server default</span>}</td>
              <td className="actions">
                {workspace.name === DEFAULT_WORKSPACE_NAME ? null : (
                  <button type="button" className="danger" onClick={() => setDeleting(workspace.name)} aria-label={`Delete workspace ${workspace.name}`}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deleting ? (
        <ConfirmDialog title={`Delete workspace ${deleting}?`} confirmLabel="Delete workspace" onConfirm={() => deleteWorkspace(deleting).then(onChanged)} onClose={() => setDeleting(undefined)}>
          <p>Only an empty workspace can be deleted: move or delete its experiments and registered models first.</p>
        </ConfirmDialog>
      ) : null}
    </>
  )
}

function CreateWorkspaceForm({ onChanged }: { readonly onChanged: () => Promise<void> }) {
  return (
    <CreateForm
      label="Create a workspace"
      fields={[
        { name: 'name', label: 'Workspace name', required: true, placeholder: 'team-a' },
        { name: 'description', label: 'Description' },
        { name: 'root', label: 'Artifact root (optional)', placeholder: 's3://bucket/team-a' },
      ]}
      submitLabel="Create workspace"
      create={(v) => createWorkspace(v.name ?? '', v.description ?? '', v.root ?? '')}
      onChanged={onChanged}
    />
  )
}
