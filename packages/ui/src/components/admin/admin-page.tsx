import { useCallback, useEffect, useState } from 'react'
import { errorMessage } from '../../api.ts'
import type { AdminTab } from '../../lib/routes.ts'
import { linkProps } from '../../router.ts'
import type { Navigate } from '../../router.ts'
import { useSession } from '../../session.tsx'
import { ErrorBox, Loading } from '../status.tsx'
import { loadAdminData } from './admin-data.ts'
import type { AdminData } from './admin-data.ts'
import { GroupsTab } from './groups-tab.tsx'
import { RolesTab } from './roles-tab.tsx'
import { UsersTab } from './users-tab.tsx'
import { WorkspacesTab } from './workspaces-tab.tsx'

// The admin page (/admin): users, groups, roles with their grants and assignments, and workspaces,
// over the server's admin-only endpoints. Reached from the user menu, which offers it to admins only;
// anyone else opening the URL is told it is for admins (the server would refuse every call anyway).

const TABS: readonly { readonly id: AdminTab; readonly label: string }[] = [
  { id: 'users', label: 'Users' },
  { id: 'groups', label: 'Groups' },
  { id: 'roles', label: 'Roles' },
  { id: 'workspaces', label: 'Workspaces' },
]

type State = { readonly status: 'loading' } | { readonly status: 'error'; readonly message: string } | { readonly status: 'ready'; readonly value: AdminData }

export function AdminPage({ tab, navigate }: { readonly tab: AdminTab; readonly navigate: Navigate }) {
  const session = useSession()
  const isAdmin = session.user?.isAdmin === true
  const [state, setState] = useState<State>({ status: 'loading' })
  const reload = useCallback(async () => {
    try {
      setState({ status: 'ready', value: await loadAdminData() })
    } catch (failure) {
      setState({ status: 'error', message: errorMessage(failure) })
    }
  }, [])
  useEffect(() => {
    if (isAdmin) void reload()
  }, [isAdmin, reload])

  if (session.loading) return <Loading what="your session" />
  if (!session.enabled) {
    return (
      <section className="admin-page" aria-label="Admin">
        <h1>Admin</h1>
        <p className="muted">Access control is off on this server (start it with --app-name basic-auth): there are no users, groups or roles to manage.</p>
      </section>
    )
  }
  if (!isAdmin) {
    return (
      <section className="admin-page" aria-label="Admin">
        <h1>Admin</h1>
        <div className="status error" role="alert">
          Admins only: {session.user ? `${session.user.username} is not an admin` : 'you are not signed in'}. Ask an admin to manage users, groups, roles and workspaces.
        </div>
        <p>
          <a {...linkProps({ page: 'home' }, navigate)}>Go to the experiments</a>
        </p>
      </section>
    )
  }

  const tabs = TABS.filter((t) => t.id !== 'workspaces' || (state.status === 'ready' && state.value.workspaces !== undefined))
  const shown = tabs.some((t) => t.id === tab) ? tab : 'users'
  return (
    <section className="admin-page" aria-label="Admin">
      <header className="page-head">
        <h1>Admin</h1>
      </header>
      <nav
        className="tabs"
        role="tablist"
        aria-label="Admin sections"
        onKeyDown={(event) => {
          // ARIA's tab pattern, as on the run page: arrows move between tabs, Home and End to the ends.
          const at = tabs.findIndex((t) => t.id === shown)
          const next = event.key === 'ArrowRight' ? at + 1 : event.key === 'ArrowLeft' ? at - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? tabs.length - 1 : undefined
          if (next === undefined) return
          event.preventDefault()
          const target = tabs[(next + tabs.length) % tabs.length]!
          navigate({ page: 'admin', tab: target.id }, { replace: true })
          requestAnimationFrame(() => document.querySelector<HTMLElement>(`.admin-page .tabs [data-tab="${target.id}"]`)?.focus())
        }}
      >
        {tabs.map((t) => (
          <a key={t.id} role="tab" data-tab={t.id} tabIndex={t.id === shown ? 0 : -1} aria-selected={t.id === shown} className={t.id === shown ? 'active' : ''} {...linkProps({ page: 'admin', tab: t.id }, navigate)}>
            {t.label}
            {state.status === 'ready' ? <span className="badge">{count(state.value, t.id)}</span> : null}
          </a>
        ))}
      </nav>
      {state.status === 'loading' ? <Loading what="users, groups and roles" /> : null}
      {state.status === 'error' ? <ErrorBox title="Could not load the admin data" message={state.message} /> : null}
      {state.status === 'ready' ? (
        <div role="tabpanel" aria-label={tabs.find((t) => t.id === shown)?.label}>
          {shown === 'users' ? <UsersTab data={state.value} me={session.user?.username ?? ''} onChanged={reload} /> : null}
          {shown === 'groups' ? <GroupsTab data={state.value} onChanged={reload} /> : null}
          {shown === 'roles' ? <RolesTab data={state.value} onChanged={reload} /> : null}
          {shown === 'workspaces' && state.value.workspaces ? <WorkspacesTab workspaces={state.value.workspaces} onChanged={reload} /> : null}
        </div>
      ) : null}
    </section>
  )
}

function count(data: AdminData, tab: AdminTab): number {
  if (tab === 'users') return data.users.length
  if (tab === 'groups') return data.groups.length
  if (tab === 'roles') return data.roles.length
  return data.workspaces?.length ?? 0
}
