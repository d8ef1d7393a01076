import { spawn } from 'node:child_process'
import { openSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineCommand, UsageError } from '../command.ts'
import { trackingUriFlag } from '../defaults.ts'

const ENV_MANAGERS = ['local', 'virtualenv', 'uv', 'conda'] as const

/** `orchard run`: MLflow's `mlflow run` with the local backend, for projects in any language. */
export const command = defineCommand({
  summary: 'Run an MLflow project (an MLproject folder or git repository) as a tracked run',
  description: [
    'URI is a local folder or a git repository (https://…, git@host:…, file://…), with #subdirectory to',
    'run a project inside it. Parameters are checked before anything runs: a missing value, a value of the',
    "wrong type or a `path` that does not exist exits 2. The command runs with MLFLOW_RUN_ID, MLFLOW_TRACKING_URI",
    'and MLFLOW_EXPERIMENT_ID set, so its SDK (Orchard\'s or MLflow\'s) logs into the run; its output is shown',
    'and kept as the artifact project/output.log. The exit code is the command\'s; Ctrl-C stops it (KILLED).',
  ].join('\n'),
  positionals: [{ name: 'uri', description: 'Project folder or git URI (optional with --from-run)', optional: true }],
  flags: {
    'entry-point': { type: 'string', short: 'e', placeholder: 'name', description: 'Entry point, or a .py/.sh/.js/.mjs/.ts script', default: 'main' },
    'param-list': { type: 'string', short: 'P', placeholder: 'key=value', description: 'A parameter of the entry point', multiple: true },
    version: { type: 'string', placeholder: 'ref', description: 'Git commit, branch or tag to run (git URIs only)', default: "the remote's HEAD" },
    'experiment-name': { type: 'string', placeholder: 'name', description: 'Experiment to run in, created if missing', default: 'env MLFLOW_EXPERIMENT_NAME' },
    'experiment-id': { type: 'string', placeholder: 'id', description: 'Experiment id to run in', default: 'env MLFLOW_EXPERIMENT_ID, else 0' },
    'run-name': { type: 'string', placeholder: 'name', description: 'Name of the new run', default: 'a generated one' },
    'env-manager': { type: 'string', placeholder: 'local|virtualenv|uv|conda', description: "How to make the environment; local uses what is installed", default: "the project's own (python_env, conda_env, docker_env, package-lock.json), else local" },
    'build-image': { type: 'boolean', description: "docker_env projects: build an image FROM the project's image with its code copied in, and run in it" },
    backend: { type: 'string', short: 'b', placeholder: 'local', description: 'Execution backend; only local exists', default: 'local' },
    'from-run': { type: 'string', placeholder: 'run-id', description: 'Re-run a project run: same commit, entry point, parameters and environment' },
    'allow-dirty': { type: 'boolean', description: 'With --from-run: re-run a run made from uncommitted changes, from its commit' },
    'run-id': { type: 'string', placeholder: 'id', description: 'Run in this existing run instead of creating one' },
    detach: { type: 'boolean', description: 'Check the project, create the run, print its id and run in the background' },
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard run examples/taxi-duration -e train -P train=2021-01 -P val=2021-02',
  async run({ flags, positionals }) {
    const sdk = await import('@orchard/sdk')
    const envManager = flags['env-manager']
    if (envManager !== undefined && !(ENV_MANAGERS as readonly string[]).includes(envManager)) {
      throw new UsageError(`--env-manager must be one of ${ENV_MANAGERS.join(', ')}, got '${envManager}'`)
    }
    if (flags.backend !== undefined && flags.backend !== 'local') throw new UsageError(`--backend ${flags.backend} is not available; Orchard runs projects locally`)
    const uri = positionals[0]
    if (uri === undefined && !flags['from-run']) throw new UsageError('missing <uri> (a project folder or git URI), or --from-run <run-id>')
    if (flags.detach && flags['run-id']) throw new UsageError('--detach creates its own run; leave out --run-id')
    try {
      const parameters = flags['param-list'] ? sdk.parseParameterArguments(flags['param-list']) : undefined
      const options = {
        ...(uri !== undefined ? { uri } : {}),
        ...(flags['entry-point'] !== undefined ? { entryPoint: flags['entry-point'] } : {}),
        ...(flags.version !== undefined ? { version: flags.version } : {}),
        ...(parameters ? { parameters } : {}),
        ...(flags['experiment-name'] !== undefined ? { experimentName: flags['experiment-name'] } : {}),
        ...(flags['experiment-id'] !== undefined ? { experimentId: flags['experiment-id'] } : {}),
        ...(flags['run-name'] !== undefined ? { runName: flags['run-name'] } : {}),
        ...(envManager !== undefined ? { envManager: envManager as (typeof ENV_MANAGERS)[number] } : {}),
        ...(flags['build-image'] ? { buildImage: true } : {}),
        ...(flags['tracking-uri'] !== undefined ? { trackingUri: flags['tracking-uri'] } : {}),
        ...(flags['from-run'] !== undefined ? { fromRun: flags['from-run'] } : {}),
        ...(flags['allow-dirty'] ? { allowDirty: true } : {}),
        ...(flags['run-id'] !== undefined ? { runId: flags['run-id'] } : {}),
      }
      if (flags.detach) {
        const run = await sdk.startProjectRun(options)
        detach(run.runId)
        process.stdout.write(`${run.runId}\n`)
        return 0
      }
      const result = await sdk.runProject(options)
      return result.exitCode
    } catch (error) {
      if (sdk.isProjectError(error)) {
        process.stderr.write(`error: ${error.message}\n`)
        return 2
      }
      throw error
    }
  },
})

/** Run this same command again in the background, in the run just created, with output to a log file. */
function detach(runId: string): void {
  const args = process.argv.slice(2).filter((arg) => arg !== '--detach')
  const logPath = join(tmpdir(), `orchard-run-${runId}.log`)
  const log = openSync(logPath, 'a')
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] as string, ...args, '--run-id', runId], {
    detached: true,
    stdio: ['ignore', log, log],
  })
  child.unref()
  process.stderr.write(`Running in the background (pid ${child.pid}); output in ${logPath} and the run's artifact project/output.log\n`)
}
