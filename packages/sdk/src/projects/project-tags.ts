/**
 * The tags a project run carries. MLflow's own (mlflow/utils/mlflow_tags.py) first, so MLflow's UI
 * and clients read them; then Orchard's, which make `orchard run --from-run` and the run page work.
 */
export const PROJECT_TAGS = {
  user: 'mlflow.user',
  runName: 'mlflow.runName',
  sourceName: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  gitCommit: 'mlflow.source.git.commit',
  gitRepoUrl: 'mlflow.source.git.repoURL',
  gitBranch: 'mlflow.source.git.branch',
  legacyGitRepoUrl: 'mlflow.gitRepoURL',
  legacyGitBranch: 'mlflow.gitBranchName',
  /** `true` when the work tree had uncommitted changes or untracked files. */
  gitDirty: 'mlflow.source.git.dirty',
  entryPoint: 'mlflow.project.entryPoint',
  env: 'mlflow.project.env',
  backend: 'mlflow.project.backend',
  /** The command line the entry point ran, parameters filled in. */
  command: 'orchard.project.command',
  /** JSON list of the project's parameter names; the program may log more params into the run. */
  parameters: 'orchard.project.parameters',
  /** The directory relative `path` parameters were resolved from. */
  cwd: 'orchard.project.cwd',
  /** The child's exit code (128 + signal number when a signal ended it). */
  exitCode: 'orchard.project.exitCode',
  /** The run this run re-ran with --from-run. */
  reproduces: 'orchard.project.reproduces',
} as const

/** mlflow.source.type of a project run. */
export const PROJECT_SOURCE_TYPE = 'PROJECT'
/** The artifact holding everything the command printed, stdout and stderr interleaved. */
export const OUTPUT_ARTIFACT_DIR = 'project'
/** The file in OUTPUT_ARTIFACT_DIR that holds the command's output. */
export const OUTPUT_ARTIFACT_FILE = 'output.log'
