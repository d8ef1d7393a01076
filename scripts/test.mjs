#!/usr/bin/env node
// Runs every test file (`*.test.ts`) under packages/ and tests/ with Node's test runner through tsx.
// The tests run the TypeScript sources: `--conditions=orchard-source` makes `@orchard/*` imports
// resolve to src/, and it is passed in NODE_OPTIONS so every process a test starts (the CLI, a server,
// a worker) runs the sources too. The packed-install test is the one that runs the built output.
// Arguments narrow the run to files whose path contains any of them: `npm test -- store server`.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const filters = process.argv.slice(2)

function walk(dir, out) {
  if (!existsSync(dir)) return out
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) walk(path, out)
    else if (entry.name.endsWith('.test.ts')) out.push(relative(root, path))
  }
  return out
}

const files = [...walk(join(root, 'packages'), []), ...walk(join(root, 'tests'), []), ...walk(join(root, 'examples'), [])]
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort()
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`)
  process.exit(1)
}
const result = spawnSync(
  process.execPath,
  ['--conditions=orchard-source', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=orchard-source`.trim() } },
)
process.exit(result.status ?? 1)
