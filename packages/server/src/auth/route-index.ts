import { tryDecodeURIComponent } from 'hono/utils/url'
import * as protocol from '@orchard/protocol'
import type { RouteDef } from '@orchard/protocol'

/** A route as the access-control middleware sees it: a method, a path pattern and its definition. */
export interface IndexedRoute {
  readonly name: string
  readonly method: string
  readonly pattern: RegExp
  /** Names of the `{…}` segments, in order; `artifact_path` spans several segments. */
  readonly params: readonly string[]
  readonly def: RouteDef
}

export interface RouteMatch {
  readonly route: IndexedRoute
  readonly params: Readonly<Record<string, string>>
}

const isRouteDef = (value: unknown): value is RouteDef =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as RouteDef).methods) &&
  typeof (value as RouteDef).path === 'string' &&
  typeof (value as RouteDef).request === 'object'

/**
 * Every route the protocol package exports: each table (an object of RouteDefs) and each lone
 * RouteDef. Found by shape, so a table another change adds to the protocol's index is guarded (and
 * checked by the route-permission test) without anyone listing it here.
 */
export function protocolRoutes(namespace: Record<string, unknown> = protocol): [string, RouteDef][] {
  const found: [string, RouteDef][] = []
  for (const [exportName, value] of Object.entries(namespace)) {
    if (isRouteDef(value)) found.push([exportName, value])
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const entries = Object.entries(value)
      if (entries.length && entries.every(([, v]) => isRouteDef(v))) found.push(...(entries as [string, RouteDef][]))
    }
  }
  // The same definition may be exported twice (a table and its spread into a larger one).
  const seen = new Set<RouteDef>()
  return found.filter(([, def]) => (seen.has(def) ? false : (seen.add(def), true)))
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&')

function compile(prefix: string, path: string): { pattern: RegExp; params: string[] } {
  const params: string[] = []
  const source = path
    .split(/(\{\w+\})/)
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part)?.[1]
      if (!param) return escapeRegExp(part)
      params.push(param)
      // The artifact proxy's path spans segments (Flask's <path:…>); other parameters are one segment.
      return param === 'artifact_path' ? '(.*)' : '([^/]+)'
    })
    .join('')
  return { pattern: new RegExp(`^${escapeRegExp(prefix)}${source}$`), params }
}

/** Prefixes a route is served under, as defineRoutes and the artifact service register it. */
function prefixesOf(def: RouteDef): string[] {
  if (def.unprefixed) return ['']
  const version = def.version ?? '2.0'
  return def.ajaxOnly ? [`/ajax-api/${version}`] : [`/api/${version}`, `/ajax-api/${version}`]
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({})

export class RouteIndex {
  /** Routes without `{…}` segments, by method then path: one map lookup for most requests. */
  private readonly literal = new Map<string, Map<string, IndexedRoute>>()
  private readonly patterns: IndexedRoute[] = []

  constructor(entries: readonly [string, RouteDef][] = protocolRoutes()) {
    for (const [name, def] of entries) {
      for (const prefix of prefixesOf(def)) {
        const { pattern, params } = compile(prefix, def.path)
        for (const method of def.methods) {
          const route = { name, method, pattern, params, def }
          if (params.length > 0) this.patterns.push(route)
          else {
            let byPath = this.literal.get(method)
            if (!byPath) this.literal.set(method, (byPath = new Map()))
            byPath.set(`${prefix}${def.path}`, route)
          }
        }
      }
    }
  }

  /**
   * `path` as Hono routes on it (`c.req.path`: percent-decoded except `%25`); parameters are then
   * decoded as Hono's `c.req.param()` decodes them, so the check reads the ids the handler reads.
   */
  match(method: string, path: string): RouteMatch | undefined {
    const wanted = method === 'HEAD' ? 'GET' : method
    // Literal paths first: `/mlflow/logged-models/search` is not a model id.
    const literal = this.literal.get(wanted)?.get(path)
    if (literal) return { route: literal, params: NO_PARAMS }
    for (const route of this.patterns) {
      if (route.method !== wanted) continue
      const found = route.pattern.exec(path)
      if (!found) continue
      const params: Record<string, string> = {}
      route.params.forEach((name, i) => {
        params[name] = tryDecodeURIComponent(found[i + 1] ?? '')
      })
      return { route, params }
    }
    return undefined
  }
}
