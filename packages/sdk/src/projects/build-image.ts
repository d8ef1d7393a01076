import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { ProjectError } from './project-error.ts'
import { runTool } from './tools.ts'

// `orchard run --build-image` for docker_env projects, as MLflow's `mlflow run --build-image`: an
// image FROM the project's image with the project's code copied in, so the run's image holds the
// exact code it ran (MLflow mounts the folder otherwise). The code lives where MLflow puts it.

/** Where the code sits in the container, mounted or copied: MLflow's path. */
export const CONTAINER_WORKDIR = '/mlflow/projects/code'

/** MLflow's tags for the image a run built (mlflow/utils/mlflow_tags.py). */
export const DOCKER_IMAGE_TAGS = { uri: 'mlflow.docker.image.uri', id: 'mlflow.docker.image.id' } as const

/** The generated Dockerfile: the base image, the project folder copied in, the code as the working directory. */
export function projectDockerfile(baseImage: string): string {
  return `FROM ${baseImage}\nCOPY . ${CONTAINER_WORKDIR}/\nWORKDIR ${CONTAINER_WORKDIR}/\n`
}

/**
 * The tag of the built image, as MLflow names it: the project's name (as a repository name:
 * lower case, other characters as `-`) and the first 7 characters of the commit, or `latest`.
 */
export function builtImageTag(projectName: string | undefined, commit: string | undefined): string {
  const repository = (projectName ?? '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'orchard-project'
  return `${repository}:${commit ? commit.slice(0, 7) : 'latest'}`
}

/** `docker build` of the project folder with the generated Dockerfile, which lives outside it (the folder stays clean). */
export function buildCommandArguments(tag: string, dockerfile: string, contextDirectory: string): string[] {
  return ['build', '--tag', tag, '--file', dockerfile, contextDirectory]
}

/** Build the project's image and return its id. Throws ProjectError with the build's output when it fails. */
export async function buildProjectImage(executable: string, baseImage: string, tag: string, projectDirectory: string, log: (text: string) => void): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'orchard-image-'))
  try {
    const dockerfile = join(folder, 'Dockerfile')
    await writeFile(dockerfile, projectDockerfile(baseImage))
    log(`=== Building image ${tag} FROM ${baseImage} with ${basename(executable)} ===\n`)
    const build = await runTool(executable, buildCommandArguments(tag, dockerfile, projectDirectory), { log })
    if (build.code !== 0) throw new ProjectError(`${basename(executable)} build of ${tag} failed:\n${build.output.trim().split('\n').slice(-5).join('\n')}`)
    const inspect = await runTool(executable, ['image', 'inspect', '--format', '{{.Id}}', tag], { log: () => {} })
    if (inspect.code !== 0) throw new ProjectError(`${basename(executable)} built ${tag} but cannot inspect it: ${inspect.output.trim()}`)
    return inspect.output.trim()
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}
