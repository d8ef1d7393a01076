#!/usr/bin/env node
// The `orchard` binary. Installed, it runs the compiled JavaScript in dist/. Inside the repository,
// with Node's `--conditions=orchard-source` (set by the test runner and `npm run dev`), `#main`
// resolves to the TypeScript sources instead, and tsx (a development dependency) is registered first.
const entry = import.meta.resolve('#main')
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api')
  register()
}
await import(entry)
