#!/usr/bin/env node
// Builds the publishable packages: TypeScript to dist/ (JavaScript, declarations, source maps) with
// `tsc -b` in dependency order, the store's SQL migrations beside their runner, the `orchard`
// binary's bundle (esbuild), and the web UI with Vite. Incremental: an up-to-date tree builds in a
// few seconds.
//
//   node scripts/build.mjs            every package (npm ci runs this as the root `prepare`)
//   node scripts/build.mjs store ui   those packages and what they depend on (each package's `prepack`)
//   node scripts/build.mjs --clean    remove every dist/ first
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)
const COMPILED = ['protocol', 'core', 'store', 'artifacts', 'models', 'server', 'sdk', 'cli']

const args = process.argv.slice(2)
const clean = args.includes('--clean')
const wanted = args.filter((arg) => !arg.startsWith('--'))
for (const name of wanted) {
  if (name !== 'ui' && !COMPILED.includes(name)) fail(`unknown package '${name}'; choose from ${[...COMPILED, 'ui'].join(', ')}`)
}
const compiled = wanted.length === 0 ? COMPILED : wanted.filter((name) => name !== 'ui')
const ui = wanted.length === 0 || wanted.includes('ui')

function fail(message) {
  console.error(`build: ${message}`)
  process.exit(1)
}

function run(command, commandArgs, cwd = root) {
  const result = spawnSync(process.execPath, [command, ...commandArgs], { cwd, stdio: 'inherit' })
  if (result.status !== 0) fail(`${commandArgs.join(' ')} failed`)
}

if (clean) {
  for (const name of [...COMPILED, 'ui']) rmSync(join(root, 'packages', name, 'dist'), { recursive: true, force: true })
}

if (compiled.length > 0) {
  const tsc = require.resolve('typescript/bin/tsc')
  run(tsc, ['-b', ...compiled.map((name) => `packages/${name}/tsconfig.build.json`)])
  // The migration runner reads its .sql files next to itself, in src/ or in dist/.
  const migrations = join(root, 'packages/store/src/migrations')
  for (const dialect of readdirSync(migrations, { withFileTypes: true })) {
    if (!dialect.isDirectory()) continue
    const target = join(root, 'packages/store/dist/migrations', dialect.name)
    if (existsSync(join(root, 'packages/store/dist'))) {
      rmSync(target, { recursive: true, force: true })
      cpSync(join(migrations, dialect.name), target, { recursive: true, filter: (path) => !path.endsWith('.ts') })
    }
  }
}

// The bundle is made from every package's dist/, so any compiled package rebuilds it.
if (compiled.length > 0 && existsSync(join(root, 'packages/cli/dist/main.js'))) await bundleCli()

// The `orchard` binary starts from a bundle of the CLI and the workspace packages it loads, so a
// command reads a few files instead of some 250 modules (Node's loader, not our code, is most of a
// short command's time). esbuild splits it per command: `orchard run` loads neither the server nor
// the model flavors. Third-party packages stay outside, resolved from node_modules as in dist/,
// except the pure-JavaScript ones whose many files were the cost (yaml, hyparquet). Files the
// packages find beside their own module are placed beside the bundle: the store's migrations and
// the prediction log's encoding thread (an entry of its own). Without esbuild (an install without dev dependencies) the binary runs dist/ as before.
async function bundleCli() {
  let esbuild
  try {
    esbuild = require('esbuild')
  } catch {
    console.warn('build: esbuild is not installed; the orchard binary will run dist/ unbundled.')
    return
  }
  const out = join(root, 'packages/cli/bundle')
  const inputs = [...COMPILED.map((name) => join(root, 'packages', name, 'dist')), join(root, 'packages/store/src/migrations'), fileURLToPath(import.meta.url)]
  if (existsSync(join(out, 'main.js')) && Math.max(...inputs.map(newest)) <= statSync(join(out, 'main.js')).mtimeMs) return
  rmSync(out, { recursive: true, force: true })
  const inlined = /^(@orchard\/|yaml$|yaml\/|hyparquet$|hyparquet\/|hyparquet-writer$|hyparquet-writer\/)/
  await esbuild.build({
    entryPoints: { main: join(root, 'packages/cli/dist/main.js'), 'parquet-worker': join(root, 'packages/models/dist/monitoring/parquet-worker.js') },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    // CommonJS code inside the bundle (yaml) may call require; give it Node's.
    banner: { js: "import { createRequire as __orchardCreateRequire } from 'node:module';\nconst require = __orchardCreateRequire(import.meta.url);" },
    plugins: [
      {
        name: 'orchard-externals',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (resolved) => (resolved.path.startsWith('node:') || !inlined.test(resolved.path) ? { external: true } : undefined))
        },
      },
    ],
  })
  for (const dialect of ['sqlite', 'postgres']) {
    cpSync(join(root, 'packages/store/src/migrations', dialect), join(out, dialect), { recursive: true, filter: (path) => !path.endsWith('.ts') })
  }
}

// The newest modification time under `path` (a file or a folder), skipping dependencies and builds.
function newest(path) {
  if (!existsSync(path)) return 0
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  let latest = 0
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue
    latest = Math.max(latest, newest(join(path, entry)))
  }
  return latest
}

// The UI bundle is rebuilt only when something it is made from changed: Vite empties dist/ first, and a
// rebuild while a server serves that folder (a browser test beside `npm pack` or `npm start`) would
// leave pages without their assets for a moment.
function uiUpToDate() {
  const built = join(root, 'packages/ui/dist/index.html')
  if (!existsSync(built)) return false
  const inputs = ['packages/ui/src', 'packages/ui/public', 'packages/ui/index.html', 'packages/ui/vite.config.ts', 'packages/ui/package.json',
    'packages/sdk/src', 'packages/protocol/src', 'packages/core/src']
  return Math.max(...inputs.map((input) => newest(join(root, input)))) <= statSync(built).mtimeMs
}

if (ui && uiUpToDate()) process.exit(0)

if (ui) {
  let vite
  try {
    // vite's exports map hides bin/, so find it from its package.json.
    const manifest = require.resolve('vite/package.json', { paths: [join(root, 'packages/ui')] })
    vite = join(dirname(manifest), require(manifest).bin.vite)
  } catch {
    // `npm ci --omit=dev` has no Vite: the server then serves a page that says how to build the UI.
    console.warn('build: vite is not installed; skipping the web UI (install dev dependencies, then `npm run build`).')
    process.exit(0)
  }
  run(vite, ['build', '--logLevel', 'warn'], join(root, 'packages/ui'))
}
