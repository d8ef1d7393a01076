import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Hono } from 'hono'
import { trackingRoutes } from '@orchard/protocol'
import { RouteIndex } from './route-index.ts'

test('path parameters decode as Hono decodes them for the handler, so the check reads the same id', async () => {
  const index = new RouteIndex([['getLoggedModel', trackingRoutes.getLoggedModel]])
  const app = new Hono()
  const seen: { path: string; param: string | undefined }[] = []
  app.get('/api/2.0/mlflow/logged-models/:model_id', (c) => {
    seen.push({ path: c.req.path, param: c.req.param('model_id') })
    return c.text('ok')
  })
  // Plain, encoded, double-encoded (%2541 is "%41" to the handler, not "A"), malformed and non-ASCII.
  const ids = ['m-1', 'm%201', 'm%2541', 'm%25', '%E0%A4%A', 'm%ZZ', '%C3%A9t%C3%A9', 'a%2Fb']
  for (const id of ids) {
    seen.length = 0
    await app.request(`/api/2.0/mlflow/logged-models/${id}`)
    const handler = seen[0]
    assert.ok(handler, id)
    const match = index.match('GET', handler.path)
    assert.equal(match?.params.model_id, handler.param, id)
  }
})
