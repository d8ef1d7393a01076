// `node --import tsx bench/project-overhead.ts [--iterations N]`: what `orchard run` adds to running
// a project's command directly, with the environment already cached (a python_env venv made from
// Debian's python3, no packages). Three ways, N rounds after one warm-up run that
// builds the venv:
//   direct   `bash -c "<venv>/bin/python train.py"`, what the user would otherwise type
//   sdk      runProject() in a warm process: read MLproject, git state, venv reuse, create the run,
//            log params, spawn, store the output artifact, end the run
//   cli      the `orchard` binary, process start (tsx) included; `orchard runs search` on the same
//            store is the floor any CLI command pays to start and open the store
// against an embedded SQLite store and against a server on loopback.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { runProject } from '@orchard/sdk'
import { startServer } from '@orchard/server'

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '10' } } })
const iterations = Number(values.iterations)
const BIN = fileURLToPath(new URL('../packages/cli/bin/orchard.mjs', import.meta.url))
const execFileAsync = promisify(execFile)

const dir = mkdtempSync(join(tmpdir(), 'orchard-bench-project-'))
const project = join(dir, 'project')
const envCacheDir = join(dir, 'envs')
mkdirSync(project, { recursive: true })
writeFileSync(join(project, 'MLproject'), 'name: overhead\npython_env: python_env.yaml\nentry_points:\n  main:\n    parameters:\n      lr: {type: float, default: 0.1}\n    command: "python train.py --lr {lr}"\n')
writeFileSync(join(project, 'python_env.yaml'), 'python: "3"\ndependencies: []\n')
writeFileSync(join(project, 'train.py'), 'import sys\n')
// Debian's python3 and the system tools only, as the tests use; node stays reachable for the CLI.
process.env.PATH = `/usr/bin:/bin:${join(process.execPath, '..')}`

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? NaN
async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

const quiet = () => ({ stdout: new PassThrough().resume(), stderr: new PassThrough().resume() })
const sdkRun = (trackingUri: string) => runProject({ uri: project, trackingUri, envCacheDir, forwardSignals: false, parameters: { lr: '0.2' }, ...quiet() })
const cli = (args: string[]) => execFileAsync(process.execPath, [BIN, ...args], { env: { ...process.env, ORCHARD_ENV_CACHE: envCacheDir } })

const warm = await sdkRun(join(dir, 'store'))
if (warm.status !== 'FINISHED') throw new Error(`warm-up run ended ${warm.status}`)
const venv = join(envCacheDir, readdirSync(envCacheDir).find((name) => name.startsWith('venv-')) ?? '')

const server = await startServer({ host: '127.0.0.1', port: 0, backendStoreUri: `sqlite:///${join(dir, 'server.db')}`, defaultArtifactRoot: 'mlflow-artifacts:/', artifactsDestination: join(dir, 'server-artifacts') })
// The variants take turns in every round, so a burst of load from elsewhere on the machine falls on
// all of them alike; the minimum is the figure least disturbed by it.
const variants: [string, () => Promise<unknown>][] = [['direct: bash -c "<venv>/bin/python train.py"', () => execFileAsync('bash', ['-c', `${join(venv, 'bin', 'python')} train.py --lr 0.2`], { cwd: project })]]
// runProject's own time is also measured without a baseline: its total minus its command's run time.
let commandMs = 0
for (const [name, uri] of [['embedded SQLite', join(dir, 'store')], ['server', server.url]] as const) {
  variants.push([`runProject, ${name}`, async () => (commandMs = (await sdkRun(uri)).commandMs)])
  variants.push([`orchard run (CLI), ${name}`, () => cli(['run', project, '-P', 'lr=0.2', '--tracking-uri', uri])])
  variants.push([`orchard runs search (CLI floor), ${name}`, () => cli(['runs', 'search', '--tracking-uri', uri])])
}
const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]))
try {
  for (const [, fn] of variants) await fn()
  for (let i = 0; i < iterations; i++) {
    for (const [name, fn] of variants) {
      commandMs = 0
      const elapsed = await time(fn)
      samples.get(name)?.push(elapsed)
      if (commandMs > 0) {
        const own = `${name} minus its command`
        samples.set(own, [...(samples.get(own) ?? []), elapsed - commandMs])
        const itself = `its command alone (commandMs), ${name.replace('runProject, ', '')}`
        samples.set(itself, [...(samples.get(itself) ?? []), commandMs])
      }
    }
  }
} finally {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
}

const stats = new Map([...samples].map(([name, list]) => [name, { min: Math.min(...list), median: median(list) }]))
const row = (name: string, value: { min: number; median: number } | undefined) =>
  console.log(`${name.padEnd(52)} ${(value?.min ?? NaN).toFixed(0).padStart(6)} ${(value?.median ?? NaN).toFixed(0).padStart(7)}`)
console.log(`${iterations} rounds, env cached, load average ${loadavg()[0]?.toFixed(1)} (ms)`)
console.log(`${''.padEnd(52)} ${'min'.padStart(6)} ${'median'.padStart(7)}`)
for (const [name, value] of stats) row(name, value)
// The figure: what `orchard run` adds over typing the command directly (target: under 300 ms
// with a cached environment); and the CLI's own share of it, over the floor every CLI command pays.
const direct = [...stats].find(([name]) => name.startsWith('direct:'))?.[1]
for (const name of ['embedded SQLite', 'server']) {
  const run = stats.get(`orchard run (CLI), ${name}`)
  const floor = stats.get(`orchard runs search (CLI floor), ${name}`)
  if (run && direct) row(`orchard run over the direct command, ${name}`, { min: run.min - direct.min, median: run.median - direct.median })
  if (run && floor) row(`orchard run less the CLI floor, ${name}`, { min: run.min - floor.min, median: run.median - floor.median })
}
console.log(JSON.stringify(Object.fromEntries(stats)))
