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

describe('admin page route', () => {
  it('round-trips each tab, with users as the bare /admin', () => {
    for (const tab of ['users', 'groups', 'roles', 'workspaces'] as const) assert.deepEqual(roundTrip({ page: 'admin', tab }), { page: 'admin', tab })
    assert.equal(routePath({ page: 'admin', tab: 'users' }), '/admin')
    assert.equal(routePath({ page: 'admin', tab: 'roles' }), '/admin?tab=roles')
  })

  it('opens an unknown tab on users, and is not found with extra segments', () => {
    assert.deepEqual(parseRoute('/admin', '?tab=nope'), { page: 'admin', tab: 'users' })
    assert.equal(parseRoute('/admin/users', '').page, 'not-found')
  })
})
