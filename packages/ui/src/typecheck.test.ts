// The root `tsc --noEmit -p .` in `npm test` reads only .ts files, so the UI's .tsx would go unchecked
// in CI; this runs the UI's own tsconfig (JSX, bundler resolution) as a test.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { it } from 'node:test'
import { fileURLToPath } from 'node:url'

it('type-checks the UI, TSX included', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  const project = fileURLToPath(new URL('../tsconfig.json', import.meta.url))
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], { encoding: 'utf8' })
  assert.equal(result.status, 0, result.stdout + result.stderr)
})
