import { resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseModelUri } from '@orchard/core'
import type { LoggedModel } from '@orchard/core'
import { invalidParameter } from '@orchard/protocol/base'
import type { RegistryStore, TrackingStore } from '@orchard/store'

// What the server's create-model-version handler checks and derives from a source before the store
// sees it (packages/server/src/routes/registry-versions.ts), so a version registered without a server
// is held to the same rules and records the same storage location.

const SCHEME = /^[a-z][a-z0-9+.-]*:/i
const isLocal = (uri: string) => !SCHEME.test(uri) || /^file:/i.test(uri)
const localPath = (uri: string) => resolve(/^file:/i.test(uri) ? fileURLToPath(new URL(uri)) : uri)

/** A local path may only be registered from inside the artifact directory of the run given with it (MLflow's rule). */
export async function checkLocalSource(source: string, runId: string | undefined, tracking: TrackingStore): Promise<void> {
  if (!isLocal(source)) return
  if (runId) {
    const { artifactUri } = (await tracking.getRun(runId)).info
    if (isLocal(artifactUri)) {
      const root = localPath(artifactUri)
      const path = localPath(source)
      if (path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)) return
    }
  }
  throw invalidParameter(
    `Invalid model version source: '${source}'. To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.`,
  )
}

/** Where a version's files really are, and the logged model and run it comes from, when its source says. */
export interface SourceOrigin {
  readonly storageLocation?: string
  readonly modelId?: string
  readonly runId?: string
}

const originOf = (model: LoggedModel): SourceOrigin => ({
  storageLocation: model.artifactUri,
  modelId: model.modelId,
  ...(model.sourceRunId ? { runId: model.sourceRunId } : {}),
})

/** A `models:/` source resolves to its files' location; a logged model lends its run. */
export async function resolveSource(
  source: string,
  modelId: string | undefined,
  tracking: TrackingStore,
  registry: RegistryStore,
): Promise<SourceOrigin> {
  if (/^models:/i.test(source)) {
    const target = parseModelUri(source)
    if (target.kind === 'logged-model') return originOf(await tracking.getLoggedModel(target.modelId))
    const version = await registry.resolveModelUri(source)
    return { storageLocation: await registry.getModelVersionDownloadUri(version.name, version.version) }
  }
  if (!modelId) return {}
  const { sourceRunId } = await tracking.getLoggedModel(modelId)
  return sourceRunId ? { runId: sourceRunId } : {}
}
