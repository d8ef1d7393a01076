import type { z } from 'zod'
import type { RoutePermission } from './permission.ts'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * One MLflow RPC as it appears on the wire. The server registers it under `/api/<version><path>` and
 * `/ajax-api/<version><path>`; the SDK builds its URLs from the same entry. `{name}` segments in the
 * path are merged into the request object before validation.
 */
export interface RouteDef<S extends z.ZodObject = z.ZodObject> {
  readonly methods: readonly HttpMethod[]
  readonly path: string
  readonly request: S
  /** API version of the prefix, `2.0` unless MLflow introduced the route under `3.0`. */
  readonly version?: '2.0' | '3.0'
  /** Served only under `/ajax-api/` (MLflow registers a few UI helpers that way). */
  readonly ajaxOnly?: boolean
  /** Served at the path itself, outside `/api` and `/ajax-api` (MLflow's UI download routes). */
  readonly unprefixed?: boolean
  /** The success status when it is not 200 (201 Created; 204 No Content, sent without a body). */
  readonly status?: 201 | 204
  /** Request body limit in bytes; defaults to MAX_JSON_BODY_BYTES. */
  readonly maxBodyBytes?: number
  /**
   * What the caller needs when authentication is on. Optional in the type so that tables merge
   * easily, but a route without one is served to admins only, and a test fails on it.
   */
  readonly permission?: RoutePermission
}

/** What a client needs of a route to call it: where it is and how, not its schema. */
export type RouteAddress = Pick<RouteDef, 'methods' | 'path' | 'version' | 'ajaxOnly'>

export const route = <S extends z.ZodObject>(def: RouteDef<S>): RouteDef<S> => def

/** The typed request a route's handler receives. */
export type RequestOf<R> = R extends RouteDef<infer S> ? z.output<S> : never
