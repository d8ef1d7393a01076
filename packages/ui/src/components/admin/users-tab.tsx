import { useState } from 'react'
import { createUser, deleteUser, resetPassword, setAdmin } from '../../admin-api.ts'
import type { AdminUser } from '../../admin-api.ts'
import { useAction } from '../../use-action.ts'
import { ConfirmDialog } from '../confirm-dialog.tsx'
import { ActionError } from './action-error.tsx'
import { CreateForm } from './create-form.tsx'
import type { AdminData } from './admin-data.ts'

// Users: create one, make or unmake admins, set a new password, delete (confirmed). The server keeps
// at least one admin and says so when asked to demote or delete the last.

interface Props {
  readonly data: AdminData
  /** The signed-in admin, marked in the list. */
  readonly me: string
  readonly onChanged: () => Promise<void>
}

export function UsersTab({ data, me, onChanged }: Props) {
  const [deleting, setDeleting] = useState<AdminUser>()
  const [resetting, setResetting] = useState<AdminUser>()
  const [newPassword, setNewPassword] = useState('')
  const toggle = useAction()
  return (
    <>
      <CreateUserForm onChanged={onChanged} />
      <ActionError error={toggle.error} />
      <table className="data admin-table" aria-label="Users">
        <thead>
          <tr>
            <th>User</th>
            <th>Admin</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {data.users.map((user) => (
            <tr key={user.id} data-user={user.username}>
              <td>
                {user.username}
                {user.username === me ? <span className="badge">you</span> : null}
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Admin: ${user.username}`}
                  checked={user.isAdmin}
                  disabled={toggle.busy}
                  onChange={(event) => void toggle.run(() => setAdmin(user.username, event.target.checked)).then(onChanged)}
                />
              </td>
              <td className="actions">
                <button type="button" onClick={() => (setNewPassword(''), setResetting(user))} aria-label={`Reset password of ${user.username}`}>
                  Reset password
                </button>
                <button type="button" className="danger" onClick={() => setDeleting(user)} aria-label={`Delete user ${user.username}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deleting ? (
        <ConfirmDialog title={`Delete user ${deleting.username}?`} confirmLabel="Delete user" onConfirm={() => deleteUser(deleting.username).then(onChanged)} onClose={() => setDeleting(undefined)}>
          <p>Their grants, role assignments, group memberships, access tokens and sessions go with them. Experiments and models they created stay.</p>
        </ConfirmDialog>
      ) : null}
      {resetting ? (
        <ConfirmDialog title={`New password for ${resetting.username}`} confirmLabel="Set password" onConfirm={() => resetPassword(resetting.username, newPassword)} onClose={() => setResetting(undefined)}>
          <label className="stacked">
            New password
            <input type="password" autoComplete="new-password" value={newPassword} onChange={(e) => setNewPassword(e.target.value)} required />
          </label>
          <p className="muted">Their access tokens keep working; revoke them separately if the account was compromised.</p>
        </ConfirmDialog>
      ) : null}
    </>
  )
}

function CreateUserForm({ onChanged }: { readonly onChanged: () => Promise<void> }) {
  return (
    <CreateForm
      label="Create a user"
      fields={[
        { name: 'username', label: 'User name', required: true, autoComplete: 'off' },
        { name: 'password', label: 'Password', type: 'password', required: true, autoComplete: 'new-password' },
      ]}
      submitLabel="Create user"
      create={(v) => createUser(v.username ?? '', v.password ?? '')}
      onChanged={onChanged}
    />
  )
}
