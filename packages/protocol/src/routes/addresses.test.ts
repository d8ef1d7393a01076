import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { renderRouteAddresses } from './render-addresses.ts'

test('addresses.ts is what the route tables render (run scripts/generate-route-addresses.ts after changing a route)', () => {
  const committed = readFileSync(new URL('./addresses.ts', import.meta.url), 'utf8')
  assert.equal(
    committed,
    renderRouteAddresses(),
    'packages/protocol/src/routes/addresses.ts is stale: node --conditions=orchard-source --import tsx scripts/generate-route-addresses.ts',
  )
})
