import { canonicalStage, parseModelUri } from '@orchard/core'
import type { ModelVersion } from '@orchard/core'
import { invalidParameter, notFound } from '@orchard/protocol/base'
import type { Transport } from '../rest/transport.ts'

/** Where a model URI's files are, and the registered version it names (models:/ URIs). */
export interface ResolvedModelUri {
  /** The URI as given. */
  readonly uri: string
  /** The artifact location of the model's files: a version's download URI, or a run's artifact URI joined with the path. */
  readonly artifactUri: string
  /** The version a `models:/` URI names; absent for `runs:/` URIs. */
  readonly modelVersion?: ModelVersion
  /** The run the files belong to: the `runs:/` run, or the version's run. */
  readonly runId?: string
}

const improperRunsUri = (uri: string) =>
  invalidParameter(`Not a proper runs:/ URI: ${uri}. Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'`)

/**
 * `runs:/<run_id>/<path>` → the run id and the run-relative artifact path ('' for the run's root), as
 * MLflow parses it. A path that climbs out of the run (`..`) is refused: it would reach another
 * run's files.
 */
export function parseRunsUri(uri: string): { readonly runId: string; readonly artifactPath: string } {
  const match = /^runs:(.*)$/i.exec(uri)
  if (!match) throw improperRunsUri(uri)
  // Like urlparse: `runs://host/path` has a network location, which is not part of the path.
  const rest = match[1] as string
  const path = rest.startsWith('//') ? rest.replace(/^\/\/[^/]*/, '') : rest
  if (!path.startsWith('/') || path.length <= 1) throw improperRunsUri(uri)
  const [runId = '', ...parts] = path.slice(1).split('/')
  if (runId === '') throw improperRunsUri(uri)
  if (parts.some((part) => part === '..')) {
    throw invalidParameter(`Invalid runs:/ URI: ${uri}. The artifact path must stay inside the run: remove '..'.`)
  }
  return { runId, artifactPath: parts.join('/').replace(/^\/+|\/+$/g, '') }
}

/** `root` + `/` + `path`, for any URI scheme (artifact URIs are `/`-separated). */
export const joinArtifactUri = (root: string, path: string) => (path ? `${root.replace(/\/+$/, '')}/${path}` : root)

const highest = (versions: readonly ModelVersion[]) =>
  versions.reduce<ModelVersion | undefined>((best, v) => (best && Number(best.version) >= Number(v.version) ? best : v), undefined)

/** The version a `models:/` URI names, asking the registry the way MLflow's client does. */
async function versionOf(transport: Transport, uri: string): Promise<ModelVersion> {
  const target = parseModelUri(uri)
  switch (target.kind) {
    case 'version':
      return transport.getModelVersion(target.name, target.version)
    case 'alias':
      return transport.getModelVersionByAlias(target.name, target.alias)
    case 'logged-model':
      throw invalidParameter(`The URI ${uri} names a logged model (models:/<model_id>), not a registered model version.`)
    case 'stage': {
      const stage = canonicalStage(target.stage)
      const version = highest(await transport.getLatestVersions(target.name, [stage]))
      if (!version) throw notFound(`No versions of model with name '${target.name}' and stage '${stage}' found`)
      return version
    }
    case 'latest': {
      const version = highest(await transport.getLatestVersions(target.name))
      if (!version) throw notFound(`No versions of model with name '${target.name}' found`)
      return version
    }
  }
}

/** Resolve `models:/…` and `runs:/…` URIs to their files (see OrchardClient.resolveModelUri). */
export async function resolveModelUri(transport: Transport, uri: string): Promise<ResolvedModelUri> {
  if (/^runs:/i.test(uri)) {
    const { runId, artifactPath } = parseRunsUri(uri)
    const run = await transport.getRun(runId)
    return { uri, runId, artifactUri: joinArtifactUri(run.info.artifactUri, artifactPath) }
  }
  if (/^models:/i.test(uri)) {
    const modelVersion = await versionOf(transport, uri)
    const artifactUri = await transport.getModelVersionDownloadUri(modelVersion.name, modelVersion.version)
    return { uri, artifactUri, modelVersion, ...(modelVersion.runId ? { runId: modelVersion.runId } : {}) }
  }
  throw invalidParameter(
    `Unsupported model URI '${uri}'. Use models:/<name>/<version>, models:/<name>/<stage>, models:/<name>/latest, models:/<name>@<alias> or runs:/<run_id>/<path>.`,
  )
}
