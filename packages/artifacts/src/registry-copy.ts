import { randomUUID } from 'node:crypto'
import { isOrchardError } from '@orchard/protocol/base'
import { openArtifactRepository } from './registry.ts'
import type { ArtifactRepository } from './repository.ts'

// Copy on register. A version registered from a run's artifacts (`runs:/<run_id>/<path>`, or a
// location inside the artifact directory of the run_id given with it, which is what MLflow's
// Python client sends after resolving runs:/) gets its own copy of the files under
// `<default artifact root>/registry/<model>/<copy id>/`, and that copy is its storage_location
// (what get-download-uri and models:/ URIs return). Deleting and garbage-collecting the run then
// leaves the version whole. The copy is made before the version exists, so a version never points
// at half-copied files; that is why the folder is named by a fresh id, not the version number.

const RUNS_URI = /^runs:\/([^/]+)(?:\/(.*))?$/

/** What a copy needs from its caller (the server, or the SDK's embedded transport). */
export interface RegistryCopyContext {
  /** A run's artifact root; rejects with RESOURCE_DOES_NOT_EXIST for an unknown run. */
  getRunArtifactUri(runId: string): Promise<string>
  /** The root under which `registry/<model>/<copy id>/` folders go; no copy without one. */
  readonly defaultArtifactRoot?: string | undefined
  /** Where `mlflow-artifacts:` URIs lead (a server's artifacts destination). */
  readonly artifactsDestination?: ArtifactRepository | string | undefined
}

/** What a registration from a run resolves to: the run, and where its files are now. */
interface RunSource {
  readonly runId: string
  readonly location: string
}

const join = (base: string, path: string) => (path === '' ? base : `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`)

async function artifactUriIfKnown(runId: string, context: RegistryCopyContext): Promise<string | undefined> {
  return context.getRunArtifactUri(runId).catch((error: unknown) => {
    if (isOrchardError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST') return undefined
    throw error
  })
}

async function runSource(source: string, runId: string | undefined, context: RegistryCopyContext): Promise<RunSource | undefined> {
  // MLflow checks neither that a runs:/ source names the run_id given with it nor that the run
  // exists here; the files are those of the run the source names, and a run this server does not
  // know simply has nothing to copy.
  const match = RUNS_URI.exec(source)
  if (match) {
    const id = match[1] as string
    const artifactUri = await artifactUriIfKnown(id, context)
    return artifactUri === undefined ? undefined : { runId: id, location: join(artifactUri, match[2] ?? '') }
  }
  if (!runId) return undefined
  const artifactUri = await artifactUriIfKnown(runId, context)
  if (artifactUri === undefined) return undefined
  const root = artifactUri.replace(/\/+$/, '')
  return source === root || source.startsWith(`${root}/`) ? { runId, location: source } : undefined
}

/**
 * A model name as one plain path segment. Names may hold `/`, `%` or spaces, which URIs and HTTP
 * paths would each read differently; the copy id makes the folder unique anyway.
 */
const folderName = (modelName: string) => modelName.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_')

async function copyTree(from: ArtifactRepository, to: ArtifactRepository, path = ''): Promise<number> {
  let copied = 0
  for (const entry of await from.listArtifacts(path || undefined)) {
    if (entry.isDir) {
      copied += await copyTree(from, to, entry.path)
    } else {
      await to.writeArtifact(entry.path, await (await from.openArtifact(entry.path)).read())
      copied++
    }
  }
  return copied
}

/**
 * Copies the files of a registration from a run into the registry's own folder and returns where
 * they are, with the run id; undefined when the source is not a run's (nothing to copy), or when
 * there is no artifact root to copy into.
 */
export async function copyRunArtifacts(
  modelName: string,
  source: string,
  runId: string | undefined,
  context: RegistryCopyContext,
): Promise<{ storageLocation: string; runId: string } | undefined> {
  const run = await runSource(source, runId, context)
  if (!run || !context.defaultArtifactRoot) return undefined
  const options = context.artifactsDestination ? { mlflowArtifacts: context.artifactsDestination } : {}
  const target = join(context.defaultArtifactRoot, `registry/${folderName(modelName)}/${randomUUID()}`)
  const copied = await copyTree(openArtifactRepository(run.location, options), openArtifactRepository(target, options))
  // Nothing there yet (MLflow lets a version be registered before its files are): the version keeps
  // the run's location, as any other source does, and only the run id is taken from the source.
  if (copied === 0) return { storageLocation: run.location, runId: run.runId }
  return { storageLocation: target, runId: run.runId }
}
