import { DEFAULT_WORKSPACE_NAME, WORKSPACE_HEADER } from '@orchard/protocol/base'

// The workspace the UI works in (a server started with --enable-workspaces), kept per browser.
// Every API call of this page load sends it; switching reloads the page, because experiment and run
// ids of one workspace mean nothing in another.
const STORAGE_KEY = 'orchard.workspace'

function stored(): string | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : (localStorage.getItem(STORAGE_KEY) ?? undefined)
  } catch {
    return undefined
  }
}

/** The workspace this page load talks to; `default` when none was chosen. */
export const currentWorkspace: string = stored() ?? DEFAULT_WORKSPACE_NAME

/** The header that carries it, or nothing for `default` (what the server assumes without one). */
export const workspaceHeaders: Readonly<Record<string, string>> =
  currentWorkspace === DEFAULT_WORKSPACE_NAME ? {} : { [WORKSPACE_HEADER]: currentWorkspace }

/** Work in `name` from now on: remembered, and the page starts over at the experiments list. */
export function switchWorkspace(name: string): void {
  if (name === DEFAULT_WORKSPACE_NAME) localStorage.removeItem(STORAGE_KEY)
  else localStorage.setItem(STORAGE_KEY, name)
  window.location.assign('/')
}
