import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PERMISSION_LEVELS } from '@orchard/protocol'
import { protocolRoutes } from '../src/auth/route-index.ts'

const KINDS_WITH_LEVEL = new Set(['experiment', 'experiment-name', 'experiments', 'run', 'runs', 'logged-model', 'registered-model', 'artifact-path'])

test('every route the protocol exports declares the permission it needs', () => {
  const routes = protocolRoutes()
  assert.ok(routes.length > 80, `found ${routes.length} routes`)
  const missing = routes.filter(([, def]) => !def.permission).map(([name, def]) => `${name} (${def.methods.join('/')} ${def.path})`)
  assert.deepEqual(missing, [], 'routes without a permission: add `permission: needs.…` to each')
  for (const [name, def] of routes) {
    const permission = def.permission
    if (!permission || !KINDS_WITH_LEVEL.has(permission.resource)) continue
    assert.ok(permission.level && PERMISSION_LEVELS.includes(permission.level), `${name} names a level`)
    assert.ok(permission.field, `${name} names the field that identifies its resource`)
    // The field must be one the request carries: in the schema or in the path.
    const inSchema = permission.field in def.request.shape || def.path.includes(`{${permission.field}}`)
    assert.ok(inSchema, `${name}: field ${permission.field} is neither in its request schema nor its path`)
  }
})

test('the walk finds a route without a permission, in a table or alone', () => {
  const unguarded = { methods: ['GET'], path: '/mlflow/unguarded', request: {} }
  const found = protocolRoutes({ someTable: { unguarded }, lone: unguarded, notRoutes: { a: 1 } })
  assert.deepEqual(found.map(([name]) => name), ['unguarded'])
  assert.equal(found[0]?.[1], unguarded)
})
