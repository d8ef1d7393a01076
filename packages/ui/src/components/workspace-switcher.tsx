import { useEffect, useState } from 'react'
import { trackingRouteAddresses, workspaceRouteAddresses } from '@orchard/protocol/base'
import { callRoute } from '../api.ts'
import { currentWorkspace, switchWorkspace } from '../workspace.ts'

/**
 * The header's workspace picker, shown only when server-info says the server runs with workspaces.
 * A server without server-info (or without workspaces) shows nothing.
 */
export function WorkspaceSwitcher() {
  const [names, setNames] = useState<readonly string[] | undefined>()
  useEffect(() => {
    let live = true
    void (async () => {
      try {
        const info = await callRoute(trackingRouteAddresses.getServerInfo, {})
        if (info.workspaces_enabled !== true) return
        const listed = await callRoute(workspaceRouteAddresses.listWorkspaces, {})
        const workspaces = Array.isArray(listed.workspaces) ? (listed.workspaces as { name?: unknown }[]) : []
        const found = workspaces.map((w) => w.name).filter((name): name is string => typeof name === 'string')
        if (live) setNames(found.includes(currentWorkspace) ? found : [...found, currentWorkspace])
      } catch {
        // No switcher when the server cannot say; the rest of the page reports its own errors.
      }
    })()
    return () => {
      live = false
    }
  }, [])
  if (!names) return null
  return (
    <label className="workspace-switcher">
      <span>Workspace</span>
      <select aria-label="Workspace" value={currentWorkspace} onChange={(event) => switchWorkspace(event.target.value)}>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  )
}
