import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { OrchardClient } from '@orchard/sdk'
import { BIN, childEnv, orchard, STACK_FRAME, tempDir } from './harness.ts'

const MLPROJECT = `name: cli-demo
entry_points:
  main:
    parameters:
      alpha: float
      epochs: {type: int, default: 3}
      data: {type: path, default: data.csv}
    command: "echo alpha={alpha} epochs={epochs}"
  fail:
    command: "echo about to fail; exit 7"
  long:
    command: "echo started; sh -c 'echo $$ > sleeper.pid; exec sleep 300'"
`

describe('orchard run', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let projectDir: string
  let store: string
  before(async () => {
    dir = await tempDir()
    projectDir = join(dir.path, 'project')
    store = join(dir.path, 'store')
    await mkdir(projectDir)
    await writeFile(join(projectDir, 'MLproject'), MLPROJECT)
    await writeFile(join(projectDir, 'data.csv'), 'x\n')
  })
  after(() => dir.remove())

  const runIdOf = (stderr: string) => /in run with ID '([0-9a-f]{32})'/.exec(stderr)?.[1] ?? ''

  it('documents itself with --help', async () => {
    const help = await orchard(dir.path, ['run', '--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /Usage: orchard run \[<uri>\] \[flags\]/)
    for (const flag of ['-e, --entry-point', '-P, --param-list', '--version', '--experiment-name', '--env-manager', '--build-image', '--from-run', '--detach']) {
      assert.ok(help.stdout.includes(flag), flag)
    }
    assert.match((await orchard(dir.path, ['--help'])).stdout, /run\s+Run an MLflow project/)
  })

  it('exits 2 with one line for a missing value, a wrong type, a missing path and a malformed -P', async () => {
    const cases: [string[], string][] = [
      [[], "error: No value given for missing parameters: 'alpha'"],
      [['-P', 'alpha=fast'], "error: Parameter alpha must be a float, but got 'fast'."],
      [['-P', 'alpha=1', '-P', 'epochs=1.5'], "error: Parameter epochs must be an int, but got '1.5'."],
      [['-P', 'alpha=1', '-P', 'data=nope.csv'], 'error: Got value nope.csv for parameter data, but no such file or directory was found.'],
      [['-P', 'alpha'], "error: Invalid format for -P parameter: 'alpha'. Use -P name=value."],
      [['-P', 'alpha=1', '-P', 'alpha=2'], "error: Repeated parameter: 'alpha'"],
      [['-e', 'nothing'], "error: Could not find nothing among entry points ['main', 'fail', 'long'] or interpret nothing as a runnable script. Supported script file extensions: ['.py', '.sh', '.js', '.mjs', '.ts']"],
      [['--version', 'v1'], 'error: Setting a version is only supported for Git project URIs'],
      [['-P', 'alpha=1', '--build-image'], "error: --build-image builds an image FROM the project's docker_env image; this project declares no docker_env."],
    ]
    for (const [args, message] of cases) {
      const result = await orchard(dir.path, ['run', projectDir, '--tracking-uri', store, ...args])
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`)
      assert.equal(result.stderr.trim(), message)
      assert.doesNotMatch(result.stderr, STACK_FRAME)
    }
    const usage = await orchard(dir.path, ['run', projectDir, '--env-manager', 'pip'])
    assert.equal(usage.code, 2)
    assert.match(usage.stderr, /--env-manager must be one of local, virtualenv, uv, conda/)
    assert.equal((await orchard(dir.path, ['run'])).code, 2)
    const backend = await orchard(dir.path, ['run', projectDir, '-b', 'kubernetes'])
    assert.equal(backend.code, 2)
    assert.match(backend.stderr, /--backend kubernetes is not available; Orchard runs projects locally/)
    assert.equal(existsSync(join(store, 'orchard.db')), false, 'nothing ran, nothing was created')
  })

  it('exits 2 before creating a run when --build-image cannot reach a container daemon', async (t) => {
    const cli = ['docker', 'podman'].find((name) => process.env.PATH?.split(':').some((d) => existsSync(join(d, name))))
    if (!cli) return t.skip('no docker or podman CLI on this machine')
    const dockerDir = join(dir.path, 'docker-project')
    await mkdir(dockerDir, { recursive: true })
    await writeFile(join(dockerDir, 'MLproject'), 'name: d\ndocker_env:\n  image: alpine:3\nentry_points:\n  main:\n    command: "echo hi"\n')
    const result = await orchard(dir.path, ['run', dockerDir, '--build-image', '--tracking-uri', join(dir.path, 'docker-store')])
    if (result.code === 0) return t.skip('a container daemon is reachable here')
    assert.equal(result.code, 2, result.stderr)
    assert.match(result.stderr, new RegExp(`^error: This project runs in Docker \\(docker_env\\), and ${cli} cannot reach its daemon, which --build-image needs to build its image: `))
    assert.doesNotMatch(result.stderr, STACK_FRAME)
    assert.equal(existsSync(join(dir.path, 'docker-store', 'orchard.db')), false, 'no run was created')
  })

  it('runs in ./mlruns when no tracking URI is set, and returns the exit code of the command', async () => {
    const ok = await orchard(dir.path, ['run', 'project', '-P', 'alpha=0.5', '--run-name', 'cli'])
    assert.equal(ok.code, 0, ok.stderr)
    assert.match(ok.stdout, /alpha=0.5 epochs=3/)
    const client = new OrchardClient(join(dir.path, 'mlruns'))
    try {
      const run = await client.getRun(runIdOf(ok.stderr))
      assert.equal(run.info.status, 'FINISHED')
      assert.equal(run.info.runName, 'cli')
      const failed = await orchard(dir.path, ['run', 'project', '-e', 'fail'])
      assert.equal(failed.code, 7)
      assert.match(failed.stderr, /=== Run \(ID '[0-9a-f]{32}'\) failed with exit code 7 ===/)
      assert.equal((await client.getRun(runIdOf(failed.stderr))).info.status, 'FAILED')
    } finally {
      await client.close()
    }
  })

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`forwards ${signal} to the command's process group and ends the run KILLED`, async () => {
      await rmPid(projectDir)
      const child = spawn(process.execPath, [BIN, 'run', projectDir, '-e', 'long', '--tracking-uri', store], { cwd: dir.path, env: childEnv() })
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
      const pidFile = join(projectDir, 'sleeper.pid')
      for (let i = 0; i < 1200 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50))
      const sleeper = Number(readFileSync(pidFile, 'utf8').trim())
      child.kill(signal)
      const code = await exited
      assert.equal(code, signal === 'SIGINT' ? 130 : 143, stderr)
      assert.match(stderr, /was killed/)
      let running = true
      for (let i = 0; i < 200 && running; i++) {
        running = isRunning(sleeper)
        if (running) await new Promise((r) => setTimeout(r, 50))
      }
      assert.equal(running, false)
      const client = new OrchardClient(store)
      try {
        assert.equal((await client.getRun(runIdOf(stderr))).info.status, 'KILLED')
      } finally {
        await client.close()
      }
    })
  }

  it('--detach prints the run id and runs the project in the background', async () => {
    const detached = await orchard(dir.path, ['run', projectDir, '-P', 'alpha=2', '--detach', '--tracking-uri', store])
    assert.equal(detached.code, 0, detached.stderr)
    const runId = detached.stdout.trim()
    assert.match(runId, /^[0-9a-f]{32}$/)
    const client = new OrchardClient(store)
    try {
      let status = (await client.getRun(runId)).info.status
      for (let i = 0; i < 600 && status === 'RUNNING'; i++) {
        await new Promise((r) => setTimeout(r, 100))
        status = (await client.getRun(runId)).info.status
      }
      assert.equal(status, 'FINISHED')
      // The background process wrote its own output next to the run's artifact.
      const backgroundLog = join(tmpdir(), `orchard-run-${runId}.log`)
      assert.match(readFileSync(backgroundLog, 'utf8'), /alpha=2 epochs=3/)
      await rm(backgroundLog)
      const params = Object.fromEntries((await client.getRun(runId)).data.params.map((p) => [p.key, p.value]))
      assert.deepEqual(params, { alpha: '2', epochs: '3', data: 'data.csv' })
      const page = await client.searchRuns(['0'], { filterString: `tags.\`mlflow.source.name\` = '${projectDir}'` })
      assert.ok(page.items.some((r) => r.info.runId === runId))
    } finally {
      await client.close()
    }
  })
})

async function rmPid(projectDir: string): Promise<void> {
  await rm(join(projectDir, 'sleeper.pid'), { force: true })
}

function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}
