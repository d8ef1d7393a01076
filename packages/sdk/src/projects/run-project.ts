import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Writable } from 'node:stream'
import { MAX_RUN_TAG_VALUE_LENGTH } from '@orchard/protocol/base'
import type { RunStatus, Tag } from '@orchard/core'
import { OrchardClient } from '../orchard-client.ts'
import { currentUser } from '../fluent/system-tags.ts'
import { childEnvironment, planEnvironment } from './environments.ts'
import type { EnvManager, EnvironmentPlan } from './environments.ts'
import { reproductionOf } from './from-run.ts'
import { getEntryPoint, loadProject } from './mlproject.ts'
import type { EntryPoint } from './mlproject.ts'
import { computeParameters } from './parameters.ts'
import type { ComputedParameters } from './parameters.ts'
import { ProjectError } from './project-error.ts'
import { OUTPUT_ARTIFACT_DIR, OUTPUT_ARTIFACT_FILE, PROJECT_SOURCE_TYPE, PROJECT_TAGS } from './project-tags.ts'
import { dockerCommand, runChild } from './run-command.ts'
import type { CommandOutcome } from './run-command.ts'
import { fetchProject } from './source.ts'
import type { ProjectSource } from './source.ts'

/** Options of runProject: `orchard run`'s flags. */
export interface RunProjectOptions {
  /** A local folder or a git URI (`https://…`, `git@host:…`, `file://…`), with an optional `#subdirectory`. */
  readonly uri?: string
  /** Default `main`. */
  readonly entryPoint?: string
  /** For git URIs: the commit, branch or tag to check out. */
  readonly version?: string
  readonly parameters?: Readonly<Record<string, string>>
  readonly experimentName?: string
  readonly experimentId?: string
  readonly runName?: string
  /** How the environment is made; default: what the project declares. */
  readonly envManager?: EnvManager
  /** For a docker_env project: build an image FROM its image with the code copied in, and run in it. */
  readonly buildImage?: boolean
  /** Default: MLFLOW_TRACKING_URI, else ./mlruns. */
  readonly trackingUri?: string
  /** Re-run this project run: same source commit, entry point, parameters and environment manager. */
  readonly fromRun?: string
  /** With fromRun: re-run a run whose work tree had uncommitted changes, from its commit. */
  readonly allowDirty?: boolean
  /** Run in this existing run instead of creating one (how a detached `orchard run` continues). */
  readonly runId?: string
  /** Where relative paths are resolved; default process.cwd(). */
  readonly cwd?: string
  /** Where built environments are cached; default environmentCacheDir(). */
  readonly envCacheDir?: string
  /** Where the command's output and progress lines go; default process.stdout / process.stderr. */
  readonly stdout?: Writable
  readonly stderr?: Writable
  /** Forward this process's SIGINT/SIGTERM to the command's process group (default true). */
  readonly forwardSignals?: boolean
  /** Aborting sends SIGTERM to the command's process group; the run ends KILLED. */
  readonly signal?: AbortSignal
  /** After a forwarded signal, how long the command may take to exit before its group is killed (default 30 s). */
  readonly killGraceMs?: number
  /** Called once the run exists, before the environment is built. */
  readonly onRunCreated?: (run: { runId: string; experimentId: string }) => void
}

/** How a project run ended. */
export interface ProjectRunResult {
  readonly runId: string
  readonly experimentId: string
  readonly status: Extract<RunStatus, 'FINISHED' | 'FAILED' | 'KILLED'>
  /** The command's exit code; 128 + the signal's number when a signal ended it. */
  readonly exitCode: number
  readonly command: string
  /** How long the command itself ran, from spawn to exit; the rest of runProject's time is Orchard's. */
  readonly commandMs: number
  /** The mlflow.project.env tag: local, virtualenv, uv, conda, npm or docker. */
  readonly environment: string
}

/** Everything checked before a run exists: the source on disk, the command, the environment plan. */
interface PreparedProject {
  readonly source: ProjectSource
  readonly entryPoint: string
  readonly computed: ComputedParameters
  readonly plan: EnvironmentPlan
  readonly cwd: string
  readonly reproduces?: string
  readonly experimentId?: string
}

const DEFAULT_ENTRY_POINT = 'main'
const DEFAULT_EXPERIMENT_ID = '0'
// The output artifact keeps the first 64 MiB; a job printing more is better read from its own logs.
const MAX_OUTPUT_ARTIFACT_BYTES = 64 * 1024 * 1024
/** A tracking URI the child can use from its own folder: relative folders and SQLite paths made absolute. */
function absoluteTrackingUri(uri: string, cwd: string): string {
  if (uri.startsWith('sqlite:///') && !uri.startsWith('sqlite:////')) return `sqlite:///${resolve(cwd, uri.slice('sqlite:///'.length))}`
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(uri)) return uri
  return resolve(cwd, uri)
}

async function prepare(options: RunProjectOptions, client: OrchardClient): Promise<PreparedProject> {
  let { uri, version, entryPoint, parameters, envManager, buildImage } = options
  let cwd = resolve(options.cwd ?? process.cwd())
  let reproduces: string | undefined
  let experimentId: string | undefined
  let declaredOnly = false
  if (options.fromRun) {
    if (uri !== undefined || version !== undefined || entryPoint !== undefined || parameters !== undefined) {
      throw new ProjectError('--from-run takes the source, version, entry point and parameters from the run; give none of them.')
    }
    const reproduction = await reproductionOf(client, options.fromRun, options.allowDirty ?? false)
    ;({ uri, version, entryPoint, parameters } = reproduction)
    envManager ??= reproduction.envManager
    buildImage ??= reproduction.buildImage
    cwd = reproduction.cwd ?? cwd
    reproduces = reproduction.runId
    declaredOnly = reproduction.declaredOnly
    experimentId = reproduction.experimentId
  }
  if (!uri) throw new ProjectError('No project URI given: pass a folder or a git repository.')
  const source = await fetchProject(uri, { ...(version !== undefined ? { version } : {}), cwd })
  try {
    const project = await loadProject(source.directory)
    const name = entryPoint ?? DEFAULT_ENTRY_POINT
    const spec = getEntryPoint(project, name)
    // A re-run gets every logged parameter back, defaults included; a default stays a default, so a
    // relative `path` default is still resolved from the project, not from where the run started.
    const given = reproduces ? replayedParameters(parameters ?? {}, spec, declaredOnly) : (parameters ?? {})
    const computed = computeParameters(spec, given, { cwd, projectDirectory: source.directory })
    const plan = await planEnvironment(project, envManager, options.envCacheDir, {
      ...(buildImage ? { buildImage } : {}),
      ...(project.name !== undefined ? { projectName: project.name } : {}),
      ...(source.git?.commit ? { commit: source.git.commit } : {}),
    })
    return { source, entryPoint: name, computed, plan, cwd, ...(reproduces ? { reproduces } : {}), ...(experimentId ? { experimentId } : {}) }
  } catch (error) {
    await source.cleanup()
    throw error
  }
}

function replayedParameters(parameters: Readonly<Record<string, string>>, entryPoint: EntryPoint, declaredOnly: boolean): Record<string, string> {
  const given = { ...parameters }
  if (declaredOnly) {
    const declared = new Set(entryPoint.parameters.map((p) => p.name))
    for (const name of Object.keys(given)) if (!declared.has(name)) delete given[name]
  }
  for (const spec of entryPoint.parameters) if (spec.default !== undefined && given[spec.name] === spec.default) delete given[spec.name]
  return given
}

async function resolveExperimentId(client: OrchardClient, options: RunProjectOptions, fallback: string | undefined): Promise<string> {
  if (options.experimentId !== undefined && options.experimentName !== undefined) {
    throw new ProjectError("Specify only one of 'experiment-name' or 'experiment-id' options.")
  }
  const name = options.experimentName ?? (options.experimentId === undefined && !fallback ? process.env.MLFLOW_EXPERIMENT_NAME : undefined)
  if (name) {
    const existing = await client.getExperimentByName(name)
    return existing ? existing.experimentId : client.createExperiment(name)
  }
  return options.experimentId ?? fallback ?? process.env.MLFLOW_EXPERIMENT_ID ?? DEFAULT_EXPERIMENT_ID
}

const bounded = (value: string) => (value.length > MAX_RUN_TAG_VALUE_LENGTH ? `${value.slice(0, MAX_RUN_TAG_VALUE_LENGTH - 1)}…` : value)

function projectTags(prepared: PreparedProject, runName: string | undefined): Record<string, string> {
  const { source } = prepared
  const tags: Record<string, string> = {
    [PROJECT_TAGS.user]: currentUser(),
    [PROJECT_TAGS.sourceName]: bounded(source.sourceName),
    [PROJECT_TAGS.sourceType]: PROJECT_SOURCE_TYPE,
    [PROJECT_TAGS.entryPoint]: prepared.entryPoint,
    [PROJECT_TAGS.env]: prepared.plan.name,
    [PROJECT_TAGS.backend]: 'local',
    [PROJECT_TAGS.command]: bounded(prepared.computed.command),
    [PROJECT_TAGS.cwd]: bounded(prepared.cwd),
  }
  const git = source.git
  if (git?.commit) tags[PROJECT_TAGS.gitCommit] = git.commit
  if (git?.repoUrl) tags[PROJECT_TAGS.gitRepoUrl] = tags[PROJECT_TAGS.legacyGitRepoUrl] = bounded(git.repoUrl)
  if (git?.branch) tags[PROJECT_TAGS.gitBranch] = tags[PROJECT_TAGS.legacyGitBranch] = git.branch
  if (git) tags[PROJECT_TAGS.gitDirty] = String(git.dirty)
  if (prepared.reproduces) tags[PROJECT_TAGS.reproduces] = prepared.reproduces
  const names = JSON.stringify(prepared.computed.logged.map(([name]) => name))
  if (names.length <= MAX_RUN_TAG_VALUE_LENGTH) tags[PROJECT_TAGS.parameters] = names
  if (runName) tags[PROJECT_TAGS.runName] = runName
  return tags
}

async function createRun(client: OrchardClient, prepared: PreparedProject, options: RunProjectOptions): Promise<{ runId: string; experimentId: string }> {
  const experimentId = await resolveExperimentId(client, options, prepared.experimentId)
  const tags = projectTags(prepared, options.runName)
  const run = await client.createRun(experimentId, {
    tags,
    ...(options.runName ? { runName: options.runName } : {}),
    userId: tags[PROJECT_TAGS.user] ?? '',
  })
  const runId = run.info.runId
  const params = prepared.computed.logged.map(([key, value]) => ({ key, value }))
  // A generated name is mirrored in mlflow.runName, as MLflow's client does.
  const extraTags: Tag[] = options.runName ? [] : [{ key: PROJECT_TAGS.runName, value: run.info.runName }]
  await client.logBatch(runId, { params, tags: extraTags })
  return { runId, experimentId }
}

/**
 * Check a project and create its run, without running it: what `orchard run --detach` does before
 * handing the run to a background process (runProject with `runId`).
 */
export async function startProjectRun(options: RunProjectOptions): Promise<{ runId: string; experimentId: string }> {
  const client = new OrchardClient(options.trackingUri, { batching: false })
  try {
    const prepared = await prepare(options, client)
    try {
      return await createRun(client, prepared, options)
    } finally {
      await prepared.source.cleanup()
    }
  } finally {
    await client.close()
  }
}

/**
 * Run an MLflow project as `mlflow run` does with the local backend: validate its parameters,
 * create a run tagged with the project's source, build or reuse its environment, run the entry
 * point's command with MLFLOW_RUN_ID, MLFLOW_TRACKING_URI and MLFLOW_EXPERIMENT_ID set (so the
 * program logs into the same run), keep its output as an artifact and end the run FINISHED, FAILED
 * or KILLED. Throws ProjectError, before any run exists, for a project that cannot run as asked.
 *
 * @example
 * const result = await runProject({ uri: 'examples/taxi-duration', entryPoint: 'train', parameters: { train: '2021-01' } })
 * process.exitCode = result.exitCode
 */
export async function runProject(options: RunProjectOptions): Promise<ProjectRunResult> {
  const stderr = options.stderr ?? process.stderr
  const client = new OrchardClient(options.trackingUri, { batching: false })
  try {
    const prepared = await prepare(options, client)
    try {
      let run: { runId: string; experimentId: string }
      if (options.runId) {
        const existing = await client.getRun(options.runId)
        run = { runId: existing.info.runId, experimentId: existing.info.experimentId }
      } else {
        run = await createRun(client, prepared, options)
      }
      options.onRunCreated?.(run)
      return await execute(client, prepared, run, options, stderr)
    } finally {
      await prepared.source.cleanup()
    }
  } finally {
    await client.close()
  }
}

async function execute(
  client: OrchardClient,
  prepared: PreparedProject,
  run: { runId: string; experimentId: string },
  options: RunProjectOptions,
  stderr: Writable,
): Promise<ProjectRunResult> {
  const stdout = options.stdout ?? process.stdout
  const logDir = await mkdtemp(join(tmpdir(), 'orchard-run-'))
  const logFile = join(logDir, OUTPUT_ARTIFACT_FILE)
  const log = createWriteStream(logFile)
  let logged = 0
  const record = (chunk: Buffer | string) => {
    if (logged >= MAX_OUTPUT_ARTIFACT_BYTES) return
    const bytes = Buffer.from(chunk)
    const room = MAX_OUTPUT_ARTIFACT_BYTES - logged
    log.write(bytes.subarray(0, room))
    logged += Math.min(bytes.length, room)
    if (logged >= MAX_OUTPUT_ARTIFACT_BYTES) log.write(`\n[output truncated at ${MAX_OUTPUT_ARTIFACT_BYTES} bytes]\n`)
  }
  const say = (text: string) => {
    stderr.write(text)
    record(text)
  }
  const command = prepared.computed.command
  let outcome: CommandOutcome
  try {
    const active = await prepared.plan.activate(say)
    try {
      for (const [key, value] of Object.entries(active.tags ?? {})) await client.setTag(run.runId, key, value)
      const trackingUri = absoluteTrackingUri(client.trackingUri, prepared.cwd)
      const runVariables = { MLFLOW_RUN_ID: run.runId, MLFLOW_TRACKING_URI: trackingUri, MLFLOW_EXPERIMENT_ID: run.experimentId }
      const env = childEnvironment(active, process.env, runVariables)
      say(`=== Running command '${command}' in run with ID '${run.runId}' === \n`)
      const [file, args] = prepared.plan.container
        ? dockerCommand(prepared.plan.container, prepared.source.directory, command, runVariables, trackingUri)
        : ['bash', ['-c', command]]
      outcome = await runChild(file, args, {
        cwd: prepared.source.directory,
        env,
        stdout,
        stderr,
        record,
        forwardSignals: options.forwardSignals !== false,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
      })
    } finally {
      await active.release()
    }
  } catch (error) {
    say(`${error instanceof Error ? error.message : String(error)}\n`)
    outcome = { status: 'FAILED', exitCode: 1, commandMs: 0 }
  }
  say(outcome.status === 'FINISHED' ? `=== Run (ID '${run.runId}') succeeded ===\n` : `=== Run (ID '${run.runId}') ${outcome.status === 'KILLED' ? 'was killed' : `failed with exit code ${outcome.exitCode}`} ===\n`)
  await new Promise<void>((done) => log.end(done))
  try {
    await client.setTag(run.runId, PROJECT_TAGS.exitCode, String(outcome.exitCode))
    await client.logArtifact(run.runId, logFile, OUTPUT_ARTIFACT_DIR)
  } finally {
    await client.setTerminated(run.runId, outcome.status)
    await rm(logDir, { recursive: true, force: true })
  }
  return { ...run, ...outcome, command, environment: prepared.plan.name }
}
