#!/usr/bin/env node
// `npm start [-- flags]`: brings the build up to date (incremental; about a second when nothing
// changed), then runs `orchard server [flags]` in this same process, so a signal sent to the process
// npm started (Ctrl-C, `kill PID`) reaches the server itself.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const build = spawnSync(process.execPath, [fileURLToPath(new URL('./build.mjs', import.meta.url))], { stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)
process.argv = [process.argv[0], process.argv[1], 'server', ...process.argv.slice(2)]
await import('../packages/cli/bin/orchard.mjs')
