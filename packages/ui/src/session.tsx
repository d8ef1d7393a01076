import { createContext, useContext, useEffect, useState } from 'react'
import type { ReactNode } from 'react'

// Who is signed in to the UI. With access control on (`orchard server --app-name basic-auth`) the
// server answers /auth/config with the sign-in methods and the session's user; without it that path
// is not served and the UI runs as before (no user menu, no permissions tabs).

export interface SessionUser {
  readonly username: string
  readonly isAdmin: boolean
}

export interface SignInConfig {
  /** Access control is on: the server has a sign-in page. */
  readonly enabled: boolean
  readonly oidc: boolean
  readonly user?: SessionUser
  /** True until the server has answered /auth/config (pages wait rather than say access control is off). */
  readonly loading?: boolean
}

const OFF: SignInConfig = { enabled: false, oidc: false }
const LOADING: SignInConfig = { ...OFF, loading: true }

export async function loadSignInConfig(): Promise<SignInConfig> {
  const response = await fetch('/auth/config', { headers: { accept: 'application/json' } })
  if (!response.ok) return OFF
  const body = (await response.json()) as { oidc?: boolean; user?: { username: string; is_admin: boolean } }
  return { enabled: true, oidc: body.oidc === true, ...(body.user ? { user: { username: body.user.username, isAdmin: body.user.is_admin } } : {}) }
}

const SessionContext = createContext<SignInConfig>(OFF)

export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [config, setConfig] = useState<SignInConfig>(LOADING)
  useEffect(() => {
    void loadSignInConfig().then(setConfig, () => setConfig(OFF))
  }, [])
  return <SessionContext.Provider value={config}>{children}</SessionContext.Provider>
}

export const useSession = (): SignInConfig => useContext(SessionContext)

/** The sign-in page for this page, so that signing in comes back here. */
export const signInUrl = (): string => `/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`

/** Ends the session; after a single sign-on, at the identity provider too when the server names where. */
export async function signOut(): Promise<void> {
  const response = await fetch('/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  const body = (await response.json().catch(() => ({}))) as { logout_url?: unknown }
  window.location.assign(typeof body.logout_url === 'string' && /^https?:\/\//.test(body.logout_url) ? body.logout_url : '/login')
}

/**
 * A session that ends while the page is open (expired, signed out elsewhere) makes the next API call
 * answer 401: the page then goes to the sign-in page instead of showing the error in place.
 */
export function redirectWhenSignedOut(): void {
  const original = window.fetch.bind(window)
  window.fetch = async (input, init) => {
    const response = await original(input, init)
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const path = new URL(url, window.location.href)
    if (response.status === 401 && path.origin === window.location.origin && !path.pathname.startsWith('/auth/') && window.location.pathname !== '/login') {
      window.location.assign(signInUrl())
    }
    return response
  }
}
