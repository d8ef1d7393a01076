import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { lstat, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { OrchardClient } from '../orchard-client.ts'
import { loadProject } from './mlproject.ts'
import { planEnvironment } from './environments.ts'
import { runProject } from './run-project.ts'
import { runTool, which } from './tools.ts'
import type { RunProjectOptions } from './run-project.ts'

let root: string
let envCacheDir: string
let trackingUri: string
let client: OrchardClient
let counter = 0

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'orchard-envs-'))
  envCacheDir = join(root, 'envs')
  trackingUri = join(root, 'store')
  client = new OrchardClient(trackingUri, { batching: false })
})
after(async () => {
  await client.close()
  await rm(root, { recursive: true, force: true })
})

async function project(files: Record<string, string>): Promise<string> {
  const dir = join(root, `p${counter++}`)
  await mkdir(dir, { recursive: true })
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

async function run(options: RunProjectOptions) {
  const out = new PassThrough()
  const err = new PassThrough()
  let stdout = ''
  let stderr = ''
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const started = performance.now()
  const result = await runProject({ trackingUri, cwd: root, envCacheDir, forwardSignals: false, stdout: out, stderr: err, ...options })
  const seconds = (performance.now() - started) / 1000
  const tags = new Map((await client.getRun(result.runId)).data.tags.map((t) => [t.key, t.value]))
  return { result, stdout, stderr, tags, seconds }
}

/** Run `fn` with PATH limited to Debian's system folders (its python3, no pyenv, uv or conda). */
async function withSystemPath<T>(fn: () => Promise<T>, path = '/usr/bin:/bin'): Promise<T> {
  const saved = process.env.PATH
  process.env.PATH = path
  try {
    return await fn()
  } finally {
    process.env.PATH = saved
  }
}

const PRINT_PREFIX = 'import os, sys\nprint("prefix=" + sys.prefix)\nprint("run=" + os.environ["MLFLOW_RUN_ID"])\n'

describe('project environments', () => {
  it("builds a python_env venv with Debian's python3 once and reuses it by content hash", async (t) => {
    const dir = await project({
      MLproject: 'python_env: python_env.yaml\nentry_points:\n  main:\n    command: python train.py\n',
      'python_env.yaml': 'python: "3.11"\nbuild_dependencies: []\ndependencies: []\n',
      'train.py': PRINT_PREFIX,
    })
    await withSystemPath(async () => {
      const first = await run({ uri: dir })
      assert.equal(first.result.status, 'FINISHED', first.stderr)
      assert.match(first.stderr, /=== Creating a virtualenv environment for Python 3\.11\.\d+ ===/)
      assert.equal(first.tags.get('mlflow.project.env'), 'virtualenv')
      const prefix = /prefix=(\S+)/.exec(first.stdout)?.[1] ?? ''
      assert.ok(prefix.startsWith(join(envCacheDir, 'venv-')), prefix)
      assert.match(first.stdout, new RegExp(`run=${first.result.runId}`))

      const second = await run({ uri: dir })
      assert.equal(second.result.status, 'FINISHED', second.stderr)
      assert.match(second.stderr, new RegExp(`=== Reusing environment ${prefix} ===`))
      assert.doesNotMatch(second.stderr, /Creating/)
      assert.match(second.stdout, new RegExp(`prefix=${prefix}`))
      t.diagnostic(`first run (venv built) ${first.seconds.toFixed(2)} s, second run (reused) ${second.seconds.toFixed(2)} s`)

      // The key is the environment's content: a comment changes nothing, a dependency does.
      const planned = async (text: string) => {
        await writeFile(join(dir, 'python_env.yaml'), text)
        return (await planEnvironment(await loadProject(dir), undefined, envCacheDir)).location
      }
      assert.equal(await planned('python: "3.11"\nbuild_dependencies: []\ndependencies: []\n# a comment\n'), prefix)
      assert.notEqual(await planned('python: "3.11"\ndependencies: [numpy==2.0]\n'), prefix)
      await writeFile(join(dir, 'requirements.txt'), 'pandas\n')
      const withFile = await planned('python: "3.11"\ndependencies: [-r requirements.txt]\n')
      await writeFile(join(dir, 'requirements.txt'), 'pandas==2.2\n')
      assert.notEqual(await planned('python: "3.11"\ndependencies: [-r requirements.txt]\n'), withFile)
    })
  })

  it("runs a Python entry point with Debian's python3 and --env-manager local", async () => {
    const dir = await project({ 'python_env.yaml': 'python: "3.11"\n', 'main.py': PRINT_PREFIX })
    await withSystemPath(async () => {
      const local = await run({ uri: dir, entryPoint: 'main.py', envManager: 'local' })
      assert.equal(local.result.status, 'FINISHED', local.stderr)
      assert.match(local.stdout, /prefix=\/usr\n/)
      assert.match(local.stdout, new RegExp(`run=${local.result.runId}`))
      assert.equal(local.tags.get('mlflow.project.env'), 'local')
    })
  })

  it('installs a package-lock.json with npm ci into a cached folder, linked for the run and unlinked after', async (t) => {
    const dir = await project({
      'package.json': JSON.stringify({ name: 'uses-picocolors', version: '1.0.0', private: true, dependencies: { picocolors: '1.1.1' } }),
      'package-lock.json': JSON.stringify({
        name: 'uses-picocolors',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'uses-picocolors', version: '1.0.0', dependencies: { picocolors: '1.1.1' } },
          'node_modules/picocolors': {
            version: '1.1.1',
            resolved: 'https://registry.npmjs.org/picocolors/-/picocolors-1.1.1.tgz',
            integrity: 'sha512-xceH2snhtb5M9liqDsmEw56le376mTZkEX/jEb/RxNFyegNul7eNslCXP9FDj/Lcu0X8KEyMceP2ntpaHrDEVA==',
            license: 'ISC',
          },
        },
      }),
      'main.mjs': "import pc from 'picocolors'\nconsole.log('has green:', typeof pc.green)\n",
    })
    const first = await run({ uri: dir, entryPoint: 'main.mjs' })
    assert.equal(first.result.status, 'FINISHED', first.stderr)
    assert.match(first.stdout, /has green: function/)
    assert.match(first.stderr, /=== Installing package-lock\.json with npm ci ===/)
    assert.equal(first.tags.get('mlflow.project.env'), 'npm')
    assert.equal(existsSync(join(dir, 'node_modules')), false, 'the link is removed after the run')
    const second = await run({ uri: dir, entryPoint: 'main.mjs' })
    assert.match(second.stdout, /has green: function/)
    assert.match(second.stderr, /=== Reusing environment .*npm-[0-9a-f]+ ===/)
    t.diagnostic(`first run (npm ci) ${first.seconds.toFixed(2)} s, second run (reused) ${second.seconds.toFixed(2)} s`)
    // A project's own node_modules is used as it is.
    await mkdir(join(dir, 'node_modules', 'picocolors'), { recursive: true })
    await writeFile(join(dir, 'node_modules', 'picocolors', 'package.json'), '{"name":"picocolors","main":"index.js"}')
    await writeFile(join(dir, 'node_modules', 'picocolors', 'index.js'), 'module.exports = { green: 1 }')
    const own = await run({ uri: dir, entryPoint: 'main.mjs' })
    assert.match(own.stdout, /has green: number/)
    assert.ok((await lstat(join(dir, 'node_modules'))).isDirectory())
  })

  it('explains what is missing for conda, docker, uv and an uninstalled Python, before any run exists', async () => {
    const conda = await loadProject(await project({ 'conda.yaml': 'name: x\ndependencies: [python=3.11]\n' }))
    await withSystemPath(() =>
      assert.rejects(planEnvironment(conda, undefined, envCacheDir), {
        name: 'ProjectError',
        message: "This project's conda environment (conda.yaml) needs conda, which is not on PATH (nor in MLFLOW_CONDA_HOME). Install conda or mamba, or run with --env-manager local to use what is installed.",
      }),
    )
    const docker = await loadProject(await project({ MLproject: 'docker_env:\n  image: python:3.11\n' }))
    await withSystemPath(() =>
      assert.rejects(planEnvironment(docker, undefined, envCacheDir), {
        message: 'This project runs in Docker (docker_env), and neither docker nor podman is on PATH. Install one, or run with --env-manager local to use what is installed.',
      }),
    )
    if (which('docker') && (await runTool('docker', ['info'], { log: () => {} })).code !== 0) {
      // This machine has the docker client without a daemon: the error says so.
      await assert.rejects(planEnvironment(docker, undefined, envCacheDir), /^ProjectError: This project runs in Docker \(docker_env\), and docker cannot reach its daemon: Cannot connect to the Docker daemon/)
    }
    await assert.rejects(planEnvironment(docker, 'virtualenv', envCacheDir), { message: '--env-manager virtualenv cannot be used with a docker_env project.' })
    assert.equal((await planEnvironment(docker, 'local', envCacheDir)).name, 'local')
    const python = await loadProject(await project({ 'python_env.yaml': 'python: "2.7"\n' }))
    await withSystemPath(() =>
      assert.rejects(planEnvironment(python, undefined, envCacheDir), /^ProjectError: .*python_env\.yaml asks for Python 2\.7, which is not installed \(python3 is 3\.11\.\d+\)\. Install it, or run with --env-manager local/),
    )
    await withSystemPath(() =>
      assert.rejects(planEnvironment(python, 'uv', envCacheDir), { message: '--env-manager uv needs uv, which is not on PATH. Install uv, or use --env-manager virtualenv or local.' }),
    )
    await assert.rejects(planEnvironment(python, 'conda', envCacheDir), /--env-manager conda needs a conda environment file; this project declares python_env\.yaml/)
    await assert.rejects(planEnvironment(conda, 'virtualenv', envCacheDir), /--env-manager virtualenv needs a python_env file; this project declares a conda environment \(conda\.yaml\)/)
    const node = await loadProject(await project({ 'package.json': '{}', 'package-lock.json': '{}' }))
    await assert.rejects(planEnvironment(node, 'uv', envCacheDir), /--env-manager uv is for Python projects; this one's environment is package-lock\.json \(npm\)/)
    const none = await loadProject(await project({}))
    await assert.rejects(planEnvironment(none, 'conda', envCacheDir), /needs a conda environment file \(conda\.yaml\), and this project has none/)
  })
})
