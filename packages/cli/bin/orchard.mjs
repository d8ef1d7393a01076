#!/usr/bin/env node
// The `orchard` binary. Installed, it runs the bundle the build makes (bundle/main.js: the CLI and
// the workspace packages in a few files, which starts a command faster than loading dist/ module by
// module), or dist/ when there is no bundle. Inside the repository, with Node's
// `--conditions=orchard-source` (set by the test runner and `npm run dev`), `#main` resolves to the
// TypeScript sources instead, and tsx (a development dependency) is registered first.
import { existsSync } from 'node:fs'

const entry = import.meta.resolve('#main')
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api')
  register()
  await import(entry)
} else {
  const bundle = new URL('../bundle/main.js', import.meta.url)
  await import(existsSync(bundle) ? bundle.href : entry)
}
