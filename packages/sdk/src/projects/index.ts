// MLflow Projects for Orchard: read an MLproject, fetch its source, build its environment and run
// an entry point as a tracked run. Node-only (child processes, git); not part of @orchard/sdk/rest.
export { runProject, startProjectRun } from './run-project.ts'
export type { ProjectRunResult, RunProjectOptions } from './run-project.ts'
export { loadProject, getEntryPoint } from './mlproject.ts'
export type { EntryPoint, ParameterSpec, Project, ProjectEnvironment } from './mlproject.ts'
export { computeParameters, parseParameterArguments } from './parameters.ts'
export { ENV_MANAGERS, environmentCacheDir } from './environments.ts'
export type { EnvManager } from './environments.ts'
export { ProjectError, isProjectError } from './project-error.ts'
export { PROJECT_TAGS, OUTPUT_ARTIFACT_DIR, OUTPUT_ARTIFACT_FILE } from './project-tags.ts'
export { shellQuote } from './shell-quote.ts'
