import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Hono } from 'hono'
import { trackingRoutes } from '@orchard/protocol'
import { queryObject, queryParams } from './request-query.ts'

test('the shared query holds what new URL(url).searchParams holds, and is parsed once per request', async () => {
  const app = new Hono()
  const seen: unknown[] = []
  const objects: unknown[] = []
  app.get('/q', (c) => {
    const params = queryParams(c)
    assert.equal(queryParams(c), params)
    seen.push([[...params], [...new URL(c.req.url).searchParams]])
    const object = queryObject(c, trackingRoutes.getMetricHistoryBulkInterval.request)
    assert.equal(queryObject(c, trackingRoutes.getMetricHistoryBulkInterval.request), object)
    objects.push(object)
    return c.text('ok')
  })
  for (const query of ['', '?', '?a=1&a=2&b', '?x=a+b%20c&y=%E2%82%AC&z=é', '?k=%ZZ&=v&run_ids=r1&run_ids=r2&metric_key=m', '?a=1#frag?b=2']) {
    seen.length = 0
    await app.request(`http://localhost/q${query}`)
    const [[shared, parsed]] = seen as [[unknown, unknown]]
    assert.deepEqual(shared, parsed, query)
  }
  assert.deepEqual(objects[4], { run_ids: ['r1', 'r2'], metric_key: 'm' })
})
