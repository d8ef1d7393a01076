// Runs on `npm install` / `npm ci` (npm runs a workspace's `prepare`), so a fresh clone serves the UI
// with nothing else to do. Vite 8 builds this app in about a second and needs no network. When Vite is
// not installed (`--omit=dev`, or npm adding it right now), skip: the server then serves a page saying
// how to build.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
let viteBin
try {
  // vite's exports map hides bin/, so find it from its package.json.
  const manifest = require.resolve('vite/package.json')
  viteBin = join(dirname(manifest), require(manifest).bin.vite)
} catch {
  console.warn('@orchard/ui: vite is not installed; skipping the UI build (run `npm run build -w @orchard/ui` later).')
  process.exit(0)
}
const result = spawnSync(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
process.exit(result.status ?? 1)
