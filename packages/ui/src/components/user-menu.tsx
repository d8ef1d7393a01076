import { useEffect, useRef, useState } from 'react'
import type { FormEvent } from 'react'
import { createToken, listTokens, revokeToken } from '../access-api.ts'
import type { AccessToken } from '../access-api.ts'
import { errorMessage } from '../api.ts'
import { formatTime } from '../lib/format.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'
import { signOut, useSession } from '../session.tsx'

// The signed-in user's menu in the top bar: who you are, your personal access tokens (for the SDK,
// the CLI and MLflow's clients: MLFLOW_TRACKING_TOKEN), the admin page (admins only), and signing
// out. Absent when access control is off.

export function UserMenu({ navigate }: { readonly navigate: Navigate }) {
  const session = useSession()
  const [open, setOpen] = useState(false)
  const [tokensOpen, setTokensOpen] = useState(false)
  const menu = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const close = (event: MouseEvent) => {
      if (!menu.current?.contains(event.target as Node)) setOpen(false)
    }
    const escape = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false)
    document.addEventListener('mousedown', close)
    document.addEventListener('keydown', escape)
    return () => {
      document.removeEventListener('mousedown', close)
      document.removeEventListener('keydown', escape)
    }
  }, [open])
  if (!session.user) return null
  return (
    <div className="user-menu" ref={menu}>
      <button type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={`Account: ${session.user.username}`}>
        {session.user.username}
        {session.user.isAdmin ? <span className="badge">admin</span> : null} ▾
      </button>
      {open ? (
        <div role="menu" className="menu-popup">
          <button type="button" role="menuitem" onClick={() => (setOpen(false), setTokensOpen(true))}>
            Access tokens
          </button>
          {session.user.isAdmin ? (
            <a role="menuitem" {...linkProps({ page: 'admin', tab: 'users' }, (route) => (setOpen(false), navigate(route)))}>
              Admin: users, groups, roles
            </a>
          ) : null}
          <button type="button" role="menuitem" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      ) : null}
      {tokensOpen ? <TokensDialog onClose={() => setTokensOpen(false)} /> : null}
    </div>
  )
}

function TokensDialog({ onClose }: { readonly onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null)
  const [tokens, setTokens] = useState<AccessToken[]>()
  const [error, setError] = useState<string>()
  const [name, setName] = useState('')
  const [days, setDays] = useState('90')
  const [created, setCreated] = useState<{ name: string; secret: string }>()
  const [busy, setBusy] = useState(false)

  const reload = () => listTokens().then(setTokens, (failure: unknown) => setError(errorMessage(failure)))
  useEffect(() => {
    const element = dialog.current
    if (element && !element.open) element.showModal()
    void reload()
    return () => element?.close()
  }, [])

  const create = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const { token, info } = await createToken(name.trim(), days ? Number(days) : undefined)
      setCreated({ name: info.name, secret: token })
      setName('')
      await reload()
    } catch (failure) {
      setError(errorMessage(failure))
    }
    setBusy(false)
  }

  const revoke = async (tokenId: string) => {
    setError(undefined)
    try {
      await revokeToken(tokenId)
      await reload()
    } catch (failure) {
      setError(errorMessage(failure))
    }
  }

  return (
    <dialog ref={dialog} className="confirm tokens-dialog" aria-labelledby="tokens-title" onCancel={(e) => (e.preventDefault(), onClose())}>
      <h2 id="tokens-title">Access tokens</h2>
      <p className="muted">
        For the SDK, the CLI and MLflow&apos;s clients: set <code>MLFLOW_TRACKING_TOKEN</code>, or send it as the password.
      </p>
      {created ? (
        <div className="status new-token" role="status">
          <p>
            Token <strong>{created.name || 'unnamed'}</strong> created. Copy it now: it is not shown again.
          </p>
          <input readOnly aria-label="New token" value={created.secret} onFocus={(e) => e.currentTarget.select()} />
        </div>
      ) : null}
      <form className="token-form" onSubmit={create}>
        <label className="stacked">
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={256} placeholder="laptop, CI…" />
        </label>
        <label className="stacked">
          Expires after (days; empty for never)
          <input type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Create token
        </button>
      </form>
      {error ? (
        <div className="status error" role="alert">
          {error}
        </div>
      ) : null}
      <table aria-label="Your access tokens" className="tokens-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Created</th>
            <th>Expires</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens?.map((token) => (
            <tr key={token.token_id} data-token={token.token_id}>
              <td>{token.name || 'unnamed'}</td>
              <td>{formatTime(token.creation_timestamp)}</td>
              <td>{token.expiration_timestamp ? formatTime(token.expiration_timestamp) : 'never'}</td>
              <td>{token.last_used_timestamp ? formatTime(token.last_used_timestamp) : '—'}</td>
              <td>
                {token.revoked_timestamp ? (
                  <span className="muted">revoked</span>
                ) : (
                  <button type="button" className="danger" onClick={() => void revoke(token.token_id)} aria-label={`Revoke ${token.name || 'unnamed'}`}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tokens?.length === 0 ? <p className="muted">No tokens yet.</p> : null}
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </dialog>
  )
}
