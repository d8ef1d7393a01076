import { useEffect, useState } from 'react'
import type { FormEvent } from 'react'
import { loadSignInConfig } from '../session.tsx'
import type { SignInConfig } from '../session.tsx'

// /login: the password form and, when the server has --oidc-issuer, a button for single sign-on. The
// server sends every signed-out page here with ?next=<the page>, and returns there after sign-in.

/** A path on this site to return to; anything else (another origin, `//host`) goes home. */
function nextPage(): string {
  const next = new URLSearchParams(window.location.search).get('next') ?? '/'
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/'
}

export function LoginPage() {
  const [config, setConfig] = useState<SignInConfig>()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  useEffect(() => {
    document.title = 'Sign in · Orchard'
    void loadSignInConfig().then((loaded) => {
      // Already signed in (a bookmarked /login): go on.
      if (loaded.user) window.location.replace(nextPage())
      else setConfig(loaded)
    })
  }, [])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const response = await fetch('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      })
      if (response.ok) {
        window.location.assign(nextPage())
        return
      }
      const body = (await response.json().catch(() => ({}))) as { message?: string }
      setError(body.message ?? `HTTP ${response.status}`)
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure))
    }
    setBusy(false)
  }

  return (
    <main className="login-page" id="main">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Orchard</h1>
        {config?.oidc ? (
          <>
            <a className="button primary sso" href={`/auth/oidc/login?next=${encodeURIComponent(nextPage())}`}>
              Sign in with single sign-on
            </a>
            <p className="login-or muted">or with a password</p>
          </>
        ) : null}
        <label className="stacked">
          User name
          <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
        </label>
        <label className="stacked">
          Password
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error ? (
          <div className="status error" role="alert">
            {error}
          </div>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  )
}
