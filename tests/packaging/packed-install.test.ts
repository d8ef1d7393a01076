// What a user gets from npm: the workspaces packed into tarballs, installed into an empty project with
// nothing else, and used with plain `node` — the built JavaScript, never the TypeScript sources, tsx or
// this repository. Slow on purpose (npm compiles better-sqlite3 for the new project): one install
// serves every check.
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { builtinModules } from 'node:module'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TEN_MINUTES = 10 * 60_000

// The user's environment, not ours: no source condition, no tsx, no tracking URI from the shell.
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of Object.keys(env)) if (name.startsWith('MLFLOW_')) delete env[name]
  delete env.NODE_OPTIONS
  delete env.NODE_ENV
  return { ...env, ...extra }
}

async function files(dir: string, out: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) await files(path, out)
    else out.push(path)
  }
  return out
}

const exists = (path: string) => stat(path).then(() => true, () => false)

describe('packed packages installed from their tarballs alone', { timeout: 3 * TEN_MINUTES }, () => {
  let work: string
  let app: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'orchard-packed-'))
    app = join(work, 'app')
    // The script the container image is built with: `npm pack --workspaces` (each `prepack` builds),
    // then `npm install` of those tarballs alone into an empty project.
    await run(process.execPath, [join(ROOT, 'scripts/install-packed.mjs'), work], { cwd: ROOT, env: userEnv(), maxBuffer: 64 << 20, timeout: 2 * TEN_MINUTES })
    const names = (await readdir(join(work, 'tarballs'))).filter((name) => name.endsWith('.tgz'))
    assert.ok(names.length >= 9, `expected a tarball per package, got ${names.join(', ')}`)
  })

  after(async () => {
    if (work) await rm(work, { recursive: true, force: true })
  })

  it('ships built JavaScript with declarations and source maps, and no sources or tests', async () => {
    const installed = join(app, 'node_modules/@orchard')
    for (const name of ['protocol', 'core', 'store', 'artifacts', 'server', 'models', 'sdk', 'cli']) {
      const all = (await files(join(installed, name))).map((path) => relative(join(installed, name), path))
      assert.ok(all.includes('dist/index.js') || name === 'cli', `${name}: dist/index.js missing`)
      const sources = all.filter((path) => /\.(ts|tsx)$/.test(path) && !path.endsWith('.d.ts'))
      assert.deepEqual(sources, [], `${name} ships TypeScript sources`)
      assert.deepEqual(all.filter((path) => /(^|\/)test\/|\.test\./.test(path)), [], `${name} ships tests`)
      if (name !== 'cli') {
        assert.ok(all.includes('dist/index.d.ts'), `${name}: no declarations`)
        assert.ok(all.includes('dist/index.js.map'), `${name}: no source map`)
      }
    }
    assert.ok(await exists(join(installed, 'ui/dist/index.html')), 'the UI build is not in @orchard/ui')
    // Heavy parts stay optional, and nothing runs TypeScript at run time.
    for (const name of ['tsx', 'onnxruntime-node', 'esbuild', 'typescript']) {
      assert.equal(await exists(join(app, 'node_modules', name)), false, `${name} was installed`)
    }
  })

  it('imports the SDK from plain JavaScript and logs to an embedded store', async () => {
    const script = `
      import { OrchardClient } from '@orchard/sdk'
      const client = new OrchardClient('./mlruns')
      const experimentId = await client.createExperiment('packed')
      const created = await client.createRun(experimentId, { runName: 'first' })
      await client.logMetric(created.info.runId, 'loss', 0.25, { step: 1 })
      const history = await client.getMetricHistory(created.info.runId, 'loss')
      await client.close()
      console.log(JSON.stringify(history.map((m) => [m.step, m.value])))
    `
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app, env: userEnv() })
    assert.deepEqual(JSON.parse(stdout), [[1, 0.25]])
    assert.ok(await exists(join(app, 'mlruns/orchard.db')))
  })

  it('type-checks a TypeScript user of the SDK against the shipped declarations', async () => {
    await writeFile(
      join(app, 'use.ts'),
      `import { OrchardClient } from '@orchard/sdk'
import { TrackingClient } from '@orchard/sdk/rest'
const client: OrchardClient = new OrchardClient('http://127.0.0.1:5000')
const id: Promise<string> = client.createExperiment('typed')
// @ts-expect-error a number is not a tracking URI: the declarations are real types, not any
new OrchardClient(42)
export { id, TrackingClient }
`,
    )
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['use.ts'] }),
    )
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
    await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, env: userEnv() }).catch((error: { stdout?: string }) => {
      assert.fail(`tsc failed:\n${error.stdout}`)
    })
  })

  it('bundles @orchard/sdk/rest for the browser: no node: modules reach it', async () => {
    const { build } = await import('esbuild')
    await writeFile(join(app, 'browser.js'), `import { TrackingClient, RestTransport } from '@orchard/sdk/rest'\nexport { TrackingClient, RestTransport }\n`)
    const result = await build({ entryPoints: [join(app, 'browser.js')], absWorkingDir: app, bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' })
    const code = result.outputFiles[0]!.text
    assert.ok(code.length > 1000)
    assert.doesNotMatch(code, /from\s*["']node:/)
  })

  it('lists every command with `orchard --help`, as the sources do', async () => {
    const commandNames = (help: string) =>
      help
        .split('\nCommands:\n')[1]!
        .split('\n\n')[0]!
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[0])
    const installed = await run(join(app, 'node_modules/.bin/orchard'), ['--help'], { cwd: app, env: userEnv() })
    const sources = await run(process.execPath, ['--conditions=orchard-source', join(ROOT, 'packages/cli/bin/orchard.mjs'), '--help'], { cwd: ROOT })
    assert.deepEqual(commandNames(installed.stdout), commandNames(sources.stdout))
    assert.ok(commandNames(installed.stdout).includes('server'))
  })

  // The binary runs the CLI's bundle; what its packages find beside their own files (the store's
  // migrations, the Parquet encoding worker) must be beside the bundle too.
  it('runs a project and logs predictions from the bundled CLI', async () => {
    const cli = join(app, 'node_modules/@orchard/cli')
    assert.ok(await exists(join(cli, 'bundle/main.js')), 'the CLI bundle is not in @orchard/cli')
    // Packages the bundle leaves outside are its own dependencies (resolved from @orchard/cli), or
    // optional ones it loads only when asked and explains when missing.
    const manifest = JSON.parse(await readFile(join(cli, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    const optional = new Set(['esbuild', 'onnxruntime-node'])
    const chunks = (await readdir(join(cli, 'bundle'))).filter((name) => name.endsWith('.js'))
    for (const chunk of chunks) {
      const code = await readFile(join(cli, 'bundle', chunk), 'utf8')
      for (const match of code.matchAll(/(?:^|[;\s])(?:import|export)\b[^'"]*?from\s*"([^"./][^"]*)"|\bimport\(\s*"([^"./][^"]*)"\s*\)/gm)) {
        const specifier = match[1] ?? match[2]
        if (!specifier || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!
        assert.ok(name in manifest.dependencies || optional.has(name), `${chunk} imports ${specifier}, which @orchard/cli does not depend on`)
      }
    }
    const orchard = join(app, 'node_modules/.bin/orchard')
    const project = join(app, 'bundled-project')
    await mkdir(project)
    await writeFile(join(project, 'MLproject'), 'name: bundled\nentry_points:\n  main:\n    parameters:\n      n: {type: int, default: 1}\n    command: "node -e \\"console.log(\'n is\', {n})\\""\n')
    const store = join(app, 'bundled-store')
    const ran = await run(orchard, ['run', project, '-P', 'n=7', '--env-manager', 'local', '--tracking-uri', store], { cwd: app, env: userEnv() })
    assert.match(ran.stdout, /n is 7/)
    const runs = await run(orchard, ['runs', 'search', '--tracking-uri', store], { cwd: app, env: userEnv() })
    assert.match(runs.stdout, /FINISHED/)

    const model = join(app, 'bundled-model')
    const save = `import { saveLinearModel } from '@orchard/models'\nawait saveLinearModel(${JSON.stringify(model)}, { intercept: 1, coefficients: [2], feature_names: ['a'] })`
    await run(process.execPath, ['--input-type=module', '-e', save], { cwd: app, env: userEnv() })
    const logs = join(app, 'bundled-logs')
    const child = spawn(orchard, ['models', 'serve', '-m', model, '--port', '0', '--log-predictions', '--log-destination', logs], { cwd: app, env: userEnv() })
    let output = ''
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const read = (chunk: Buffer) => {
          output += chunk.toString()
          const match = /Listening on (http:\/\/\S+)/.exec(output)
          if (match) resolve(match[1]!)
        }
        child.stdout.on('data', read)
        child.stderr.on('data', read)
        child.on('exit', (code) => reject(new Error(`models serve exited ${code}:\n${output}`)))
      })
      const scored = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_records: [{ a: 1 }, { a: 2 }] }) })
      assert.deepEqual(await scored.json(), { predictions: [3, 5] })
    } finally {
      child.kill('SIGTERM')
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)))
    }
    // The shutdown flush goes through the encoding thread; rows it lost would be counted, not written.
    const written = (await readdir(logs, { recursive: true })).filter((name) => name.endsWith('.parquet'))
    assert.equal(written.length, 1, `no prediction log was written:\n${output}`)
    assert.doesNotMatch(output, /rows dropped/)
    assert.doesNotMatch(output, /encoding thread failed/, 'the encoding thread runs from the installed package')
  })

  it('starts `orchard server` and serves the built UI at / and the REST API', async () => {
    const child = spawn(join(app, 'node_modules/.bin/orchard'), ['server', '--port', '0'], { cwd: app, env: userEnv() })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = ''
        const timer = setTimeout(() => reject(new Error(`no "Listening on" line:\n${output}`)), 60_000)
        const read = (chunk: Buffer) => {
          output += chunk.toString()
          const match = /Listening on (http:\/\/\S+)/.exec(output)
          if (match) {
            clearTimeout(timer)
            resolve(match[1]!)
          }
        }
        child.stdout.on('data', read)
        child.stderr.on('data', read)
        child.on('exit', (code) => reject(new Error(`server exited ${code}:\n${output}`)))
      })
      const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } })
      assert.equal(page.status, 200)
      const html = await page.text()
      assert.match(html, /<script type="module"[^>]+src="\/assets\//)
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!
      assert.equal((await fetch(`${url}${asset}`)).status, 200)
      const created = await fetch(`${url}/api/2.0/mlflow/experiments/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'from-the-package' }),
      })
      assert.equal(created.status, 200)
      assert.ok(((await created.json()) as { experiment_id: string }).experiment_id)
    } finally {
      child.kill('SIGTERM')
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)))
    }
  })

  it('says how to add onnxruntime-node when an ONNX model is loaded without it', async () => {
    const model = join(app, 'onnx-model')
    await mkdir(model)
    await writeFile(join(model, 'MLmodel'), 'flavors:\n  onnx:\n    data: model.onnx\n    onnx_version: 1.17.0\n')
    await writeFile(join(model, 'model.onnx'), '')
    const script = `
      import { loadModelFromDir } from '@orchard/models'
      try { await loadModelFromDir(${JSON.stringify(model)}); console.log('loaded') }
      catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })) }
    `
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app, env: userEnv() })
    const error = JSON.parse(stdout) as { code: string; message: string }
    assert.equal(error.code, 'NOT_IMPLEMENTED')
    assert.match(error.message, /npm install onnxruntime-node/)
  })

  it("runs the container's command with the Dockerfile's environment, and its HEALTHCHECK passes", async () => {
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8')
    const final = dockerfile.replace(/\\\n\s*/g, ' ').split(/^FROM /m).at(-1)!
    const env: Record<string, string> = {}
    for (const line of final.split('\n').filter((l) => l.startsWith('ENV '))) {
      for (const match of line.slice(4).matchAll(/([A-Z_]+)=(\S+)/g)) env[match[1]!] = match[2]!
    }
    assert.match(final, /^USER (?!root)\w+/m, 'the image runs as a non-root user')
    const entrypoint = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(final)![1]!) as string[]
    const cmd = JSON.parse(/^CMD (.+)$/m.exec(final)![1]!) as string[]
    const healthcheck = /^HEALTHCHECK .*?CMD (.+)$/m.exec(final)![1]!
    assert.deepEqual(entrypoint, ['orchard'])
    assert.ok(env.MLFLOW_BACKEND_STORE_URI?.includes('/data/'), 'data under the /data volume')

    // /data becomes a temporary folder; the port one that is free; the host loopback.
    const data = join(work, 'data')
    await mkdir(data)
    const local = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value.replaceAll('/data', data)]))
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo
        probe.close(() => resolve(port))
      })
    })
    Object.assign(local, { MLFLOW_HOST: '127.0.0.1', MLFLOW_PORT: String(port) })
    const child = spawn(join(app, 'node_modules/.bin', entrypoint[0]!), cmd, { cwd: data, env: userEnv(local) })
    try {
      await new Promise<void>((resolve, reject) => {
        let output = ''
        const timer = setTimeout(() => reject(new Error(`not listening:\n${output}`)), 60_000)
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          if (output.includes(`Listening on http://127.0.0.1:${port}`)) {
            clearTimeout(timer)
            resolve()
          }
        })
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
        child.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)))
      })
      await run('/bin/sh', ['-c', healthcheck], { env: userEnv(local), timeout: 10_000 })
      assert.ok(await exists(join(data, 'orchard.db')), 'the database is in the volume')
    } finally {
      child.kill('SIGTERM')
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)))
    }
    // And the check fails when nothing answers.
    await assert.rejects(run('/bin/sh', ['-c', healthcheck], { env: userEnv(local), timeout: 10_000 }))
  })

  it('keeps package manifests publishable: versions, ranges and entry points that exist', async () => {
    for (const name of ['protocol', 'core', 'store', 'artifacts', 'server', 'models', 'sdk', 'cli', 'ui']) {
      const manifest = JSON.parse(await readFile(join(app, 'node_modules/@orchard', name, 'package.json'), 'utf8')) as {
        private?: boolean
        license?: string
        dependencies?: Record<string, string>
      }
      assert.notEqual(manifest.private, true, `${name} is private`)
      assert.ok(manifest.license, `${name} has no license`)
      for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
        if (dependency.startsWith('@orchard/')) assert.match(range, /^\^\d+\.\d+\.\d+$/, `${name} → ${dependency}`)
      }
    }
  })
})
