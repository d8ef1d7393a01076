import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { cp, lstat, mkdir, readFile, readlink, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { buildProjectImage, builtImageTag, DOCKER_IMAGE_TAGS } from './build-image.ts'
import type { DockerEnvironment, Project } from './mlproject.ts'
import { ProjectError } from './project-error.ts'
import { runTool, which } from './tools.ts'

/** How a project's environment is made: MLflow's --env-manager values. */
export const ENV_MANAGERS = ['local', 'virtualenv', 'uv', 'conda'] as const
/** One of ENV_MANAGERS. */
export type EnvManager = (typeof ENV_MANAGERS)[number]

/** What the run's command is started with, once the environment exists. */
export interface ActiveEnvironment {
  /** Folders put first on PATH (the venv's or conda env's bin, node_modules/.bin). */
  readonly path: readonly string[]
  readonly variables: Readonly<Record<string, string>>
  /** True when a cached environment was used as it was. */
  readonly reused: boolean
  /** Tags for the run that only building the environment tells (a built image's id). */
  readonly tags?: Readonly<Record<string, string>>
  /** Undo what was put into the project folder (a node_modules link). */
  release(): Promise<void>
}

/**
 * The environment a run will use, decided (and its tools checked) before the run is created;
 * `activate` builds or reuses it.
 */
export interface EnvironmentPlan {
  /** The mlflow.project.env tag: local, virtualenv, uv, conda, docker or npm. */
  readonly name: string
  /** The folder of a cached environment. */
  readonly location?: string
  /** Set for docker_env projects: the runtime and the image to run the command in. */
  readonly container?: ContainerSpec
  activate(log: (text: string) => void): Promise<ActiveEnvironment>
}

/** A docker_env project's container: MLproject's image, volumes and environment. */
export interface ContainerSpec {
  /** docker, or podman where only it exists. */
  readonly executable: string
  readonly image: string
  readonly volumes: readonly string[]
  readonly environment: readonly (string | readonly [string, string])[]
  /** With --build-image: the code is copied into the image, not mounted. */
  readonly codeInImage?: boolean
}

/** How planEnvironment treats a docker_env project. */
export interface ContainerOptions {
  /** Build an image FROM the project's with its code copied in (`--build-image`). */
  readonly buildImage?: boolean
  /** The project's name and commit, which name the built image. */
  readonly projectName?: string
  readonly commit?: string
}

/** Where environments are cached: ORCHARD_ENV_CACHE, else $XDG_CACHE_HOME/orchard/envs, else ~/.cache/orchard/envs. */
export function environmentCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ORCHARD_ENV_CACHE) return resolve(env.ORCHARD_ENV_CACHE)
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'orchard', 'envs')
}

const MARKER = '.orchard-env.json'
const nothingToRelease = async () => {}
const sha256 = (parts: readonly (string | Buffer)[]) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(typeof part === 'string' ? part : part).update('\0')
  return hash.digest('hex').slice(0, 32)
}

/**
 * Build an environment into `<final>.tmp-<pid>` and rename it into place: a half-built folder is
 * never taken for a cached one, and when two runs build the same environment the first rename wins.
 */
async function buildOnce(final: string, build: (folder: string) => Promise<void>, log: (text: string) => void): Promise<boolean> {
  if (existsSync(join(final, MARKER))) return true
  await mkdir(dirname(final), { recursive: true })
  const building = `${final}.tmp-${process.pid}-${Date.now()}`
  try {
    await build(building)
    await writeFile(join(building, MARKER), JSON.stringify({ created: new Date().toISOString() }))
    if (existsSync(final) && !existsSync(join(final, MARKER))) await rm(final, { recursive: true, force: true })
    await rename(building, final).catch(async (error: unknown) => {
      if (!existsSync(join(final, MARKER))) throw error
    })
    log(`=== Created environment ${final} ===\n`)
    return false
  } finally {
    await rm(building, { recursive: true, force: true })
  }
}

function failed(what: string, output: string): ProjectError {
  const tail = output.trim().split('\n').slice(-5).join('\n')
  return new ProjectError(`${what} failed${tail ? `:\n${tail}` : ''}`)
}

// python_env.yaml, as MLflow writes it: python (a version), build_dependencies and dependencies
// (pip requirement lines, `-r file` included).
interface PythonEnvSpec {
  readonly python?: string
  readonly buildDependencies: readonly string[]
  readonly dependencies: readonly string[]
}

async function readPythonEnv(file: string): Promise<PythonEnvSpec> {
  let parsed: unknown
  try {
    parsed = parseYaml(await readFile(file, 'utf8'))
  } catch (error) {
    throw new ProjectError(`${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`)
  }
  const spec = (parsed ?? {}) as Record<string, unknown>
  const list = (key: string): string[] => {
    const value = spec[key] ?? []
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new ProjectError(`${key} in ${file} must be a list of strings.`)
    return value as string[]
  }
  return {
    ...(spec.python !== undefined && spec.python !== null ? { python: String(spec.python) } : {}),
    buildDependencies: list('build_dependencies'),
    dependencies: list('dependencies'),
  }
}

/** Requirement lines with `-r`/`-c` files made absolute, and those files' contents (for the cache key). */
async function requirementLines(spec: PythonEnvSpec, baseDir: string): Promise<{ lines: string[]; included: string[] }> {
  const lines: string[] = []
  const included: string[] = []
  for (const line of spec.dependencies) {
    const match = /^(-r|--requirement|-c|--constraint)\s+(.+)$/.exec(line.trim())
    if (!match) {
      lines.push(line)
      continue
    }
    const path = resolve(baseDir, match[2] as string)
    if (!existsSync(path)) throw new ProjectError(`The requirements file ${path} named in the python environment does not exist.`)
    included.push(await readFile(path, 'utf8'))
    lines.push(`${match[1]} ${path}`)
  }
  return { lines, included }
}

/**
 * The version of a python executable. Starting python costs 50-100 ms, a third of a cached run's
 * budget, so the answer is kept in the cache folder, keyed by the real file, its size and mtime (an
 * upgrade replaces the file).
 */
async function pythonVersion(executable: string, cacheDir: string): Promise<string | undefined> {
  const real = await realpath(executable).catch(() => executable)
  const info = await stat(real).catch(() => undefined)
  const key = info ? `${real}:${info.size}:${info.mtimeMs}` : undefined
  const cacheFile = join(cacheDir, 'python-versions.json')
  let known: Record<string, string> = {}
  try {
    known = JSON.parse(await readFile(cacheFile, 'utf8')) as Record<string, string>
  } catch {
    // no cache yet, or a damaged one: ask python
  }
  if (key && typeof known[key] === 'string') return known[key]
  const result = await runTool(executable, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { log: () => {} })
  if (result.code !== 0) return undefined
  const version = result.output.trim()
  if (key) {
    await mkdir(cacheDir, { recursive: true })
    const temporary = `${cacheFile}.${process.pid}`
    await writeFile(temporary, JSON.stringify({ ...known, [key]: version }))
    await rename(temporary, cacheFile)
  }
  return version
}

/** A python on PATH whose version starts with `wanted` (`3.11` or `3.11.2`), or python3 when none is wanted. */
async function findPython(wanted: string | undefined, file: string, cacheDir: string): Promise<{ executable: string; version: string }> {
  const minor = wanted?.split('.').slice(0, 2).join('.')
  const candidates = [...(minor ? [`python${minor}`] : []), 'python3']
  const found: string[] = []
  for (const name of candidates) {
    const executable = which(name)
    if (!executable) continue
    const version = await pythonVersion(executable, cacheDir)
    if (!version) continue
    if (!wanted || version === wanted || version.startsWith(`${wanted}.`)) return { executable, version }
    found.push(`${name} is ${version}`)
  }
  const seen = found.length > 0 ? ` (${found.join(', ')})` : ' (no python3 on PATH)'
  throw new ProjectError(
    wanted
      ? `${file} asks for Python ${wanted}, which is not installed${seen}. Install it, or run with --env-manager local to use the installed Python.`
      : `A Python environment needs python3, which is not on PATH. Install Python 3, or run with --env-manager local.`,
  )
}

function pythonActivation(folder: string, reused: boolean): ActiveEnvironment {
  return { path: [join(folder, 'bin')], variables: { VIRTUAL_ENV: folder }, reused, release: nothingToRelease }
}

async function planPython(project: Project, manager: 'virtualenv' | 'uv', file: string | undefined, cacheDir: string): Promise<EnvironmentPlan> {
  const spec: PythonEnvSpec = file ? await readPythonEnv(file) : { buildDependencies: [], dependencies: [] }
  const { lines, included } = await requirementLines(spec, file ? dirname(file) : project.directory)
  const uv = manager === 'uv' ? which('uv') : undefined
  if (manager === 'uv' && !uv) {
    throw new ProjectError('--env-manager uv needs uv, which is not on PATH. Install uv, or use --env-manager virtualenv or local.')
  }
  const python = await findPython(spec.python, file ?? 'The project', cacheDir)
  const key = sha256([manager, python.executable, python.version, ...spec.buildDependencies, '|', ...lines, '|', ...included])
  const location = join(cacheDir, `${manager === 'uv' ? 'uv' : 'venv'}-${key}`)
  const install = [...spec.buildDependencies, ...lines]
  return {
    name: manager,
    location,
    async activate(log) {
      const reused = await buildOnce(
        location,
        async (folder) => {
          log(`=== Creating a ${manager} environment for Python ${python.version} ===\n`)
          const create = uv
            ? await runTool(uv, ['venv', '--quiet', '--python', python.executable, folder], { log })
            : await runTool(python.executable, ['-m', 'venv', ...(install.length === 0 ? ['--without-pip'] : []), folder], { log })
          if (create.code !== 0) throw failed(`Creating the environment ${folder}`, create.output)
          if (install.length === 0) return
          const requirements = join(folder, 'orchard-requirements.txt')
          await writeFile(requirements, `${install.join('\n')}\n`)
          const pip = uv
            ? await runTool(uv, ['pip', 'install', '--python', join(folder, 'bin', 'python'), '-r', requirements], { log })
            : await runTool(join(folder, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '-r', requirements], { log })
          if (pip.code !== 0) throw failed('Installing the python environment\'s dependencies', pip.output)
        },
        log,
      )
      if (reused) log(`=== Reusing environment ${location} ===\n`)
      return pythonActivation(location, reused)
    },
  }
}

function condaExecutable(): string | undefined {
  const home = process.env.MLFLOW_CONDA_HOME
  if (home) {
    const candidate = join(home, 'bin', 'conda')
    return existsSync(candidate) ? candidate : undefined
  }
  return which('conda') ?? which('mamba') ?? which('micromamba')
}

async function planConda(file: string, cacheDir: string): Promise<EnvironmentPlan> {
  const conda = condaExecutable()
  if (!conda) {
    throw new ProjectError(
      `This project's conda environment (${basename(file)}) needs conda, which is not on PATH (nor in MLFLOW_CONDA_HOME). Install conda or mamba, or run with --env-manager local to use what is installed.`,
    )
  }
  const location = join(cacheDir, `conda-${sha256(['conda', await readFile(file)])}`)
  return {
    name: 'conda',
    location,
    async activate(log) {
      const reused = await buildOnce(
        location,
        async (folder) => {
          log(`=== Creating a conda environment from ${file} ===\n`)
          const result = await runTool(conda, ['env', 'create', '--quiet', '--prefix', folder, '--file', file], { log })
          if (result.code !== 0) throw failed('conda env create', result.output)
        },
        log,
      )
      if (reused) log(`=== Reusing environment ${location} ===\n`)
      return { path: [join(location, 'bin')], variables: { CONDA_PREFIX: location }, reused, release: nothingToRelease }
    },
  }
}

/** node_modules installed from the lockfile, shared by every project with the same lockfile. */
async function planNode(project: Project, lockfile: string, cacheDir: string): Promise<EnvironmentPlan> {
  const npm = which('npm')
  if (!npm) throw new ProjectError('This project has a package-lock.json, and installing it needs npm, which is not on PATH. Install Node.js with npm, or run with --env-manager local.')
  const manifest = join(project.directory, 'package.json')
  const location = join(cacheDir, `npm-${sha256(['npm', await readFile(lockfile), await readFile(manifest)])}`)
  return {
    name: 'npm',
    location,
    async activate(log) {
      const reused = await buildOnce(
        location,
        async (folder) => {
          log(`=== Installing ${basename(lockfile)} with npm ci ===\n`)
          await mkdir(folder, { recursive: true })
          await cp(manifest, join(folder, 'package.json'))
          await cp(lockfile, join(folder, basename(lockfile)))
          const result = await runTool(npm, ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: folder, log })
          if (result.code !== 0) throw failed('npm ci', result.output)
          await mkdir(join(folder, 'node_modules'), { recursive: true })
        },
        log,
      )
      if (reused) log(`=== Reusing environment ${location} ===\n`)
      const modules = join(location, 'node_modules')
      const release = await linkNodeModules(project.directory, modules, log)
      return { path: [join(modules, '.bin')], variables: { NODE_PATH: modules }, reused, release }
    },
  }
}

/**
 * Node resolves packages from the importing file's folders upwards, so the cached node_modules is
 * linked into the project for the run (and unlinked after). A project's own node_modules wins.
 */
async function linkNodeModules(projectDir: string, modules: string, log: (text: string) => void): Promise<() => Promise<void>> {
  const link = join(projectDir, 'node_modules')
  const existing = await lstat(link).catch(() => undefined)
  if (existing && !existing.isSymbolicLink()) {
    log(`=== ${link} exists; the project runs with it instead of the cached environment ===\n`)
    return nothingToRelease
  }
  if (existing) {
    const target = await readlink(link)
    if (isAbsolute(target) && target === modules) return nothingToRelease
    await rm(link)
  }
  await symlink(modules, link, 'dir')
  return async () => {
    const target = await readlink(link).catch(() => undefined)
    if (target === modules) await rm(link, { force: true })
  }
}

async function planDocker(spec: DockerEnvironment & { readonly directory: string }, options: ContainerOptions): Promise<EnvironmentPlan> {
  const base = spec.image
  const docker = which('docker') ?? which('podman')
  const purpose = options.buildImage ? ', which --build-image needs to build its image' : ''
  if (!docker) {
    throw new ProjectError(`This project runs in Docker (docker_env), and neither docker nor podman is on PATH${purpose}. Install one, or run with --env-manager local to use what is installed.`)
  }
  const info = await runTool(docker, ['info', '--format', '{{.ServerVersion}}'], { log: () => {} })
  if (info.code !== 0) {
    throw new ProjectError(`This project runs in Docker (docker_env), and ${basename(docker)} cannot reach its daemon${purpose}: ${info.output.trim().split('\n').pop() ?? ''}`)
  }
  if (options.buildImage) {
    const tag = builtImageTag(options.projectName, options.commit)
    return {
      name: 'docker',
      container: { executable: docker, image: tag, volumes: spec.volumes, environment: spec.environment, codeInImage: true },
      async activate(log) {
        const id = await buildProjectImage(docker, base, tag, spec.directory, log)
        return { path: [], variables: {}, reused: false, tags: { [DOCKER_IMAGE_TAGS.uri]: tag, [DOCKER_IMAGE_TAGS.id]: id }, release: nothingToRelease }
      },
    }
  }
  return {
    name: 'docker',
    container: { executable: docker, image: base, volumes: spec.volumes, environment: spec.environment },
    async activate(log) {
      const present = await runTool(docker, ['image', 'inspect', base], { log: () => {} })
      if (present.code !== 0) {
        const pull = await runTool(docker, ['pull', base], { log })
        if (pull.code !== 0) throw failed(`${basename(docker)} pull ${base}`, pull.output)
      }
      return { path: [], variables: {}, reused: present.code === 0, release: nothingToRelease }
    },
  }
}

const localPlan: EnvironmentPlan = {
  name: 'local',
  activate: async () => ({ path: [], variables: {}, reused: true, release: nothingToRelease }),
}

/**
 * Decide the environment a project runs in, checking now that its tools exist. Without
 * --env-manager, the project's own declaration decides (MLflow's precedence); `local` uses what
 * is installed.
 */
export async function planEnvironment(project: Project, manager: EnvManager | undefined, cacheDir: string = environmentCacheDir(), container: ContainerOptions = {}): Promise<EnvironmentPlan> {
  const env = project.environment
  if (container.buildImage && env.kind !== 'docker') {
    throw new ProjectError('--build-image builds an image FROM the project\'s docker_env image; this project declares no docker_env.')
  }
  if (env.kind === 'docker') {
    if (manager !== undefined && manager !== 'local') throw new ProjectError(`--env-manager ${manager} cannot be used with a docker_env project.`)
    if (manager === 'local' && container.buildImage) throw new ProjectError('--build-image runs the project in a container; it cannot be used with --env-manager local.')
    return manager === 'local' ? localPlan : planDocker({ ...env, directory: project.directory }, container)
  }
  if (manager === 'local') return localPlan
  switch (env.kind) {
    case 'python':
      if (manager === 'conda') throw new ProjectError(`--env-manager conda needs a conda environment file; this project declares ${basename(env.file)}. Use virtualenv, uv or local.`)
      return planPython(project, manager ?? 'virtualenv', env.file, cacheDir)
    case 'conda':
      if (manager !== undefined && manager !== 'conda') throw new ProjectError(`--env-manager ${manager} needs a python_env file; this project declares a conda environment (${basename(env.file)}). Use conda or local.`)
      return planConda(env.file, cacheDir)
    case 'node':
      if (manager !== undefined) throw new ProjectError(`--env-manager ${manager} is for Python projects; this one's environment is ${basename(env.lockfile)} (npm). Leave it out, or use local.`)
      return planNode(project, env.lockfile, cacheDir)
    case 'none':
      if (manager === 'conda') throw new ProjectError('--env-manager conda needs a conda environment file (conda.yaml), and this project has none.')
      return manager ? planPython(project, manager, undefined, cacheDir) : localPlan
  }
}

/** PATH and variables for the command, over the caller's environment. */
export function childEnvironment(active: ActiveEnvironment, base: NodeJS.ProcessEnv, extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const path = [...active.path, base.PATH ?? ''].filter(Boolean).join(delimiter)
  return { ...base, ...active.variables, ...extra, PATH: path }
}
