import { OrchardError, RestTransport, isOrchardError } from '@orchard/sdk/rest'
import type { ErrorCode, Experiment, Page, Run } from '@orchard/sdk/rest'
import { HTTP_STATUS, trackingRouteAddresses } from '@orchard/protocol/base'
import type { RouteAddress } from '@orchard/protocol'
import { workspaceHeaders } from './workspace.ts'

// The UI talks to the server it was loaded from. Reads are retried once on a refused connection
// (a restarting server); a person is waiting, so the timeout is short.
const root = typeof window === 'undefined' ? 'http://localhost' : window.location.origin
export const transport = new RestTransport(root, { timeoutMs: 30_000, retry: { maxRetries: 1 }, headers: workspaceHeaders })

/** The message to show for a failed call: the server's own for OrchardErrors. */
export const errorMessage = (error: unknown): string =>
  isOrchardError(error) ? error.message : error instanceof Error ? error.message : String(error)

/** Every page of a search, read until the last or until `limit` items. */
export async function readAll<T>(read: (pageToken: string | undefined) => Promise<Page<T>>, limit = Infinity): Promise<T[]> {
  const items: T[] = []
  let token: string | undefined
  do {
    const page = await read(token)
    items.push(...page.items)
    token = page.nextPageToken
  } while (token && items.length < limit)
  return items
}

export const listExperiments = (showDeleted: boolean): Promise<Experiment[]> =>
  readAll((pageToken) =>
    transport.searchExperiments({ viewType: showDeleted ? 'ALL' : 'ACTIVE_ONLY', maxResults: 1000, ...(pageToken ? { pageToken } : {}) }),
  )

export type { Experiment, Run }

// Calls the SDK's REST client does not offer yet (artifacts/list, Orchard's metric buckets, the
// registry). Their URLs still come from the protocol route table; once
// the SDK has them, these go.
type Fields = Record<string, string | number | boolean | readonly string[] | readonly object[] | undefined>

const ERROR_CODES = new Set(Object.keys(HTTP_STATUS))

/**
 * Calls one route of the protocol table: `{name}` path segments are filled from the fields (the
 * workspace routes' `{workspace_name}`), GET fields go in the query string, others in a JSON body.
 */
export async function callRoute(def: RouteAddress, request: Fields): Promise<Record<string, unknown>> {
  const method = def.methods[0] ?? 'GET'
  const fields: Fields = { ...request }
  const path = def.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = fields[name]
    delete fields[name]
    return encodeURIComponent(String(value ?? ''))
  })
  let url = `${root}/${def.ajaxOnly ? 'ajax-api' : 'api'}/${def.version ?? '2.0'}${path}`
  const init: RequestInit = { method, headers: { accept: 'application/json', ...workspaceHeaders } }
  if (method === 'GET') {
    const query = new URLSearchParams()
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) continue
      for (const item of Array.isArray(value) ? value : [value]) query.append(name, String(item))
    }
    url += `?${query}`
  } else {
    init.headers = { accept: 'application/json', 'content-type': 'application/json', ...workspaceHeaders }
    init.body = JSON.stringify(fields)
  }
  const response = await fetch(url, init)
  const text = await response.text()
  let body: Record<string, unknown> = {}
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {}
  } catch {
    // reported below
  }
  if (!response.ok) {
    const message = typeof body.message === 'string' ? body.message : `HTTP ${response.status} ${response.statusText}`
    const code = typeof body.error_code === 'string' && ERROR_CODES.has(body.error_code) ? (body.error_code as ErrorCode) : 'INTERNAL_ERROR'
    throw new OrchardError(code, message)
  }
  return body
}

export interface ArtifactEntry {
  readonly path: string
  readonly isDir: boolean
  readonly fileSize?: number
}

export async function listArtifacts(runId: string, path?: string): Promise<ArtifactEntry[]> {
  const entries: ArtifactEntry[] = []
  let pageToken: string | undefined
  do {
    const reply = await callRoute(trackingRouteAddresses.listArtifacts, { run_id: runId, path, page_token: pageToken })
    const files = (reply.files as { path: string; is_dir?: boolean; file_size?: number | string }[] | undefined) ?? []
    for (const f of files) entries.push({ path: f.path, isDir: f.is_dir === true, ...(f.file_size !== undefined ? { fileSize: Number(f.file_size) } : {}) })
    pageToken = typeof reply.next_page_token === 'string' && reply.next_page_token ? reply.next_page_token : undefined
  } while (pageToken)
  return entries
}

/** MLflow's UI download route for one file of a run. */
export const artifactDownloadUrl = (runId: string, path: string) =>
  `/get-artifact?${new URLSearchParams({ path, run_uuid: runId })}`

export interface MetricPoint {
  readonly runId: string
  readonly value: number
  readonly timestamp: number
  readonly step: number
  /** For a bucket of points (get-history-buckets): its least and greatest value and how many it holds. */
  readonly min?: number
  readonly max?: number
  /** For a bucket: the mean of its values, NaN left out. */
  readonly mean?: number
  readonly count?: number
}

interface ArtifactHead {
  readonly bytes: Uint8Array
  /** The file is longer than `bytes`: the server answered a Range request with 206. */
  readonly partial: boolean
  readonly totalSize: number
}

/** The first `maxBytes` of a run's file, by a Range request, so a 2 GB log previews in one small read. */
export async function readArtifactHead(runId: string, path: string, maxBytes: number): Promise<ArtifactHead> {
  const response = await fetch(`${root}${artifactDownloadUrl(runId, path)}`, { headers: { range: `bytes=0-${maxBytes - 1}` } })
  if (!response.ok) {
    const text = await response.text()
    let message = `HTTP ${response.status} ${response.statusText}`
    try {
      const body = JSON.parse(text) as { message?: unknown }
      if (typeof body.message === 'string') message = body.message
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(message)
  }
  const bytes = new Uint8Array(await response.arrayBuffer())
  const range = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')
  const totalSize = range ? Number(range[1]) : bytes.length
  return { bytes, partial: response.status === 206 && totalSize > bytes.length, totalSize }
}

interface BucketedHistory {
  /** One point per run and bucket: the bucket's last point, with its min, max and count. */
  readonly points: readonly MetricPoint[]
  readonly xMin: number
  readonly xMax: number
  /** x units (steps, or milliseconds) per bucket; 1 means every logged point is drawn. */
  readonly bucketWidth: number
}

const wireNumber = (value: unknown): number | undefined =>
  value === undefined ? undefined : value === 'NaN' ? Number.NaN : value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : Number(value)

/** Orchard's full-fidelity read: per x-bucket the last value with the bucket's min and max. */
export async function metricHistoryBuckets(
  runIds: readonly string[],
  metricKey: string,
  options: { readonly xAxis: 'step' | 'timestamp'; readonly range?: readonly [number, number]; readonly buckets: number },
): Promise<BucketedHistory> {
  const reply = await callRoute(trackingRouteAddresses.getMetricHistoryBuckets, {
    run_ids: runIds,
    metric_key: metricKey,
    x_axis: options.xAxis,
    buckets: options.buckets,
    ...(options.range ? { x_min: Math.floor(options.range[0]), x_max: Math.ceil(options.range[1]) } : {}),
  })
  const buckets = (reply.buckets as { run_id: string; step: unknown; timestamp: unknown; value: unknown; min_value?: unknown; max_value?: unknown; mean_value?: unknown; count: unknown }[] | undefined) ?? []
  return {
    xMin: Number(reply.x_min ?? 0),
    xMax: Number(reply.x_max ?? 0),
    bucketWidth: Number(reply.bucket_width ?? 1),
    points: buckets.map((b) => {
      const min = wireNumber(b.min_value)
      const max = wireNumber(b.max_value)
      const mean = wireNumber(b.mean_value)
      return {
        runId: b.run_id,
        step: Number(b.step),
        timestamp: Number(b.timestamp),
        value: wireNumber(b.value) ?? Number.NaN,
        count: Number(b.count),
        ...(min !== undefined ? { min } : {}),
        ...(max !== undefined ? { max } : {}),
        ...(mean !== undefined ? { mean } : {}),
      }
    }),
  }
}

// get-history-buckets takes at most this many runs a call (MLflow's bulk history limit).
const BUCKET_RUNS_PER_CALL = 100

/**
 * One aggregate of a metric per run, from one bucket per run (a single bucket spans every run's
 * whole history: the server's aggregates are exact, NaN left out as the `min(metrics.k)` filters
 * take it). Runs without the metric, or with only NaN points, are absent from the map.
 */
export async function metricAggregate(runIds: readonly string[], key: string, aggregate: 'min' | 'max' | 'mean'): Promise<Map<string, number>> {
  const result = new Map<string, number>()
  for (let i = 0; i < runIds.length; i += BUCKET_RUNS_PER_CALL) {
    const { points } = await metricHistoryBuckets(runIds.slice(i, i + BUCKET_RUNS_PER_CALL), key, { xAxis: 'step', buckets: 1 })
    for (const p of points) {
      const v = aggregate === 'min' ? p.min : aggregate === 'max' ? p.max : p.mean
      if (v !== undefined) result.set(p.runId, v)
    }
  }
  return result
}
