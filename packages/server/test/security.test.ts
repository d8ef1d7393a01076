import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { openStores } from '@orchard/store'
import type { TrackingStore } from '@orchard/store'
import type { Hono } from 'hono'
import { createApp } from '../src/app.ts'
import { DNS_REBINDING_MESSAGE } from '../src/security/security-middleware.ts'
import type { SecuritySettings } from '../src/security/settings.ts'

const SERVER = 'http://127.0.0.1:5000'
const DELETE_URL = `${SERVER}/api/2.0/mlflow/experiments/delete`

describe('security middleware (authentication off)', () => {
  let dir: string
  let store: TrackingStore
  const apps = (security?: SecuritySettings): Hono =>
    createApp({ trackingStore: store, logError: () => undefined, ...(security ? { security } : {}) })
  let app: Hono

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-security-'))
    store = (await openStores(`sqlite:///${join(dir, 'orchard.db')}`)).trackingStore
    app = apps()
  })
  after(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  const newExperiment = async (name: string) => store.createExperiment({ name })
  const stage = async (id: string) => (await store.getExperiment(id)).lifecycleStage

  test("refuses the issue's attack: a text/plain POST from another origin deleting an experiment", async () => {
    const id = await newExperiment('victim')
    const reply = await app.request(DELETE_URL, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'http://evil.example' },
      body: JSON.stringify({ experiment_id: id }),
    })
    assert.equal(reply.status, 403)
    const json = (await reply.json()) as { error_code: string; message: string }
    assert.equal(json.error_code, 'PERMISSION_DENIED')
    assert.match(json.message, /Cross-origin POST from http:\/\/evil\.example refused/)
    assert.equal(await stage(id), 'active')
  })

  test('refuses form posts, JSON, and requests a browser marks cross-site, from any foreign page', async () => {
    const id = await newExperiment('victim-2')
    const attempts: Record<string, string>[] = [
      { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      { 'content-type': 'multipart/form-data; boundary=x', origin: 'https://evil.example' },
      { 'content-type': 'application/json', origin: 'http://evil.example' },
      { 'content-type': 'text/plain', origin: 'null' },
      { 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site' },
    ]
    for (const headers of attempts) {
      const reply = await app.request(DELETE_URL, { method: 'POST', headers, body: JSON.stringify({ experiment_id: id }) })
      assert.equal(reply.status, 403, JSON.stringify(headers))
    }
    assert.equal(await stage(id), 'active')
  })

  test('serves the same origin, and clients that send no Origin (curl, SDKs)', async () => {
    const first = await newExperiment('same-origin')
    const same = await app.request(DELETE_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SERVER, host: '127.0.0.1:5000', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ experiment_id: first }),
    })
    assert.equal(same.status, 200)
    const second = await newExperiment('curl')
    const curl = await app.request(DELETE_URL, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ experiment_id: second }) })
    assert.equal(curl.status, 200)
    assert.equal(await stage(second), 'deleted')
  })

  test('CORS: allowed origins get preflights and headers, but still no simple-content-type writes', async () => {
    const preflight = await app.request(DELETE_URL, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
    })
    assert.equal(preflight.status, 204)
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:3000')
    const foreign = await app.request(DELETE_URL, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } })
    assert.equal(foreign.status, 403)
    assert.equal(foreign.headers.get('access-control-allow-origin'), null)

    const id = await newExperiment('cors')
    const json = await app.request(`${SERVER}/api/2.0/mlflow/experiments/get?experiment_id=${id}`, { headers: { origin: 'http://localhost:3000' } })
    assert.equal(json.status, 200)
    assert.equal(json.headers.get('access-control-allow-origin'), 'http://localhost:3000')
    const plain = await app.request(DELETE_URL, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://localhost:3000' },
      body: JSON.stringify({ experiment_id: id }),
    })
    assert.equal(plain.status, 403)
    const custom = apps({ corsAllowedOrigins: ['https://notebooks.example.com'] })
    const allowed = await custom.request(DELETE_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://notebooks.example.com' },
      body: JSON.stringify({ experiment_id: id }),
    })
    assert.equal(allowed.status, 200)
  })

  test('refuses a Host outside --allowed-hosts (DNS rebinding), with MLflow’s message', async () => {
    const rebound = await app.request('http://evil.example:5000/api/2.0/mlflow/experiments/search', { headers: { host: 'evil.example:5000' } })
    assert.equal(rebound.status, 403)
    assert.equal(((await rebound.json()) as { message: string }).message, DNS_REBINDING_MESSAGE)
    assert.equal((await app.request('http://192.168.1.7:5000/health', { headers: { host: '192.168.1.7:5000' } })).status, 200)
    const named = apps({ allowedHosts: ['mlflow.example.com'] })
    assert.equal((await named.request('http://mlflow.example.com/health', { headers: { host: 'mlflow.example.com' } })).status, 200)
    assert.equal((await named.request('http://localhost/health', { headers: { host: 'localhost' } })).status, 403)
    const off = apps({ disabled: true })
    assert.equal((await off.request('http://evil.example/health', { headers: { host: 'evil.example' } })).status, 200)
  })

  test('pages carry X-Frame-Options and a CSP that allows exactly their inline scripts', async () => {
    const page = await app.request(`${SERVER}/`, { headers: { accept: 'text/html' } })
    assert.ok(page.status === 200 || page.status === 503)
    assert.equal(page.headers.get('x-frame-options'), 'SAMEORIGIN')
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff')
    const csp = page.headers.get('content-security-policy') ?? ''
    assert.match(csp, /frame-ancestors 'self'/)
    assert.match(csp, /object-src 'none'/)
    const html = await page.text()
    for (const [, script] of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
      assert.ok(csp.includes(`'sha256-${createHash('sha256').update(script ?? '').digest('base64')}'`))
    }
    assert.doesNotMatch(csp, /'unsafe-inline'[^;]*;[^;]*script|script-src[^;]*'unsafe-inline'/)
    const deny = apps({ xFrameOptions: 'DENY' })
    const denied = await deny.request(`${SERVER}/`, { headers: { accept: 'text/html' } })
    assert.equal(denied.headers.get('x-frame-options'), 'DENY')
    assert.match(denied.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/)
  })
})
