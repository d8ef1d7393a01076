import { useState } from 'react'
import type { FormEvent } from 'react'
import { DEFAULT_WORKSPACE_NAME, ROLE_RESOURCE_TYPES } from '@orchard/protocol/base'
import { ROLE_GRANT_LEVELS, addRoleGrant, assignRole, createRole, deleteRole, removeRoleGrant, unassignRole } from '../../admin-api.ts'
import type { Assignee, Role, RoleGrantLevel } from '../../admin-api.ts'
import { useAction } from '../../use-action.ts'
import { currentWorkspace } from '../../workspace.ts'
import { ConfirmDialog } from '../confirm-dialog.tsx'
import { ActionError } from './action-error.tsx'
import { CreateForm } from './create-form.tsx'
import type { AdminData } from './admin-data.ts'

// Roles (MLflow 3.14's RBAC) of one workspace: create and delete them, their grants (resource type,
// one resource or `*`, a level or Orchard's DENY), and who holds them: users directly, or groups.

/** The workspace whose roles count while workspaces are off (the server's DEFAULT_ROLE_WORKSPACE). */
const DEFAULT_WORKSPACE = DEFAULT_WORKSPACE_NAME

/** A role as the page names it: `name`, or `name@workspace` outside the default workspace. */
export function roleLabel(roles: readonly Role[], roleId: number): string {
  const role = roles.find((r) => r.id === roleId)
  if (!role) return `role ${roleId}`
  return role.workspace === DEFAULT_WORKSPACE ? role.name : `${role.name}@${role.workspace}`
}

type Removal = { readonly kind: 'role'; readonly role: Role } | { readonly kind: 'grant'; readonly role: Role; readonly grantId: number; readonly text: string }

interface Props {
  readonly data: AdminData
  readonly onChanged: () => Promise<void>
}

export function RolesTab({ data, onChanged }: Props) {
  const names = new Set([DEFAULT_WORKSPACE, ...(data.workspaces ?? []).map((w) => w.name), ...data.roles.map((r) => r.workspace)])
  // The header's workspace first: the roles an admin came to manage are usually those of where they are.
  const [workspace, setWorkspace] = useState(names.has(currentWorkspace) ? currentWorkspace : DEFAULT_WORKSPACE)
  const [removing, setRemoving] = useState<Removal>()
  const roles = data.roles.filter((r) => r.workspace === workspace)
  return (
    <>
      <div className="admin-toolbar">
        <label className="stacked">
          Workspace
          <select aria-label="Roles of workspace" value={workspace} onChange={(e) => setWorkspace(e.target.value)}>
            {[...names].map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        {data.workspaces === undefined && workspace !== DEFAULT_WORKSPACE ? (
          <p className="muted">Workspaces are off on this server: only the roles of &lsquo;default&rsquo; grant anything.</p>
        ) : null}
      </div>
      <CreateRoleForm workspace={workspace} onChanged={onChanged} />
      {roles.length === 0 ? <p className="muted">No roles in {workspace} yet.</p> : null}
      <div className="admin-cards">
        {roles.map((role) => (
          <RoleCard key={role.id} role={role} data={data} onRemove={setRemoving} onChanged={onChanged} />
        ))}
      </div>
      {removing?.kind === 'role' ? (
        <ConfirmDialog title={`Delete role ${removing.role.name}?`} confirmLabel="Delete role" onConfirm={() => deleteRole(removing.role.id).then(onChanged)} onClose={() => setRemoving(undefined)}>
          <p>Its {removing.role.permissions.length} grants go with it, and every user and group holding it loses them.</p>
        </ConfirmDialog>
      ) : null}
      {removing?.kind === 'grant' ? (
        <ConfirmDialog title={`Remove this grant from ${removing.role.name}?`} confirmLabel="Remove grant" onConfirm={() => removeRoleGrant(removing.grantId).then(onChanged)} onClose={() => setRemoving(undefined)}>
          <p>
            <code>{removing.text}</code>
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  )
}

function CreateRoleForm({ workspace, onChanged }: { readonly workspace: string; readonly onChanged: () => Promise<void> }) {
  return (
    <CreateForm
      label="Create a role"
      fields={[
        { name: 'name', label: 'Role name', required: true },
        { name: 'description', label: 'Description' },
      ]}
      submitLabel={`Create role in ${workspace}`}
      create={(v) => createRole(workspace, v.name ?? '', v.description ?? '')}
      onChanged={onChanged}
    />
  )
}

interface CardProps {
  readonly role: Role
  readonly data: AdminData
  readonly onRemove: (removal: Removal) => void
  readonly onChanged: () => Promise<void>
}

const assigneeKey = (a: Assignee) => `${a.kind}:${a.name}`
const parseAssignee = (key: string): Assignee => ({ kind: key.startsWith('group:') ? 'group' : 'user', name: key.slice(key.indexOf(':') + 1) })

function RoleCard({ role, data, onRemove, onChanged }: CardProps) {
  const action = useAction()
  const [resourceType, setResourceType] = useState<string>(ROLE_RESOURCE_TYPES[0])
  const [pattern, setPattern] = useState('*')
  const [level, setLevel] = useState<RoleGrantLevel>('READ')
  const [assignee, setAssignee] = useState('')
  const userIds = data.roleUsers.get(role.id) ?? []
  const holders: Assignee[] = [
    ...data.users.filter((u) => userIds.includes(u.id)).map((u) => ({ kind: 'user' as const, name: u.username })),
    ...data.groups.filter((g) => g.role_ids.includes(role.id)).map((g) => ({ kind: 'group' as const, name: g.name })),
  ]
  const held = new Set(holders.map(assigneeKey))
  const change = (work: () => Promise<unknown>) => void action.run(work).then((done) => (done ? onChanged() : undefined))
  const addGrant = (event: FormEvent) => {
    event.preventDefault()
    change(() => addRoleGrant(role.id, resourceType, resourceType === 'workspace' ? '*' : pattern.trim(), level))
  }
  return (
    <article className="admin-card" aria-label={`Role ${role.name}`} data-role={role.name}>
      <header>
        <h2>{role.name}</h2>
        {role.description ? <span className="muted">{role.description}</span> : null}
        <button type="button" className="danger" onClick={() => onRemove({ kind: 'role', role })} aria-label={`Delete role ${role.name}`}>
          Delete
        </button>
      </header>
      <table className="data admin-table" aria-label={`Grants of ${role.name}`}>
        <thead>
          <tr>
            <th>Resource type</th>
            <th>Resource</th>
            <th>Permission</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {role.permissions.map((grant) => {
            const text = `${grant.resource_type} ${grant.resource_pattern} ${grant.permission}`
            return (
              <tr key={grant.id} data-grant={text}>
                <td>{grant.resource_type}</td>
                <td>{grant.resource_pattern === '*' ? <span title="every resource of the type">* (all)</span> : grant.resource_pattern}</td>
                <td className={grant.permission === 'DENY' ? 'deny' : ''}>{grant.permission}</td>
                <td className="actions">
                  <button type="button" className="danger" aria-label={`Remove grant ${text}`} onClick={() => onRemove({ kind: 'grant', role, grantId: grant.id, text })}>
                    Remove
                  </button>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {role.permissions.length === 0 ? <p className="muted">No grants yet: holding this role gives nothing.</p> : null}
      <form className="inline-form" onSubmit={addGrant} aria-label={`Add a grant to ${role.name}`}>
        <select aria-label="Resource type" value={resourceType} onChange={(e) => setResourceType(e.target.value)}>
          {ROLE_RESOURCE_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <input
          aria-label="Resource (experiment id, model name, or * for all)"
          value={resourceType === 'workspace' ? '*' : pattern}
          disabled={resourceType === 'workspace'}
          onChange={(e) => setPattern(e.target.value)}
          required
        />
        <select aria-label="Permission" value={level} onChange={(e) => setLevel(e.target.value as RoleGrantLevel)}>
          {ROLE_GRANT_LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <button type="submit" disabled={action.busy}>
          Add grant
        </button>
      </form>
      <h3>Held by</h3>
      <ul className="chips" aria-label={`Holders of ${role.name}`}>
        {holders.map((holder) => (
          <li key={assigneeKey(holder)}>
            {holder.kind === 'group' ? `group ${holder.name}` : holder.name}
            <button type="button" aria-label={`Unassign ${role.name} from ${holder.kind} ${holder.name}`} disabled={action.busy} onClick={() => change(() => unassignRole(role.id, holder))}>
              ×
            </button>
          </li>
        ))}
        {holders.length === 0 ? <li className="muted none">no one</li> : null}
      </ul>
      <form className="inline-form" onSubmit={(e) => (e.preventDefault(), change(() => assignRole(role.id, parseAssignee(assignee)).then(() => setAssignee(''))))}>
        <select aria-label={`Assign ${role.name} to`} value={assignee} onChange={(e) => setAssignee(e.target.value)} required>
          <option value="">Choose a user or group…</option>
          <optgroup label="Users">
            {data.users.filter((u) => !held.has(`user:${u.username}`)).map((u) => (
              <option key={u.id} value={`user:${u.username}`}>
                {u.username}
              </option>
            ))}
          </optgroup>
          <optgroup label="Groups">
            {data.groups.filter((g) => !held.has(`group:${g.name}`)).map((g) => (
              <option key={g.id} value={`group:${g.name}`}>
                {g.name}
              </option>
            ))}
          </optgroup>
        </select>
        <button type="submit" disabled={action.busy}>
          Assign
        </button>
      </form>
      <ActionError error={action.error} />
    </article>
  )
}
