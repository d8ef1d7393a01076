#!/usr/bin/env node
// Installs Orchard the way a user gets it from npm: every workspace packed into a tarball (each
// `prepack` builds it first), then those tarballs installed into an empty project with nothing else.
// The container image is built by this script (see Dockerfile), and CI runs it too, so what the
// image holds is tested on machines where no image can be built.
//
//   node scripts/install-packed.mjs DEST
//
// leaves DEST/tarballs/*.tgz and DEST/app (package.json, node_modules; the `orchard` binary is
// DEST/app/node_modules/.bin/orchard).
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const [destArg] = process.argv.slice(2)
if (!destArg || destArg === '--help' || destArg === '-h') {
  console.error('usage: node scripts/install-packed.mjs DEST')
  process.exit(destArg ? 0 : 2)
}
const dest = resolve(destArg)
const tarballs = join(dest, 'tarballs')
const app = join(dest, 'app')
mkdirSync(tarballs, { recursive: true })
mkdirSync(app, { recursive: true })

// A user's environment: none of this repository's development settings.
const env = { ...process.env }
delete env.NODE_OPTIONS
delete env.NODE_ENV

function npm(args, cwd) {
  const result = spawnSync('npm', args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] })
  if (result.status !== 0) {
    console.error(`install-packed: npm ${args.join(' ')} failed (${result.status ?? result.signal})`)
    process.exit(1)
  }
}

npm(['pack', '--workspaces', '--pack-destination', tarballs, '--silent'], root)
const packed = readdirSync(tarballs).filter((name) => name.endsWith('.tgz')).map((name) => join(tarballs, name))
writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'orchard-install', private: true, type: 'module' }, null, 2)}\n`)
npm(['install', '--no-audit', '--no-fund', '--omit=dev', ...packed], app)
console.log(`install-packed: ${packed.length} packages installed in ${app}`)
