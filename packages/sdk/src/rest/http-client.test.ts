import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import type { ErrorCode } from '@orchard/protocol/base'
import { HttpClient } from './http-client.ts'
import type { HttpOptions } from './http-client.ts'

const request = { method: 'POST' as const, url: 'http://tracking/api/2.0/mlflow/runs/log-batch', body: '{}' }

type Reply = Response | Error
/** A fetch that answers from a script, one reply per call, and records what it was sent. */
function scriptedFetch(replies: Reply[]) {
  const calls: { url: string; init: RequestInit }[] = []
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init })
    const reply = replies.shift()
    if (!reply) throw new Error('no more replies scripted')
    if (reply instanceof Error) throw reply
    return reply
  }) as unknown as typeof globalThis.fetch
  return { fetch, calls }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
const networkError = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) })

function client(replies: Reply[], options: HttpOptions = {}) {
  const scripted = scriptedFetch(replies)
  const waits: number[] = []
  const http = new HttpClient({
    fetch: scripted.fetch,
    sleep: async (ms) => void waits.push(ms),
    random: () => 0.5,
    retry: { maxRetries: 3, initialDelayMs: 100, maxDelayMs: 5000 },
    ...options,
  })
  return { http, calls: scripted.calls, waits }
}

async function rejectsWithCode(promise: Promise<unknown>, code: ErrorCode, fragment: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isOrchardError(error), String(error))
    assert.equal(error.code, code)
    assert.ok(error.message.includes(fragment), error.message)
    return true
  })
}

test('a JSON reply is parsed, and an empty body is an empty object', async () => {
  const { http } = client([json(200, { run_id: 'r' }), new Response('', { status: 200 })])
  assert.deepEqual(await http.send(request, true), { run_id: 'r' })
  assert.deepEqual(await http.send(request, true), {})
})

test('a reply that is not a JSON object is INTERNAL_ERROR', async () => {
  const { http } = client([new Response('<html>', { status: 200 })])
  await rejectsWithCode(http.send(request, true), 'INTERNAL_ERROR', 'other than a JSON object')
})

test("an MLflow error reply becomes an OrchardError with the server's code and message", async () => {
  const { http } = client([json(400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: "Experiment 'x' already exists." })])
  await assert.rejects(http.send(request, false), (error: unknown) => {
    assert.ok(isOrchardError(error))
    assert.equal(error.code, 'RESOURCE_ALREADY_EXISTS')
    assert.equal(error.status, 400)
    assert.equal(error.message, "Experiment 'x' already exists.")
    return true
  })
})

test('an error code we do not know falls back on the HTTP status and keeps the original code in the message', async () => {
  const { http } = client([json(403, { error_code: 'CUSTOMER_UNAUTHORIZED', message: 'no' })])
  await rejectsWithCode(http.send(request, false), 'PERMISSION_DENIED', 'CUSTOMER_UNAUTHORIZED: no')
})

test('an error without JSON is typed by its HTTP status', async () => {
  const { http } = client([new Response('Not Found', { status: 404 })])
  await rejectsWithCode(http.send(request, false), 'ENDPOINT_NOT_FOUND', 'HTTP 404: Not Found')
})

test('503 and 429 are retried with backoff for any operation, honouring Retry-After', async () => {
  const { http, calls, waits } = client([
    new Response('busy', { status: 503 }),
    new Response('slow down', { status: 429, headers: { 'retry-after': '2' } }),
    json(200, { experiment_id: '1' }),
  ])
  assert.deepEqual(await http.send(request, false), { experiment_id: '1' })
  assert.equal(calls.length, 3)
  assert.deepEqual(waits, [50, 2000])
})

test('retries stop after maxRetries and the last error is thrown', async () => {
  const { http, calls } = client([
    json(503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'database busy' }),
    json(503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'database busy' }),
    json(503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'database busy' }),
    json(503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'database busy' }),
  ])
  await rejectsWithCode(http.send(request, true), 'TEMPORARILY_UNAVAILABLE', 'database busy')
  assert.equal(calls.length, 4)
})

test('502, 504 and a reset connection are retried only for operations that may be sent twice', async () => {
  const safe = client([new Response('', { status: 502 }), networkError('ECONNRESET'), new Response('', { status: 504 }), json(200, {})])
  await safe.http.send(request, true)
  assert.equal(safe.calls.length, 4)

  const unsafe = client([new Response('bad gateway', { status: 502 })])
  await rejectsWithCode(unsafe.http.send(request, false), 'INTERNAL_ERROR', 'HTTP 502')
  const reset = client([networkError('ECONNRESET')])
  await rejectsWithCode(reset.http.send(request, false), 'TEMPORARILY_UNAVAILABLE', 'connect ECONNRESET')
  assert.equal(reset.calls.length, 1)
})

test('a refused connection is retried for any operation, then reported as TEMPORARILY_UNAVAILABLE', async () => {
  const { http, calls } = client([networkError('ECONNREFUSED'), networkError('ECONNREFUSED'), networkError('ECONNREFUSED'), networkError('ECONNREFUSED')])
  await rejectsWithCode(http.send(request, false), 'TEMPORARILY_UNAVAILABLE', `Could not reach ${request.url}: connect ECONNREFUSED`)
  assert.equal(calls.length, 4)
})

test('maxRetries 0 sends once', async () => {
  const { http, calls } = client([new Response('', { status: 503 })], { retry: { maxRetries: 0 } })
  await rejectsWithCode(http.send(request, true), 'TEMPORARILY_UNAVAILABLE', 'HTTP 503')
  assert.equal(calls.length, 1)
})

test('an attempt past timeoutMs is TEMPORARILY_UNAVAILABLE and not retried', async () => {
  let calls = 0
  const hang = ((_url: string, init: RequestInit) => {
    calls++
    return new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)))
  }) as unknown as typeof fetch
  const http = new HttpClient({ fetch: hang, timeoutMs: 20 })
  await rejectsWithCode(http.send(request, true), 'TEMPORARILY_UNAVAILABLE', 'timed out after 20 ms')
  assert.equal(calls, 1)
})

test('configured headers go with every request, next to the JSON content type', async () => {
  const { http, calls } = client([json(200, {})], { headers: { authorization: 'Bearer t0ken' } })
  await http.send(request, true)
  const headers = calls[0]?.init.headers as Record<string, string>
  assert.equal(headers.authorization, 'Bearer t0ken')
  assert.equal(headers['content-type'], 'application/json')
  assert.equal(calls[0]?.init.body, '{}')
})
