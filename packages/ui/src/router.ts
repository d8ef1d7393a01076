import { useCallback, useEffect, useState } from 'react'
import { parseRoute, routePath } from './lib/routes.ts'
import type { Route } from './lib/routes.ts'

const current = () => parseRoute(window.location.pathname, window.location.search)

export type Navigate = (route: Route, options?: { readonly replace?: boolean }) => void

/** The route in the address bar, and a way to change it (history routing; back and forward work). */
export function useRoute(): [Route, Navigate] {
  const [route, setRoute] = useState<Route>(current)
  useEffect(() => {
    const onPop = () => setRoute(current())
    window.addEventListener('popstate', onPop)
    return () => window.removeEventListener('popstate', onPop)
  }, [])
  const navigate = useCallback<Navigate>((next, options) => {
    const path = routePath(next)
    if (options?.replace) window.history.replaceState(null, '', path)
    else if (path !== window.location.pathname + window.location.search) window.history.pushState(null, '', path)
    setRoute(current())
  }, [])
  return [route, navigate]
}

/** Props for an <a> that navigates in the app yet still opens in a new tab on ctrl/middle click. */
export function linkProps(route: Route, navigate: Navigate) {
  return {
    href: routePath(route),
    onClick: (event: { button: number; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; altKey: boolean; preventDefault(): void }) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
      event.preventDefault()
      navigate(route)
    },
  }
}
