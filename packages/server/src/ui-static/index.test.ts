import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Hono } from 'hono'
import { registerUi } from './index.ts'

describe('registerUi', () => {
  let root: string
  let dist: string
  let app: Hono

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'orchard-ui-static-'))
    dist = join(root, 'dist')
    await mkdir(join(dist, 'assets'), { recursive: true })
    await writeFile(join(dist, 'index.html'), '<!doctype html><div id="root"></div>')
    await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)')
    await writeFile(join(dist, 'favicon.svg'), '<svg/>')
    await writeFile(join(root, 'secret.txt'), 'outside')
    app = new Hono()
    app.get('/api/2.0/mlflow/experiments/get', (c) => c.json({ ok: true }))
    app.get('/health', (c) => c.text('OK'))
    registerUi(app, { distDir: dist })
    app.notFound((c) => c.json({ error_code: 'ENDPOINT_NOT_FOUND' }, 404))
  })

  after(() => rm(root, { recursive: true, force: true }))

  const get = (path: string, method = 'GET') => app.request(path, { method })
  // What a browser sends when it navigates or reloads.
  const navigate = (path: string) => app.request(path, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } })

  it('serves index.html at / and for deep links, revalidated on every load', async () => {
    for (const path of ['/', '/experiments/1', '/experiments/1/runs/abc?tab=artifacts', '/experiments/1,2/charts']) {
      const response = await navigate(path)
      assert.equal(response.status, 200, path)
      assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8')
      assert.equal(response.headers.get('cache-control'), 'no-cache')
      assert.match(await response.text(), /id="root"/)
    }
  })

  it('serves hashed assets as immutable and other files as they are', async () => {
    const asset = await get('/assets/index-abc123.js')
    assert.equal(asset.status, 200)
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8')
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/)
    assert.equal(await asset.text(), 'console.log(1)')
    const icon = await get('/favicon.svg')
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml')
    const head = await get('/assets/index-abc123.js', 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(await head.text(), '')
  })

  it('never shadows the API, health, version or artifact downloads', async () => {
    assert.deepEqual(await (await get('/api/2.0/mlflow/experiments/get')).json(), { ok: true })
    assert.equal(await (await get('/health')).text(), 'OK')
    for (const path of ['/api/2.0/mlflow/nope', '/ajax-api/2.0/mlflow/nope', '/api', '/get-artifact', '/version/x']) {
      const response = await navigate(path)
      assert.equal(response.status, 404, path)
      assert.deepEqual(await response.json(), { error_code: 'ENDPOINT_NOT_FOUND' }, path)
    }
  })

  it('answers 404 for a missing asset instead of the page, and refuses paths outside the build', async () => {
    assert.equal((await get('/assets/index-old.js')).status, 404)
    assert.equal((await get('/missing.png')).status, 404)
    const escaped = await get('/%2e%2e/secret.txt')
    assert.equal(escaped.status, 404)
    assert.doesNotMatch(await escaped.text(), /outside/)
    assert.equal((await navigate('/%E0%A4%A')).status, 200, 'a bad escape is a deep link, not a crash')
  })

  it('keeps the JSON 404 for a non-browser request of an unknown path, but serves / to anyone', async () => {
    const response = await get('/secret')
    assert.equal(response.status, 404)
    assert.deepEqual(await response.json(), { error_code: 'ENDPOINT_NOT_FOUND' })
    assert.equal((await get('/')).status, 200)
  })

  it('explains how to build the UI when there is no build', async () => {
    const bare = new Hono()
    registerUi(bare, { distDir: join(dist, 'does-not-exist') })
    const response = await bare.request('/experiments/1', { headers: { accept: 'text/html' } })
    assert.equal(response.status, 503)
    assert.match(await response.text(), /npm run build -w @orchard\/ui/)
  })
})
