import { useCallback, useEffect, useState } from 'react'
import type { FormEvent } from 'react'
import { GRANT_LEVELS, createGrant, deleteGrant, listGrants, updateGrant } from '../access-api.ts'
import type { GrantTarget, PermissionLevel } from '../access-api.ts'
import { errorMessage } from '../api.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { useSession } from '../session.tsx'

// The permissions tab of an experiment or a registered model: every user's grant, and granting,
// changing and revoking through MLflow's experiments/permissions and registered-models/permissions
// endpoints. The server lets admins and users with MANAGE on the resource do this; others see its
// refusal. Users without a grant hold the server's default permission (--auth-default-permission).

interface Props {
  readonly target: GrantTarget
  /** The experiment's name, when known (the heading). */
  readonly title: string
  readonly navigate: Navigate
}

type Grants = { readonly status: 'loading' } | { readonly status: 'error'; readonly message: string } | { readonly status: 'ready'; readonly value: readonly { username: string; permission: string }[] }

export function PermissionsPage({ target, title, navigate }: Props) {
  const session = useSession()
  const [grants, setGrants] = useState<Grants>({ status: 'loading' })
  const [error, setError] = useState<string>()
  const [username, setUsername] = useState('')
  const [level, setLevel] = useState<PermissionLevel>('READ')
  const [busy, setBusy] = useState(false)
  const targetKey = target.kind === 'experiment' ? `e:${target.experimentId}` : `m:${target.name}`

  const reload = useCallback(
    () => listGrants(target).then((value) => setGrants({ status: 'ready', value }), (failure: unknown) => setGrants({ status: 'error', message: errorMessage(failure) })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [targetKey],
  )
  useEffect(() => {
    void reload()
  }, [reload])

  const act = async (action: () => Promise<void>) => {
    setBusy(true)
    setError(undefined)
    try {
      await action()
      await reload()
    } catch (failure) {
      setError(errorMessage(failure))
    }
    setBusy(false)
  }

  const grant = (event: FormEvent) => {
    event.preventDefault()
    const name = username.trim()
    void act(async () => {
      await createGrant(target, name, level)
      setUsername('')
    })
  }

  const back = target.kind === 'experiment' ? linkProps({ page: 'runs', experimentIds: [target.experimentId], filter: '', order: '', columns: undefined, showDeleted: false }, navigate) : linkProps({ page: 'model', name: target.name }, navigate)

  return (
    <section className="permissions-page" aria-label="Permissions">
      <nav className="crumbs">
        <a {...back}>{title}</a> ›
      </nav>
      <header className="page-head">
        <h1>Permissions</h1>
      </header>
      {!session.enabled && !session.loading ? (
        <p className="muted">Access control is off on this server (start it with --app-name basic-auth): everyone may do everything.</p>
      ) : null}
      {grants.status === 'error' ? (
        <div className="status error" role="alert">
          {grants.message}
        </div>
      ) : null}
      {grants.status === 'loading' ? <p className="muted">Loading…</p> : null}
      {grants.status === 'ready' ? (
        <>
          <table className="data" aria-label="Grants">
            <thead>
              <tr>
                <th>User</th>
                <th>Permission</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {grants.value.map((row) => (
                <tr key={row.username} data-user={row.username}>
                  <td>{row.username}</td>
                  <td>
                    <select
                      aria-label={`Permission of ${row.username}`}
                      value={row.permission}
                      disabled={busy}
                      onChange={(e) => void act(() => updateGrant(target, row.username, e.target.value as PermissionLevel))}
                    >
                      {GRANT_LEVELS.map((l) => (
                        <option key={l} value={l}>
                          {l}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="actions">
                    <button type="button" className="danger" disabled={busy} onClick={() => void act(() => deleteGrant(target, row.username))} aria-label={`Revoke ${row.username}`}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {grants.value.length === 0 ? <p className="muted">No one has a grant here; users hold the server&apos;s default permission.</p> : null}
          <form className="grant-form" onSubmit={grant} aria-label="Grant a permission">
            <label className="stacked">
              User name
              <input value={username} onChange={(e) => setUsername(e.target.value)} required />
            </label>
            <label className="stacked">
              Permission
              <select value={level} onChange={(e) => setLevel(e.target.value as PermissionLevel)}>
                {GRANT_LEVELS.map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="primary" disabled={busy}>
              Grant
            </button>
          </form>
        </>
      ) : null}
      {error ? (
        <div className="status error" role="alert">
          {error}
        </div>
      ) : null}
    </section>
  )
}

/** The link to a resource's permissions tab: shown to admins, and to users the server lets list its grants (MANAGE). */
export function PermissionsLink({ target, navigate }: { readonly target: GrantTarget; readonly navigate: Navigate }) {
  const session = useSession()
  const [allowed, setAllowed] = useState(false)
  const targetKey = target.kind === 'experiment' ? `e:${target.experimentId}` : `m:${target.name}`
  useEffect(() => {
    setAllowed(false)
    if (!session.user) return
    if (session.user.isAdmin) {
      setAllowed(true)
      return
    }
    let live = true
    void listGrants(target).then(() => live && setAllowed(true), () => undefined)
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session.user, targetKey])
  if (!allowed) return null
  const route = target.kind === 'experiment' ? { page: 'experiment-permissions' as const, experimentId: target.experimentId } : { page: 'model-permissions' as const, name: target.name }
  return (
    <a className="button permissions-link" {...linkProps(route, navigate)}>
      Permissions
    </a>
  )
}
