import { OrchardError, WORKSPACE_HEADER, codeForStatus } from '@orchard/protocol/base'
import type { RouteDef } from '@orchard/protocol'
import { UsageError } from './command.ts'

// Calls to a tracking server's own routes (the personal access tokens), with the credentials the
// SDK and MLflow's clients take from the environment: MLFLOW_TRACKING_TOKEN as a bearer token, else
// MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD as Basic.

const REQUEST_TIMEOUT_MS = 30_000

export function credentialsHeader(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  // MLFLOW_WORKSPACE selects the workspace on a server started with --enable-workspaces.
  const workspace: Record<string, string> = env.MLFLOW_WORKSPACE ? { [WORKSPACE_HEADER]: env.MLFLOW_WORKSPACE } : {}
  if (env.MLFLOW_TRACKING_TOKEN) return { ...workspace, authorization: `Bearer ${env.MLFLOW_TRACKING_TOKEN}` }
  if (env.MLFLOW_TRACKING_USERNAME) {
    const pair = `${env.MLFLOW_TRACKING_USERNAME}:${env.MLFLOW_TRACKING_PASSWORD ?? ''}`
    return { ...workspace, authorization: `Basic ${Buffer.from(pair).toString('base64')}` }
  }
  return workspace
}

/** The server's base URL from the flag or MLFLOW_TRACKING_URI; these commands need a server. */
export function serverUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const uri = flag ?? env.MLFLOW_TRACKING_URI
  if (!uri || !/^https?:\/\//i.test(uri)) {
    throw new UsageError('this command talks to a tracking server: pass --tracking-uri http(s)://… or set MLFLOW_TRACKING_URI')
  }
  return uri.replace(/\/+$/, '')
}

/** One call of a protocol route: GET sends `body` as the query string, other methods as JSON. */
export async function callRoute<T>(baseUrl: string, def: RouteDef, body: Record<string, unknown>): Promise<T> {
  const method = def.methods[0] ?? 'GET'
  let url = `${baseUrl}/api/${def.version ?? '2.0'}${def.path}`
  const init: RequestInit = { method, headers: { accept: 'application/json', ...credentialsHeader() }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }
  if (method === 'GET') {
    const query = new URLSearchParams(Object.entries(body).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]))
    if (query.size) url += `?${query}`
  } else {
    init.headers = { ...init.headers, 'content-type': 'application/json' }
    init.body = JSON.stringify(body)
  }
  const response = await fetch(url, init)
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  if (!response.ok) {
    const error = json as { error_code?: string; message?: string } | undefined
    const hint = response.status === 401 ? ' (set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN)' : ''
    throw new OrchardError(
      (error?.error_code as ReturnType<typeof codeForStatus> | undefined) ?? codeForStatus(response.status),
      `${error?.message ?? `${response.status} ${response.statusText}`}${hint}`,
    )
  }
  return json as T
}
