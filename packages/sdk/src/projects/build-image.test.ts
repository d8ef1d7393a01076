// --build-image. This machine has the docker CLI but no daemon, so a real build cannot run here: the
// error path is tested against the real CLI, the generated Dockerfile and command lines as units, and
// the wiring (build, then run in the built image with the code not mounted, image tags on the run)
// with a stand-in `docker` script that records its arguments.
import assert from 'node:assert/strict'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { OrchardClient } from '../orchard-client.ts'
import { buildCommandArguments, builtImageTag, projectDockerfile } from './build-image.ts'
import { planEnvironment } from './environments.ts'
import { loadProject } from './mlproject.ts'
import { dockerCommand } from './run-command.ts'
import { runProject } from './run-project.ts'
import type { RunProjectOptions } from './run-project.ts'
import { runTool, which } from './tools.ts'

let root: string
let trackingUri: string
let client: OrchardClient
let dockerProject: string

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'orchard-build-image-'))
  trackingUri = join(root, 'store')
  client = new OrchardClient(trackingUri, { batching: false })
  dockerProject = join(root, 'proj')
  await mkdir(dockerProject)
  await writeFile(join(dockerProject, 'MLproject'), 'name: Wine Quality\ndocker_env:\n  image: python:3.11-slim\nentry_points:\n  main:\n    parameters:\n      alpha: {type: float, default: 0.5}\n    command: "python train.py --alpha {alpha}"\n')
})
after(async () => {
  await client.close()
  await rm(root, { recursive: true, force: true })
})

const quiet = (): PassThrough => new PassThrough().resume()
const run = (options: RunProjectOptions) => runProject({ trackingUri, cwd: root, forwardSignals: false, envCacheDir: join(root, 'envs'), stdout: quiet(), stderr: quiet(), ...options })

describe('the built image', () => {
  it('is FROM the project’s image with the code copied to MLflow’s folder', () => {
    assert.equal(projectDockerfile('python:3.11-slim'), 'FROM python:3.11-slim\nCOPY . /mlflow/projects/code/\nWORKDIR /mlflow/projects/code/\n')
  })

  it('is tagged with the project’s name as a repository name and the short commit', () => {
    assert.equal(builtImageTag('Wine Quality', '0123456789abcdef'), 'wine-quality:0123456')
    assert.equal(builtImageTag(undefined, undefined), 'orchard-project:latest')
    assert.equal(builtImageTag('--', 'abc'), 'orchard-project:abc')
  })

  it('is built from the project folder with the Dockerfile kept outside it', () => {
    assert.deepEqual(buildCommandArguments('p:1', '/tmp/x/Dockerfile', '/src/p'), ['build', '--tag', 'p:1', '--file', '/tmp/x/Dockerfile', '/src/p'])
  })

  it('runs the command without mounting the project folder', () => {
    const spec = { executable: 'docker', image: 'p:1', volumes: [], environment: [] }
    const [, mounted] = dockerCommand(spec, '/src/p', 'echo hi', { MLFLOW_RUN_ID: 'r' }, 'http://127.0.0.1:5000')
    const [, built] = dockerCommand({ ...spec, codeInImage: true }, '/src/p', 'echo hi', { MLFLOW_RUN_ID: 'r' }, 'http://127.0.0.1:5000')
    assert.ok(mounted.includes('/src/p:/mlflow/projects/code'))
    assert.deepEqual(built, ['run', '--rm', '--init', '-w', '/mlflow/projects/code', '--network', 'host', '-e', 'MLFLOW_RUN_ID=r', 'p:1', 'bash', '-c', 'echo hi'])
  })
})

describe('--build-image refusals', () => {
  it('refuses a project without docker_env, and --env-manager local', async () => {
    const python = join(root, 'py')
    await mkdir(python, { recursive: true })
    await writeFile(join(python, 'MLproject'), 'name: py\nentry_points:\n  main:\n    command: "echo hi"\n')
    await assert.rejects(planEnvironment(await loadProject(python), undefined, join(root, 'envs'), { buildImage: true }), {
      message: "--build-image builds an image FROM the project's docker_env image; this project declares no docker_env.",
    })
    await assert.rejects(planEnvironment(await loadProject(dockerProject), 'local', join(root, 'envs'), { buildImage: true }), {
      message: '--build-image runs the project in a container; it cannot be used with --env-manager local.',
    })
  })

  it('fails before creating a run when the container daemon cannot be reached', async (t) => {
    if (!which('docker') && !which('podman')) return t.skip('no docker or podman CLI on this machine')
    if ((await runTool(which('docker') ?? which('podman')!, ['info'], { log: () => {} })).code === 0) return t.skip('a container daemon is reachable here')
    const experimentId = await client.createExperiment('no-daemon')
    await assert.rejects(run({ uri: dockerProject, buildImage: true, experimentId }), /^ProjectError: This project runs in Docker \(docker_env\), and (docker|podman) cannot reach its daemon, which --build-image needs to build its image: /)
    assert.equal((await client.searchRuns([experimentId])).items.length, 0)
  })
})

describe('--build-image with a stand-in docker', () => {
  let bin: string
  let calls: string
  let savedPath: string | undefined
  before(async () => {
    bin = join(root, 'bin')
    calls = join(root, 'calls.log')
    await mkdir(bin, { recursive: true })
    // Records each call; `build` copies the Dockerfile it is given, `run` prints its last argument.
    await writeFile(
      join(bin, 'docker'),
      `#!/bin/bash\necho "$*" >> ${JSON.stringify(calls)}\ncase "$1" in\n  info) echo 27.0.0 ;;\n  build) cp "$5" ${JSON.stringify(join(root, 'Dockerfile.seen'))} ;;\n  image) echo sha256:feedbeef ;;\n  run) echo "container ran: \${@: -1}" ;;\nesac\n`,
    )
    await chmod(join(bin, 'docker'), 0o755)
    savedPath = process.env.PATH
    process.env.PATH = `${bin}:${savedPath ?? ''}`
  })
  after(() => {
    process.env.PATH = savedPath
  })

  it('builds the image, runs the entry point in it and tags the run with the image, as --from-run does again', async () => {
    const result = await run({ uri: dockerProject, buildImage: true, parameters: { alpha: '0.7' } })
    assert.equal(result.status, 'FINISHED')
    assert.equal(await readFile(join(root, 'Dockerfile.seen'), 'utf8'), 'FROM python:3.11-slim\nCOPY . /mlflow/projects/code/\nWORKDIR /mlflow/projects/code/\n')
    const lines = (await readFile(calls, 'utf8')).trim().split('\n')
    assert.equal(lines[0], 'info --format {{.ServerVersion}}')
    assert.match(lines[1]!, new RegExp(`^build --tag wine-quality:latest --file \\S+/Dockerfile ${dockerProject}$`))
    assert.equal(lines[2], 'image inspect --format {{.Id}} wine-quality:latest')
    assert.match(lines[3]!, /^run --rm --init -w \/mlflow\/projects\/code -v \S+ -e MLFLOW_RUN_ID=[0-9a-f]{32} .* wine-quality:latest bash -c python train.py --alpha 0.7$/)
    assert.doesNotMatch(lines[3]!, new RegExp(`${dockerProject}:`))
    const tags = new Map((await client.getRun(result.runId)).data.tags.map((t) => [t.key, t.value]))
    assert.equal(tags.get('mlflow.docker.image.uri'), 'wine-quality:latest')
    assert.equal(tags.get('mlflow.docker.image.id'), 'sha256:feedbeef')
    assert.equal(tags.get('mlflow.project.env'), 'docker')

    await writeFile(calls, '')
    const again = await run({ fromRun: result.runId })
    assert.equal(again.status, 'FINISHED')
    assert.match(await readFile(calls, 'utf8'), /^build --tag wine-quality:latest /m)
  })
})
