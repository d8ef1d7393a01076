import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseRoute, routePath } from './routes.ts'
import type { Route } from './routes.ts'

const roundTrip = (route: Route) => {
  const url = new URL(routePath(route), 'http://x')
  return parseRoute(url.pathname, url.search)
}

describe('permissions tab routes', () => {
  it('round-trip for an experiment and for a model whose name needs escaping', () => {
    for (const route of [
      { page: 'experiment-permissions', experimentId: '12' },
      { page: 'model-permissions', name: 'fraud/model v2' },
    ] as const) {
      assert.deepEqual(roundTrip(route), route)
    }
    assert.equal(routePath({ page: 'model-permissions', name: 'a/b' }), '/models/a%2Fb/permissions')
  })

  it('are not found for several experiments or extra segments', () => {
    assert.equal(parseRoute('/experiments/1,2/permissions', '').page, 'not-found')
    assert.equal(parseRoute('/models/m/permissions/x', '').page, 'not-found')
  })
})
