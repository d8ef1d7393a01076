import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { OrchardClient } from '../orchard-client.ts'
import { OUTPUT_ARTIFACT_DIR, OUTPUT_ARTIFACT_FILE, PROJECT_TAGS } from './project-tags.ts'
import { runProject, startProjectRun } from './run-project.ts'
import type { RunProjectOptions } from './run-project.ts'

let root: string
let trackingUri: string
let client: OrchardClient
let counter = 0

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'orchard-run-project-'))
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
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true })
    await writeFile(join(dir, name), text)
  }
  return dir
}

/** runProject with its output captured instead of printed. */
async function run(options: RunProjectOptions) {
  const out = new PassThrough()
  const err = new PassThrough()
  let stdout = ''
  let stderr = ''
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const result = await runProject({ trackingUri, cwd: root, forwardSignals: false, envCacheDir: join(root, 'envs'), stdout: out, stderr: err, ...options })
  return { result, stdout, stderr }
}

/** Running, not a zombie waiting for a reaper (a container's init may never reap one). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

const tagsOf = async (runId: string) => new Map((await client.getRun(runId)).data.tags.map((t) => [t.key, t.value]))

describe('runProject', () => {
  it('runs the entry point in a new run with MLflow project tags, params, run variables and its output as an artifact', async () => {
    const dir = await project({
      MLproject: [
        'name: hello',
        'entry_points:',
        '  main:',
        '    parameters:',
        '      greeting: string',
        '      times: {type: int, default: 2}',
        '    command: "echo {greeting} {times}; echo oops >&2; env | grep ^MLFLOW_ | sort > seen.txt; echo"',
      ].join('\n'),
    })
    const { result, stdout, stderr } = await run({ uri: dir, parameters: { greeting: 'hi there', extra: 'x' }, runName: 'greet', experimentName: 'projects' })
    assert.equal(result.status, 'FINISHED')
    assert.equal(result.exitCode, 0)
    assert.equal(result.command, "echo 'hi there' 2; echo oops >&2; env | grep ^MLFLOW_ | sort > seen.txt; echo --extra x")
    assert.match(stdout, /hi there 2\n--extra x\n/)
    assert.match(stderr, /oops/)
    assert.match(stderr, /=== Running command 'echo 'hi there' 2; .*' in run with ID '[0-9a-f]{32}' ===/)
    const stored = await client.getRun(result.runId)
    assert.equal(stored.info.status, 'FINISHED')
    assert.equal(stored.info.runName, 'greet')
    const experiment = await client.getExperimentByName('projects')
    assert.equal(stored.info.experimentId, experiment?.experimentId)
    const tags = await tagsOf(result.runId)
    assert.equal(tags.get('mlflow.source.type'), 'PROJECT')
    assert.equal(tags.get('mlflow.source.name'), dir)
    assert.equal(tags.get('mlflow.project.entryPoint'), 'main')
    assert.equal(tags.get('mlflow.project.env'), 'local')
    assert.equal(tags.get('mlflow.project.backend'), 'local')
    assert.equal(tags.get(PROJECT_TAGS.exitCode), '0')
    assert.ok(tags.get('mlflow.user'))
    assert.deepEqual(
      Object.fromEntries(stored.data.params.map((p) => [p.key, p.value])),
      { greeting: 'hi there', times: '2', extra: 'x' },
    )
    const seen = await readFile(join(dir, 'seen.txt'), 'utf8')
    assert.match(seen, new RegExp(`^MLFLOW_EXPERIMENT_ID=${stored.info.experimentId}$`, 'm'))
    assert.match(seen, new RegExp(`^MLFLOW_RUN_ID=${result.runId}$`, 'm'))
    assert.match(seen, new RegExp(`^MLFLOW_TRACKING_URI=${trackingUri}$`, 'm'))
    const artifacts = await client.listArtifacts(result.runId, OUTPUT_ARTIFACT_DIR)
    assert.deepEqual(artifacts.map((a) => a.path), [`${OUTPUT_ARTIFACT_DIR}/${OUTPUT_ARTIFACT_FILE}`])
    const downloaded = await client.downloadArtifacts(result.runId, `${OUTPUT_ARTIFACT_DIR}/${OUTPUT_ARTIFACT_FILE}`, join(root, 'dl'))
    const log = await readFile(downloaded, 'utf8')
    assert.match(log, /hi there 2/)
    assert.match(log, /oops/)
  })

  it('passes hostile parameter values to the program unchanged and never to the shell', async () => {
    const dir = await project({
      MLproject: 'entry_points:\n  main:\n    parameters:\n      value: string\n    command: "printf %s {value} > got.txt"\n',
    })
    const hostile = ["$(touch pwned1)", '`touch pwned2`', "'; touch pwned3; '", '"; touch pwned4; "', 'a && touch pwned5', '$HOME\nnext']
    for (const value of hostile) {
      const { result } = await run({ uri: dir, parameters: { value } })
      assert.equal(result.status, 'FINISHED')
      assert.equal(await readFile(join(dir, 'got.txt'), 'utf8'), value)
    }
    const { result } = await run({ uri: dir, parameters: { value: 'v', other: '$(touch pwned6); `touch pwned7`' } })
    assert.equal(result.status, 'FINISHED')
    for (let i = 1; i <= 7; i++) {
      assert.equal(existsSync(join(dir, `pwned${i}`)), false, `pwned${i}`)
      assert.equal(existsSync(join(root, `pwned${i}`)), false, `pwned${i}`)
    }
  })

  it('ends FAILED with the exit code of a failing command', async () => {
    const dir = await project({ 'fail.sh': 'echo failing; exit 3\n' })
    const { result } = await run({ uri: dir, entryPoint: 'fail.sh' })
    assert.equal(result.status, 'FAILED')
    assert.equal(result.exitCode, 3)
    assert.equal((await client.getRun(result.runId)).info.status, 'FAILED')
    assert.equal((await tagsOf(result.runId)).get(PROJECT_TAGS.exitCode), '3')
  })

  it('ends KILLED when stopped, signalling the whole process group', async () => {
    const dir = await project({ 'long.sh': 'sleep 300 &\necho $! > sleeper.pid\nwait\n' })
    const controller = new AbortController()
    const pending = run({ uri: dir, entryPoint: 'long.sh', signal: controller.signal })
    const pidFile = join(dir, 'sleeper.pid')
    for (let i = 0; i < 600 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50))
    const sleeper = Number((await readFile(pidFile, 'utf8')).trim())
    controller.abort()
    const { result } = await pending
    assert.equal(result.status, 'KILLED')
    assert.equal(result.exitCode, 128 + 15)
    assert.equal((await client.getRun(result.runId)).info.status, 'KILLED')
    let alive = true
    for (let i = 0; i < 200 && alive; i++) {
      alive = isRunning(sleeper)
      if (alive) await new Promise((r) => setTimeout(r, 50))
    }
    assert.equal(alive, false, 'the grandchild got the signal too')
  })

  it('kills the group when the command ignores the signal past the grace period', async () => {
    const dir = await project({ 'stubborn.sh': "trap '' TERM\necho ready > ready.txt\nsleep 300\n" })
    const controller = new AbortController()
    const pending = run({ uri: dir, entryPoint: 'stubborn.sh', signal: controller.signal, killGraceMs: 300 })
    for (let i = 0; i < 600 && !existsSync(join(dir, 'ready.txt')); i++) await new Promise((r) => setTimeout(r, 50))
    controller.abort()
    const { result } = await pending
    assert.equal(result.status, 'KILLED')
    assert.equal(result.exitCode, 128 + 9)
  })

  it('creates no run when the parameters do not validate', async () => {
    const dir = await project({ MLproject: 'entry_points:\n  main:\n    parameters:\n      n: int\n      data: path\n    command: echo {n}\n' })
    const experimentName = `invalid-${counter}`
    await assert.rejects(run({ uri: dir, experimentName, parameters: { n: '1' } }), { name: 'ProjectError', message: "No value given for missing parameters: 'data'" })
    await assert.rejects(run({ uri: dir, experimentName, parameters: { n: 'x', data: '.' } }), { message: "Parameter n must be an int, but got 'x'." })
    await assert.rejects(run({ uri: dir, experimentName, parameters: { n: '1', data: 'missing.csv' } }), {
      message: 'Got value missing.csv for parameter data, but no such file or directory was found.',
    })
    await assert.rejects(run({ uri: dir, experimentName, experimentId: '0', parameters: { n: '1', data: '.' } }), {
      message: "Specify only one of 'experiment-name' or 'experiment-id' options.",
    })
    assert.equal(await client.getExperimentByName(experimentName), undefined)
  })

  it('startProjectRun checks and creates the run, and runProject continues it', async () => {
    const dir = await project({ MLproject: 'entry_points:\n  main:\n    command: echo continued\n' })
    const started = await startProjectRun({ uri: dir, trackingUri, cwd: root })
    assert.equal((await client.getRun(started.runId)).info.status, 'RUNNING')
    const { result, stdout } = await run({ uri: dir, runId: started.runId })
    assert.equal(result.runId, started.runId)
    assert.match(stdout, /continued/)
    assert.equal((await client.getRun(started.runId)).info.status, 'FINISHED')
  })

  it('runs TypeScript and JavaScript scripts with the SDK logging into the same run', async () => {
    const sdkIndex = new URL('../index.ts', import.meta.url).href
    const dir = await project({
      'train.ts': `import { logMetric, startRun, endRun } from ${JSON.stringify(sdkIndex)}\nconst run = await startRun()\nawait logMetric('loss', 0.25)\nawait endRun()\nconsole.log('logged to', run.runId)\n`,
      'plain.mjs': 'console.log("node", process.env.MLFLOW_RUN_ID)\n',
      'package.json': '{"type": "module"}\n',
    })
    const { result, stdout, stderr } = await run({ uri: dir, entryPoint: 'train.ts' })
    assert.equal(result.status, 'FINISHED', stdout + stderr)
    assert.match(stdout, new RegExp(`logged to ${result.runId}`))
    const stored = await client.getRun(result.runId)
    assert.deepEqual(stored.data.metrics.map((m) => [m.key, m.value]), [['loss', 0.25]])
    const plain = await run({ uri: dir, entryPoint: 'plain.mjs' })
    assert.match(plain.stdout, new RegExp(`node ${plain.result.runId}`))
  })
})
