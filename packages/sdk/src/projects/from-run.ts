import type { Run } from '@orchard/core'
import type { TrackingClient } from '../client/tracking-client.ts'
import { DOCKER_IMAGE_TAGS } from './build-image.ts'
import { ENV_MANAGERS } from './environments.ts'
import type { EnvManager } from './environments.ts'
import { gitState } from './git.ts'
import { ProjectError } from './project-error.ts'
import { PROJECT_SOURCE_TYPE, PROJECT_TAGS } from './project-tags.ts'
import { isGitUri, parseSubdirectory } from './source.ts'

/** What `--from-run` re-runs: the source at the recorded commit, entry point, parameters and environment. */
export interface Reproduction {
  readonly runId: string
  readonly uri: string
  readonly version?: string
  readonly entryPoint: string
  readonly parameters: Record<string, string>
  /** Without Orchard's list of the project's parameters, keep only those the entry point declares. */
  readonly declaredOnly: boolean
  readonly envManager?: EnvManager
  /** The run built its image (`--build-image`): so does the re-run. */
  readonly buildImage?: boolean
  readonly experimentId: string
  readonly cwd?: string
}

/**
 * Read a past project run (made by `orchard run` or `mlflow run`) and say how to run it again. A
 * run whose work tree had uncommitted changes cannot be reproduced from its commit, so it is
 * refused unless `allowDirty`.
 */
export async function reproductionOf(client: TrackingClient, runId: string, allowDirty: boolean): Promise<Reproduction> {
  const run: Run = await client.getRun(runId)
  const tags = new Map(run.data.tags.map((t) => [t.key, t.value]))
  if (tags.get(PROJECT_TAGS.sourceType) !== PROJECT_SOURCE_TYPE) {
    throw new ProjectError(`Run ${runId} is not a project run (its ${PROJECT_TAGS.sourceType} is ${tags.get(PROJECT_TAGS.sourceType) ?? 'not set'}); only runs started by orchard run or mlflow run can be re-run.`)
  }
  const sourceName = tags.get(PROJECT_TAGS.sourceName)
  const entryPoint = tags.get(PROJECT_TAGS.entryPoint)
  if (!sourceName || !entryPoint) throw new ProjectError(`Run ${runId} has no ${PROJECT_TAGS.sourceName} or ${PROJECT_TAGS.entryPoint} tag to re-run from.`)
  if (tags.get(PROJECT_TAGS.gitDirty) === 'true' && !allowDirty) {
    throw new ProjectError(
      `Run ${runId} ran from a work tree with uncommitted changes (${PROJECT_TAGS.gitDirty}=true), so its commit ${tags.get(PROJECT_TAGS.gitCommit) ?? ''} does not hold the code it ran. Commit your changes before running, or pass --allow-dirty to re-run from the commit anyway.`,
    )
  }
  const commit = tags.get(PROJECT_TAGS.gitCommit)
  const env = tags.get(PROJECT_TAGS.env)
  const envManager = (ENV_MANAGERS as readonly string[]).includes(env ?? '') ? (env as EnvManager) : undefined
  const cwd = tags.get(PROJECT_TAGS.cwd)
  // The program logs its own params into the same run; only the project's are parameters to pass.
  const names = parseNames(tags.get(PROJECT_TAGS.parameters))
  const parameters = Object.fromEntries(run.data.params.filter((p) => !names || names.has(p.key)).map((p) => [p.key, p.value]))
  const uri = await closestCopy(sourceName, commit)
  return {
    runId,
    uri,
    ...(commit && isGitUri(parseSubdirectory(uri).uri) ? { version: commit } : {}),
    entryPoint,
    parameters,
    declaredOnly: !names,
    ...(envManager ? { envManager } : {}),
    ...(tags.has(DOCKER_IMAGE_TAGS.uri) ? { buildImage: true } : {}),
    experimentId: run.info.experimentId,
    ...(cwd ? { cwd } : {}),
  }
}

/**
 * A local work tree (`file:///repo#sub`) that still has the commit checked out, with nothing
 * uncommitted, holds exactly the code of the run: it runs in place, with the folders around it
 * (a monorepo's node_modules) that a fresh clone would lack. Otherwise the commit is cloned.
 */
async function closestCopy(sourceName: string, commit: string | undefined): Promise<string> {
  const { uri, subdirectory } = parseSubdirectory(sourceName)
  if (!commit || !uri.startsWith('file://')) return sourceName
  const root = uri.slice('file://'.length)
  const state = await gitState(root)
  if (state?.root === root && state.commit === commit && !state.dirty) return subdirectory ? `${root}#${subdirectory}` : root
  return sourceName
}

function parseNames(text: string | undefined): Set<string> | undefined {
  if (text === undefined) return undefined
  try {
    const names: unknown = JSON.parse(text)
    return Array.isArray(names) && names.every((n) => typeof n === 'string') ? new Set(names) : undefined
  } catch {
    return undefined
  }
}
