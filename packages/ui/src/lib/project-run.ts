// What the run page shows of a project run (one made by `orchard run` or `mlflow run`), read from
// the tags they set (packages/sdk/src/projects/project-tags.ts; the UI only sees @orchard/sdk/rest,
// so the names are repeated here), and the commands that run it again.

const TAG = {
  sourceType: 'mlflow.source.type',
  sourceName: 'mlflow.source.name',
  gitCommit: 'mlflow.source.git.commit',
  gitRepoUrl: 'mlflow.source.git.repoURL',
  gitBranch: 'mlflow.source.git.branch',
  gitDirty: 'mlflow.source.git.dirty',
  entryPoint: 'mlflow.project.entryPoint',
  env: 'mlflow.project.env',
  backend: 'mlflow.project.backend',
  command: 'orchard.project.command',
  parameters: 'orchard.project.parameters',
  cwd: 'orchard.project.cwd',
  exitCode: 'orchard.project.exitCode',
  reproduces: 'orchard.project.reproduces',
} as const

// Set on a run that built its image (`--build-image`).
const DOCKER_IMAGE_URI_TAG = 'mlflow.docker.image.uri'
/** Where `orchard run` stores the command's output. */
export const PROJECT_OUTPUT_ARTIFACT = 'project/output.log'
// The values --env-manager takes; npm and docker environments come from the project itself.
const ENV_MANAGERS = new Set(['local', 'virtualenv', 'uv', 'conda'])
// A source name with a scheme (https:, git@host:, file:) is a git repository: --version applies.
const GIT_URI = /^[^/]*:/
const SAFE = /^[\w@%+=:,./-]+$/

/** Python's shlex.quote, as `orchard run` quotes parameter values: safe words as is, else single-quoted. */
export function shellQuote(value: string): string {
  if (value === '') return "''"
  if (SAFE.test(value)) return value
  return `'${value.replaceAll("'", `'"'"'`)}'`
}

export interface ProjectRun {
  readonly sourceName: string
  readonly commit?: string
  readonly repoUrl?: string
  readonly branch?: string
  readonly dirty: boolean
  readonly entryPoint: string
  readonly environment?: string
  readonly backend?: string
  readonly command?: string
  readonly exitCode?: string
  readonly reproduces?: string
  /** The project's parameters and their values, in the order they were logged. */
  readonly parameters: readonly (readonly [string, string])[]
  /** `orchard run --from-run <id>`. */
  readonly fromRunCommand: string
  /** The same run spelled out: `orchard run <uri> --version <commit> -e <entry> -P k=v …`. */
  readonly explicitCommand: string
}

interface RunLike {
  readonly info: { readonly runId: string; readonly experimentId: string }
  readonly data: { readonly tags: readonly { key: string; value: string }[]; readonly params: readonly { key: string; value: string }[] }
}

function parameterNames(text: string | undefined): Set<string> | undefined {
  if (text === undefined) return undefined
  try {
    const parsed: unknown = JSON.parse(text)
    return Array.isArray(parsed) ? new Set(parsed.map(String)) : undefined
  } catch {
    return undefined
  }
}

/** The project side of a run, or undefined when it is not a project run. */
export function projectRun(run: RunLike): ProjectRun | undefined {
  const tags = new Map(run.data.tags.map((t) => [t.key, t.value]))
  if (tags.get(TAG.sourceType) !== 'PROJECT') return undefined
  const sourceName = tags.get(TAG.sourceName) ?? ''
  const entryPoint = tags.get(TAG.entryPoint) ?? 'main'
  // Without Orchard's list (a run of `mlflow run`) every param is shown: the program's own among them.
  const names = parameterNames(tags.get(TAG.parameters))
  const parameters = run.data.params.filter((p) => !names || names.has(p.key)).map((p) => [p.key, p.value] as const)
  const commit = tags.get(TAG.gitCommit)
  const environment = tags.get(TAG.env)
  const words = ['orchard', 'run', shellQuote(sourceName)]
  if (commit && GIT_URI.test(sourceName)) words.push('--version', commit)
  words.push('-e', shellQuote(entryPoint))
  for (const [key, value] of parameters) words.push('-P', shellQuote(`${key}=${value}`))
  if (environment && ENV_MANAGERS.has(environment)) words.push('--env-manager', environment)
  if (tags.has(DOCKER_IMAGE_URI_TAG)) words.push('--build-image')
  words.push('--experiment-id', shellQuote(run.info.experimentId))
  const present = (field: string, key: string) => {
    const value = tags.get(key)
    return value === undefined ? {} : { [field]: value }
  }
  return {
    sourceName,
    ...present('commit', TAG.gitCommit),
    ...present('repoUrl', TAG.gitRepoUrl),
    ...present('branch', TAG.gitBranch),
    dirty: tags.get(TAG.gitDirty) === 'true',
    entryPoint,
    ...present('environment', TAG.env),
    ...present('backend', TAG.backend),
    ...present('command', TAG.command),
    ...present('exitCode', TAG.exitCode),
    ...present('reproduces', TAG.reproduces),
    parameters,
    fromRunCommand: `orchard run --from-run ${run.info.runId}`,
    explicitCommand: words.join(' '),
  }
}
