import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { nodeFetch } from './node-fetch.ts'

// nodeFetch against real node:http servers: what the SDK sends and reads, and failures shaped as
// fetch's (the SDK's retry rules read them).

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

describe('nodeFetch', () => {
  let main: { server: Server; url: string }
  let other: { server: Server; url: string }

  before(async () => {
    other = await listen(async (request, response) => {
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify({ authorization: request.headers.authorization ?? null, body: await readBody(request) }))
    })
    main = await listen(async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://x')
      const body = await readBody(request)
      if (url.pathname === '/echo') {
        response.setHeader('content-type', 'application/json')
        response.setHeader('x-twice', ['a', 'b'])
        response.end(JSON.stringify({ method: request.method, body, type: request.headers['content-type'] ?? null, auth: request.headers.authorization ?? null }))
      } else if (url.pathname === '/redirect') {
        response.writeHead(Number(url.searchParams.get('status')), { location: url.searchParams.get('to') ?? '/echo' }).end()
      } else if (url.pathname === '/slow') {
        setTimeout(() => response.end('late'), 2_000).unref()
      } else if (url.pathname === '/missing') {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"no"}')
      } else if (url.pathname === '/big') {
        response.end(Buffer.alloc(1_000_000, 120))
      }
    })
  })
  after(() => {
    main.server.close()
    other.server.close()
  })

  it('sends a method, headers and a string body, and reads status, headers and JSON', async () => {
    const response = await nodeFetch(`${main.url}/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json', authorization: 'Bearer t' }, body: '{"a":1}' })
    assert.equal(response.ok, true)
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('Content-Type'), 'application/json')
    assert.equal(response.headers.get('x-twice'), 'a, b')
    assert.equal(response.headers.get('absent'), null)
    assert.deepEqual(await response.json(), { method: 'POST', body: '{"a":1}', type: 'application/json', auth: 'Bearer t' })
  })

  it('streams a request body given as a web stream or a Node stream, and a response body as a web stream', async () => {
    const web = Readable.toWeb(Readable.from([Buffer.from('part one, '), Buffer.from('part two')]))
    const fromWeb = await nodeFetch(`${main.url}/echo`, { method: 'PUT', body: web as unknown as BodyInit, duplex: 'half' } as RequestInit)
    assert.equal(((await fromWeb.json()) as { body: string }).body, 'part one, part two')
    const fromNode = await nodeFetch(`${main.url}/echo`, { method: 'PUT', body: Readable.from(['x', 'y']) as unknown as BodyInit })
    assert.equal(((await fromNode.json()) as { body: string }).body, 'xy')
    const big = await nodeFetch(`${main.url}/big`)
    let bytes = 0
    for await (const chunk of Readable.fromWeb(big.body as never)) bytes += (chunk as Buffer).length
    assert.equal(bytes, 1_000_000)
    const cancelled = await nodeFetch(`${main.url}/big`)
    await cancelled.body?.cancel()
  })

  it('reports an HTTP error as a response, not a failure', async () => {
    const response = await nodeFetch(`${main.url}/missing`)
    assert.equal(response.ok, false)
    assert.equal(response.status, 404)
    assert.equal(((await response.json()) as { error_code: string }).error_code, 'RESOURCE_DOES_NOT_EXIST')
  })

  it('follows redirects as fetch does: 307 keeps the method and body, 303 becomes a GET, credentials stay on their origin', async () => {
    const kept = await nodeFetch(`${main.url}/redirect?status=307&to=/echo`, { method: 'POST', body: 'same', headers: { authorization: 'Basic x' } })
    assert.deepEqual(await kept.json(), { method: 'POST', body: 'same', type: 'text/plain;charset=UTF-8', auth: 'Basic x' })
    const seeOther = await nodeFetch(`${main.url}/redirect?status=303&to=/echo`, { method: 'POST', body: 'dropped', headers: { 'content-type': 'text/plain' } })
    assert.deepEqual(await seeOther.json(), { method: 'GET', body: '', type: null, auth: null })
    const away = await nodeFetch(`${main.url}/redirect?status=302&to=${encodeURIComponent(`${other.url}/`)}`, { headers: { authorization: 'Bearer secret' } })
    assert.deepEqual(await away.json(), { authorization: null, body: '' })
    await assert.rejects(
      nodeFetch(`${main.url}/redirect?status=307&to=/echo`, { method: 'PUT', body: Readable.from(['x']) as unknown as BodyInit }),
      (error: Error) => error instanceof TypeError && /streamed body/.test(String((error.cause as Error).message)),
    )
  })

  it('fails as fetch fails: a TypeError with the system error as its cause, or the abort reason', async () => {
    const closed = await listen(() => undefined)
    const { url } = closed
    await new Promise<void>((resolve) => closed.server.close(() => resolve()))
    await assert.rejects(nodeFetch(`${url}/echo`), (error: Error) => {
      assert.ok(error instanceof TypeError)
      assert.equal(error.message, 'fetch failed')
      assert.equal((error.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED')
      return true
    })
    const reason = new DOMException('timed out after 50 ms', 'TimeoutError')
    const controller = new AbortController()
    setTimeout(() => controller.abort(reason), 50)
    await assert.rejects(nodeFetch(`${main.url}/slow`, { signal: controller.signal }), (error) => error === reason)
    const already = new AbortController()
    already.abort(reason)
    await assert.rejects(nodeFetch(`${main.url}/echo`, { signal: already.signal }), (error) => error === reason)
  })
})
