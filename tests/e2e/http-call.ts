// One JSON request to a server under test, whatever it answers: the status, Retry-After and the body
// (parsed when it is JSON, else the text — /health, /ready and a proxy's bare 502 answer plain text).

export interface Answer {
  readonly status: number
  readonly retryAfter: string | null
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any
}

export async function call(url: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  let json: unknown = text
  try {
    json = JSON.parse(text)
  } catch {
    // plain text
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), json }
}
