import { useState } from 'react'
import { addGroupMember, assignRole, createGroup, deleteGroup, removeGroupMember, unassignRole } from '../../admin-api.ts'
import type { Group } from '../../admin-api.ts'
import { useAction } from '../../use-action.ts'
import { ConfirmDialog } from '../confirm-dialog.tsx'
import { ActionError } from './action-error.tsx'
import { CreateForm } from './create-form.tsx'
import type { AdminData } from './admin-data.ts'
import { roleLabel } from './roles-tab.tsx'

// Groups (Orchard's): create, delete (confirmed), add and remove members, and the roles the group
// holds (each member holds them too).

interface Props {
  readonly data: AdminData
  readonly onChanged: () => Promise<void>
}

export function GroupsTab({ data, onChanged }: Props) {
  const [deleting, setDeleting] = useState<Group>()
  return (
    <>
      <CreateGroupForm onChanged={onChanged} />
      {data.groups.length === 0 ? <p className="muted">No groups yet.</p> : null}
      <div className="admin-cards">
        {data.groups.map((group) => (
          <GroupCard key={group.id} group={group} data={data} onDelete={() => setDeleting(group)} onChanged={onChanged} />
        ))}
      </div>
      {deleting ? (
        <ConfirmDialog title={`Delete group ${deleting.name}?`} confirmLabel="Delete group" onConfirm={() => deleteGroup(deleting.name).then(onChanged)} onClose={() => setDeleting(undefined)}>
          <p>Its {deleting.members.length} members lose the roles they held through it. The users themselves stay.</p>
        </ConfirmDialog>
      ) : null}
    </>
  )
}

function CreateGroupForm({ onChanged }: { readonly onChanged: () => Promise<void> }) {
  return (
    <CreateForm
      label="Create a group"
      fields={[
        { name: 'name', label: 'Group name', required: true },
        { name: 'description', label: 'Description' },
      ]}
      submitLabel="Create group"
      create={(v) => createGroup(v.name ?? '', v.description ?? '')}
      onChanged={onChanged}
    />
  )
}

interface CardProps {
  readonly group: Group
  readonly data: AdminData
  readonly onDelete: () => void
  readonly onChanged: () => Promise<void>
}

function GroupCard({ group, data, onDelete, onChanged }: CardProps) {
  const action = useAction()
  const [member, setMember] = useState('')
  const [roleId, setRoleId] = useState('')
  const outside = data.users.filter((u) => !group.members.includes(u.username))
  const unheld = data.roles.filter((r) => !group.role_ids.includes(r.id))
  const change = (work: () => Promise<unknown>) => void action.run(work).then((done) => (done ? onChanged() : undefined))
  return (
    <article className="admin-card" aria-label={`Group ${group.name}`} data-group={group.name}>
      <header>
        <h2>{group.name}</h2>
        {group.description ? <span className="muted">{group.description}</span> : null}
        <button type="button" className="danger" onClick={onDelete} aria-label={`Delete group ${group.name}`}>
          Delete
        </button>
      </header>
      <h3>Members</h3>
      <ul className="chips" aria-label={`Members of ${group.name}`}>
        {group.members.map((username) => (
          <li key={username}>
            {username}
            <button type="button" aria-label={`Remove ${username} from ${group.name}`} disabled={action.busy} onClick={() => change(() => removeGroupMember(group.name, username))}>
              ×
            </button>
          </li>
        ))}
        {group.members.length === 0 ? <li className="muted none">no members</li> : null}
      </ul>
      <form className="inline-form" onSubmit={(e) => (e.preventDefault(), change(() => addGroupMember(group.name, member).then(() => setMember(''))))}>
        <select aria-label={`User to add to ${group.name}`} value={member} onChange={(e) => setMember(e.target.value)} required>
          <option value="">Choose a user…</option>
          {outside.map((u) => (
            <option key={u.id} value={u.username}>
              {u.username}
            </option>
          ))}
        </select>
        <button type="submit" disabled={action.busy}>
          Add member
        </button>
      </form>
      <h3>Roles</h3>
      <ul className="chips" aria-label={`Roles of ${group.name}`}>
        {group.role_ids.map((id) => (
          <li key={id}>
            {roleLabel(data.roles, id)}
            <button type="button" aria-label={`Unassign ${roleLabel(data.roles, id)} from ${group.name}`} disabled={action.busy} onClick={() => change(() => unassignRole(id, { kind: 'group', name: group.name }))}>
              ×
            </button>
          </li>
        ))}
        {group.role_ids.length === 0 ? <li className="muted none">no roles</li> : null}
      </ul>
      <form className="inline-form" onSubmit={(e) => (e.preventDefault(), change(() => assignRole(Number(roleId), { kind: 'group', name: group.name }).then(() => setRoleId(''))))}>
        <select aria-label={`Role to assign to ${group.name}`} value={roleId} onChange={(e) => setRoleId(e.target.value)} required>
          <option value="">Choose a role…</option>
          {unheld.map((r) => (
            <option key={r.id} value={r.id}>
              {roleLabel(data.roles, r.id)}
            </option>
          ))}
        </select>
        <button type="submit" disabled={action.busy}>
          Assign role
        </button>
      </form>
      <ActionError error={action.error} />
    </article>
  )
}
