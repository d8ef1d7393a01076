import { existsSync } from 'node:fs'
import { readFile, readdir, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { isMap, isScalar, parseDocument } from 'yaml'
import type { Node as YamlNode } from 'yaml'
import { ProjectError } from './project-error.ts'
import { shellQuote } from './shell-quote.ts'

// The MLproject format as MLflow's mlflow/projects/_project_spec.py reads it: the file found
// case-insensitively, entry points with typed parameters, and one environment chosen in MLflow's
// order of precedence. Error messages keep MLflow's wording where MLflow has one.

const PARAMETER_TYPES = ['string', 'float', 'int', 'path', 'uri'] as const
type ParameterType = (typeof PARAMETER_TYPES)[number]

/** A parameter an entry point declares: its name, MLflow type and default. */
export interface ParameterSpec {
  readonly name: string
  readonly type: ParameterType
  /** The default as written in the file (`1.0` stays `1.0`), or undefined when the value is required. */
  readonly default?: string
}

/** An entry point of an MLproject file: its command template and declared parameters. */
export interface EntryPoint {
  readonly name: string
  readonly parameters: readonly ParameterSpec[]
  /** A template: `{name}` is replaced by the parameter's shell-quoted value, `{{`/`}}` are braces. */
  readonly command: string
}

export interface DockerEnvironment {
  readonly kind: 'docker'
  readonly image: string
  readonly volumes: readonly string[]
  /** A name copies the variable from the host; a pair defines it. */
  readonly environment: readonly (string | readonly [string, string])[]
}

/** The environment a project declares, in MLflow's order of precedence, plus Node lockfiles. */
export type ProjectEnvironment =
  | DockerEnvironment
  | { readonly kind: 'python'; readonly file: string }
  | { readonly kind: 'conda'; readonly file: string }
  | { readonly kind: 'node'; readonly lockfile: string }
  | { readonly kind: 'none' }

/** An MLproject file as read: its folder, name, entry points and environment. */
export interface Project {
  readonly directory: string
  readonly name?: string
  /** The MLproject file, when the project has one. */
  readonly file?: string
  readonly environment: ProjectEnvironment
  readonly entryPoints: ReadonlyMap<string, EntryPoint>
}

const MLPROJECT_FILE_NAME = 'mlproject'
const ENV_KEYS = ['docker_env', 'python_env', 'conda_env'] as const
const DEFAULT_PYTHON_ENV_FILE = 'python_env.yaml'
const DEFAULT_CONDA_FILE = 'conda.yaml'
const NODE_LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json']
/** An MLproject is a few hundred bytes; anything near this is not one. */
const MAX_MLPROJECT_BYTES = 1024 * 1024

const invalid = (message: string) => new ProjectError(`Project configuration (MLproject file) was invalid: ${message}`)

async function findMlproject(directory: string): Promise<string | undefined> {
  for (const entry of await readdir(directory)) {
    if (entry.toLowerCase() === MLPROJECT_FILE_NAME) return join(directory, entry)
  }
  return undefined
}

/** A YAML scalar as text, keeping numbers as written (Python's str() of `1.0` is `1.0`, not `1`). */
function scalarText(node: unknown, what: string): string {
  if (!isScalar(node)) throw invalid(`${what} must be a single value.`)
  const value = node.value
  if (value === null || value === undefined) return ''
  if (typeof value === 'number' && node.source !== undefined) return node.source
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  return String(value)
}

function parseParameter(entryPoint: string, name: string, node: unknown): ParameterSpec {
  let type = 'string'
  let fallback: string | undefined
  if (isScalar(node)) {
    type = scalarText(node, `parameter '${name}'`)
  } else if (isMap(node)) {
    const typeNode = node.get('type', true)
    if (typeNode !== undefined) type = scalarText(typeNode, `the type of parameter '${name}'`)
    const defaultNode = node.get('default', true) as YamlNode | undefined
    if (defaultNode !== undefined && !(isScalar(defaultNode) && defaultNode.value === null)) {
      fallback = scalarText(defaultNode, `the default of parameter '${name}'`)
    }
  } else {
    throw invalid(`parameter '${name}' of entry point '${entryPoint}' must be a type or {type, default}.`)
  }
  if (!(PARAMETER_TYPES as readonly string[]).includes(type)) {
    throw invalid(`parameter '${name}' of entry point '${entryPoint}' has type '${type}'; the types are ${PARAMETER_TYPES.join(', ')}.`)
  }
  return { name, type: type as ParameterType, ...(fallback !== undefined ? { default: fallback } : {}) }
}

function parseEntryPoints(node: unknown): Map<string, EntryPoint> {
  const entryPoints = new Map<string, EntryPoint>()
  if (node === undefined || (isScalar(node) && node.value === null)) return entryPoints
  if (!isMap(node)) throw invalid('entry_points must be a mapping of names to entry points.')
  for (const pair of node.items) {
    const name = scalarText(pair.key, 'an entry point name')
    const body = pair.value
    if (!isMap(body)) throw invalid(`entry point '${name}' must be a mapping with a command.`)
    const commandNode = body.get('command', true)
    if (commandNode === undefined) throw invalid(`entry point '${name}' has no command.`)
    const command = scalarText(commandNode, `the command of entry point '${name}'`)
    const parametersNode = body.get('parameters', true)
    const parameters: ParameterSpec[] = []
    if (parametersNode !== undefined && !(isScalar(parametersNode) && parametersNode.value === null)) {
      if (!isMap(parametersNode)) throw invalid(`the parameters of entry point '${name}' must be a mapping.`)
      for (const parameter of parametersNode.items) {
        parameters.push(parseParameter(name, scalarText(parameter.key, 'a parameter name'), parameter.value))
      }
    }
    entryPoints.set(name, { name, parameters, command })
  }
  return entryPoints
}

function parseDocker(value: unknown): DockerEnvironment {
  const docker = (value ?? {}) as { image?: unknown; volumes?: unknown; environment?: unknown }
  if (typeof docker !== 'object' || !docker.image || typeof docker.image !== 'string') {
    throw invalid('Docker environment specified but no image attribute found.')
  }
  const volumes = docker.volumes ?? []
  if (!Array.isArray(volumes) || !volumes.every((v) => typeof v === 'string')) {
    throw invalid(`Docker volumes must be a list of strings, e.g.: '["/path1/:/path1", "/path2/:/path2"])`)
  }
  const environment = docker.environment ?? []
  const isPair = (v: unknown) => Array.isArray(v) && v.length === 2 && v.every((s) => typeof s === 'string')
  if (!Array.isArray(environment) || !environment.every((v) => typeof v === 'string' || isPair(v))) {
    throw invalid(
      'environment must be a list containing either strings (to copy environment variables from host system) or lists of string pairs (to define new environment variables).E.g.: \'[["NEW_VAR", "new_value"], "VAR_TO_COPY_FROM_HOST"])',
    )
  }
  return { kind: 'docker', image: docker.image, volumes: volumes as string[], environment: environment as DockerEnvironment['environment'] }
}

async function chooseEnvironment(directory: string, yaml: Record<string, unknown>): Promise<ProjectEnvironment> {
  const present = ENV_KEYS.filter((key) => key in yaml)
  if (present.length > 1) {
    throw new ProjectError(`Project cannot contain multiple environment fields: {${present.map((key) => `'${key}'`).join(', ')}}`)
  }
  if (yaml.docker_env) return parseDocker(yaml.docker_env)
  if (yaml.python_env) {
    const file = join(directory, String(yaml.python_env))
    if (!existsSync(file)) throw new ProjectError(`Project specified python_env file ${file}, but no such file was found.`)
    return { kind: 'python', file }
  }
  if (yaml.conda_env) {
    const file = join(directory, String(yaml.conda_env))
    if (!existsSync(file)) throw new ProjectError(`Project specified conda environment file ${file}, but no such file was found.`)
    return { kind: 'conda', file }
  }
  if (existsSync(join(directory, DEFAULT_PYTHON_ENV_FILE))) return { kind: 'python', file: join(directory, DEFAULT_PYTHON_ENV_FILE) }
  if (existsSync(join(directory, DEFAULT_CONDA_FILE))) return { kind: 'conda', file: join(directory, DEFAULT_CONDA_FILE) }
  // Orchard's addition: a Node project's lockfile is its environment. MLflow, knowing only Python,
  // would make a virtualenv here; a project with no environment file at all runs with what is installed.
  if (existsSync(join(directory, 'package.json'))) {
    for (const name of NODE_LOCKFILES) {
      if (existsSync(join(directory, name))) return { kind: 'node', lockfile: join(directory, name) }
    }
  }
  return { kind: 'none' }
}

/**
 * Read the project in `directory`: its MLproject file (any capitalisation) if there is one, its
 * entry points and its environment. A folder with no MLproject is a project of scripts.
 *
 * @example
 * const project = await loadProject('examples/taxi-duration')
 * getEntryPoint(project, 'train').command
 */
export async function loadProject(directory: string): Promise<Project> {
  const info = await stat(directory).catch(() => undefined)
  if (!info?.isDirectory()) throw new ProjectError(`Project directory ${directory} does not exist or is not a directory.`)
  const file = await findMlproject(directory)
  let yaml: Record<string, unknown> = {}
  let entryPoints = new Map<string, EntryPoint>()
  if (file) {
    if ((await stat(file)).size > MAX_MLPROJECT_BYTES) throw invalid(`${file} is larger than ${MAX_MLPROJECT_BYTES} bytes.`)
    const document = parseDocument(await readFile(file, 'utf8'), { uniqueKeys: true })
    if (document.errors.length > 0) throw invalid(`${file} is not valid YAML: ${document.errors[0]?.message.split('\n')[0]}`)
    const root = document.contents
    if (root !== null && !(isScalar(root) && root.value === null)) {
      if (!isMap(root)) throw invalid(`${file} must be a YAML mapping (name, entry_points, an environment).`)
      yaml = document.toJS() as Record<string, unknown>
      entryPoints = parseEntryPoints(root.get('entry_points', true))
    }
  }
  const name = yaml.name === undefined || yaml.name === null ? undefined : String(yaml.name)
  return {
    directory,
    ...(name !== undefined ? { name } : {}),
    ...(file ? { file } : {}),
    environment: await chooseEnvironment(directory, yaml),
    entryPoints,
  }
}

// What runs an undeclared entry point, by extension. MLflow has `.py` (python) and `.sh` ($SHELL);
// Orchard adds Node's. `python3` rather than MLflow's `python`: Debian and macOS ship no `python`,
// and every venv and conda env has `python3` too.
const SCRIPT_RUNNERS: Readonly<Record<string, () => string>> = {
  '.py': () => 'python3',
  '.sh': () => shellQuote(process.env.SHELL || 'bash'),
  '.js': () => 'node',
  '.mjs': () => 'node',
  '.ts': () => `node --import ${shellQuote(tsxLoader())}`,
}

/** tsx from Orchard's own install when it can be found, so a TypeScript script needs nothing of its own. */
function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx')
  } catch {
    return 'tsx'
  }
}

/** The entry point `name`: declared in the MLproject, else a script run by the interpreter its extension names. */
export function getEntryPoint(project: Project, name: string): EntryPoint {
  const declared = project.entryPoints.get(name)
  if (declared) return declared
  const runner = SCRIPT_RUNNERS[extname(name)]
  if (!runner) {
    const names = `[${[...project.entryPoints.keys()].map((n) => `'${n}'`).join(', ')}]`
    const extensions = `[${Object.keys(SCRIPT_RUNNERS).map((e) => `'${e}'`).join(', ')}]`
    throw new ProjectError(
      `Could not find ${name} among entry points ${names} or interpret ${name} as a runnable script. Supported script file extensions: ${extensions}`,
    )
  }
  if (!existsSync(join(project.directory, name))) {
    throw new ProjectError(`The entry point script ${name} does not exist in ${project.directory}.`)
  }
  return { name, parameters: [], command: `${runner()} ${shellQuote(name)}` }
}
