// One MLflow REST call for the benchmarks' setup steps: GET fields go in the query string (arrays as
// repeated keys), anything else as a JSON body; a non-2xx answer throws with the server's message.
// Seeding often runs in the benchmark's own process and blocks its event loop for seconds, so a
// kept-alive connection may be closed by the server's idle timer just as it is reused: such a
// request is sent once more.

export async function restCall(url: string, method: string, path: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return JSON.parse(await restText(url, method, path, body)) as Record<string, unknown>
}

/** `restCall`'s answer as received, not parsed: what a timed read measures (the client's parse is the client's work). */
export async function restText(url: string, method: string, path: string, body: Record<string, unknown> = {}): Promise<string> {
  let target = path.startsWith('/') ? `${url}${path}` : `${url}/api/2.0/mlflow/${path}`
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } }
  if (method === 'GET') {
    const query = new URLSearchParams()
    for (const [key, value] of Object.entries(body)) for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item))
    target += `?${query}`
  } else init.body = JSON.stringify(body)
  const response = await fetch(target, init).catch(() => fetch(target, init))
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status}: ${text.slice(0, 300)}`)
  return text
}
