// Writes packages/protocol/src/routes/addresses.ts from the route tables (see render-addresses.ts).
// node --conditions=orchard-source --import tsx scripts/generate-route-addresses.ts
import { writeFileSync } from 'node:fs'
import { renderRouteAddresses } from '../packages/protocol/src/routes/render-addresses.ts'

const target = new URL('../packages/protocol/src/routes/addresses.ts', import.meta.url)
writeFileSync(target, renderRouteAddresses())
console.log(`wrote ${target.pathname}`)
