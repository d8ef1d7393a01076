// Server start-up: from spawning `orchard server` to its first 200 on /health, and the resident memory
// once idle, for the built JavaScript (what users install) and for the TypeScript sources run through
// tsx (how the repository ran before it had a build). Medians over several starts on a fresh SQLite
// store each time.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../packages/cli/bin/orchard.mjs', import.meta.url))

export const STARTUP_ROWS: readonly [string, string, string][] = [
  ['server start to /health, built JavaScript', 'ms', 'startup_built_ms'],
  ['  idle RSS', 'MiB', 'idle_rss_built_mib'],
  ['server start to /health, sources through tsx', 'ms', 'startup_tsx_ms'],
  ['  idle RSS', 'MiB', 'idle_rss_tsx_mib'],
]

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:')) ?? ''
  return Number(/(\d+)/.exec(line)?.[1] ?? NaN) / 1024
}

async function startOnce(nodeArgs: string[]): Promise<{ ms: number; rss: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'orchard-startup-'))
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  const started = performance.now()
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'server', '--port', '0', '--backend-store-uri', `sqlite:///${join(dir, 'o.db')}`], { cwd: dir, env })
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const match = /Listening on (\S+)/.exec(out)
        if (match) resolve(match[1]!)
      })
      child.on('exit', (code) => reject(new Error(`server exited ${code}`)))
    })
    for (;;) {
      const reply = await fetch(`${url}/health`).catch(() => undefined)
      if (reply?.ok) break
    }
    const ms = performance.now() - started
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    return { ms, rss: rssMiB(child.pid!) }
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function startupBenchmark(starts = 5): Promise<Record<string, number>> {
  const built: { ms: number; rss: number }[] = []
  const tsx: { ms: number; rss: number }[] = []
  for (let i = 0; i < starts; i++) {
    built.push(await startOnce([]))
    tsx.push(await startOnce(['--conditions=orchard-source']))
  }
  return {
    startup_built_ms: median(built.map((s) => s.ms)),
    idle_rss_built_mib: median(built.map((s) => s.rss)),
    startup_tsx_ms: median(tsx.map((s) => s.ms)),
    idle_rss_tsx_mib: median(tsx.map((s) => s.rss)),
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await startupBenchmark(Number(process.argv[2] ?? 5))
  for (const [name, unit, key] of STARTUP_ROWS) console.log(`${name.padEnd(48)} ${figures[key]!.toFixed(1).padStart(8)} ${unit}`)
}
