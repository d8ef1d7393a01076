import { resolve, sep } from 'node:path'
import { copyRunArtifacts } from '@orchard/artifacts'
import { fileURLToPath } from 'node:url'
import {
  SEARCH_MODEL_VERSIONS_DEFAULT_MAX_RESULTS,
  SEARCH_MODEL_VERSIONS_MAX_RESULTS,
  invalidParameter,
} from '@orchard/protocol'
import type { registryRoutes } from '@orchard/protocol'
import {
  canonicalStage,
  modelVersionToWire,
  parseModelUri,
  parseModelVersion,
  validateKey,
  validateModelVersionSource,
  validateRegistryTag,
} from '@orchard/core'
import type { LoggedModel } from '@orchard/core'
import type { Handlers } from '../define-routes.ts'
import type { ServerContext } from '../server-context.ts'
import { checkMaxResults, pageToWire } from './paging.ts'
import { noteOf, registryOf, toTags } from './registry-context.ts'
import { readableBy, scope } from '../auth/scope.ts'

type ModelVersionOperations = Pick<
  typeof registryRoutes,
  | 'createModelVersion'
  | 'getModelVersion'
  | 'updateModelVersion'
  | 'deleteModelVersion'
  | 'searchModelVersions'
  | 'transitionModelVersionStage'
  | 'setModelVersionTag'
  | 'deleteModelVersionTag'
  | 'getModelVersionDownloadUri'
>

const SCHEME = /^[a-z][a-z0-9+.-]*:/i
const isLocal = (uri: string) => !SCHEME.test(uri) || /^file:/i.test(uri)
const localPath = (uri: string) => resolve(/^file:/i.test(uri) ? fileURLToPath(new URL(uri)) : uri)

/**
 * A local path may only be registered from inside the artifact directory of the run given with it
 * (MLflow's rule), so a version cannot make the server serve arbitrary files of its own disk.
 */
async function checkLocalSource(source: string, runId: string | undefined, context: ServerContext): Promise<void> {
  if (!isLocal(source)) return
  if (runId) {
    const { artifactUri } = (await context.trackingStore.getRun(runId)).info
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

interface SourceOrigin {
  readonly storageLocation?: string
  readonly modelId?: string
  readonly runId?: string
}

/**
 * MLflow 3 registers logged models with the source `models:/<model_id>`; a source may also name
 * another registered version. As MLflow's server does, the version then records where the files
 * really are (its download URI) and takes the run from the logged model when none is given.
 */
async function resolveSource(source: string, modelId: string | undefined, context: ServerContext): Promise<SourceOrigin> {
  if (/^models:/i.test(source)) {
    const target = parseModelUri(source)
    if (target.kind === 'logged-model') return originOf(await context.trackingStore.getLoggedModel(target.modelId))
    const version = await registryOf(context).resolveModelUri(source)
    return { storageLocation: await registryOf(context).getModelVersionDownloadUri(version.name, version.version) }
  }
  if (!modelId) return {}
  const { sourceRunId } = await context.trackingStore.getLoggedModel(modelId)
  return sourceRunId ? { runId: sourceRunId } : {}
}

const originOf = (model: LoggedModel): SourceOrigin => ({
  storageLocation: model.artifactUri,
  modelId: model.modelId,
  ...(model.sourceRunId ? { runId: model.sourceRunId } : {}),
})

export const modelVersionHandlers: Handlers<ModelVersionOperations> = {
  async createModelVersion(request, context, http) {
    validateModelVersionSource(request.source)
    await checkLocalSource(request.source, request.run_id, context)
    const tags = toTags(request.tags)
    tags.forEach((tag, i) => validateRegistryTag(tag, `tags[${i}]`))
    const copy = await copyRunArtifacts(request.name, request.source, request.run_id || undefined, {
      getRunArtifactUri: async (id) => (await context.trackingStore.getRun(id)).info.artifactUri,
      defaultArtifactRoot: context.defaultArtifactRoot,
      artifactsDestination: context.artifactsDestination,
    })
    const origin: SourceOrigin = copy ?? (await resolveSource(request.source, request.model_id, context))
    const runId = request.run_id || origin.runId
    const version = await registryOf(context).createModelVersion(
      {
        name: request.name,
        source: request.source,
        tags,
        ...(origin.storageLocation ? { storageLocation: origin.storageLocation } : {}),
        ...(request.model_id ? { modelId: request.model_id } : origin.modelId ? { modelId: origin.modelId } : {}),
        ...(runId ? { runId } : {}),
        ...(request.run_link ? { runLink: request.run_link } : {}),
        ...(request.description !== undefined ? { description: request.description } : {}),
      },
      noteOf(request, http),
    )
    return { model_version: modelVersionToWire(version) }
  },

  async getModelVersion(request, context) {
    parseModelVersion(request.version)
    return { model_version: modelVersionToWire(await registryOf(context).getModelVersion(request.name, request.version)) }
  },

  async updateModelVersion(request, context, http) {
    parseModelVersion(request.version)
    const version = await registryOf(context).updateModelVersion(request.name, request.version, request.description, noteOf(request, http))
    return { model_version: modelVersionToWire(version) }
  },

  async deleteModelVersion(request, context, http) {
    parseModelVersion(request.version)
    await registryOf(context).deleteModelVersion(request.name, request.version, noteOf(request, http))
    return {}
  },

  async searchModelVersions(request, context, http) {
    const maxResults = checkMaxResults(request.max_results, SEARCH_MODEL_VERSIONS_DEFAULT_MAX_RESULTS, SEARCH_MODEL_VERSIONS_MAX_RESULTS)
    const page = await registryOf(context).searchModelVersions({
      maxResults,
      ...scope(readableBy(context, http)),
      ...(request.filter ? { filter: request.filter } : {}),
      ...(request.order_by?.length ? { orderBy: request.order_by } : {}),
      ...(request.page_token ? { pageToken: request.page_token } : {}),
    })
    return pageToWire('model_versions', page, modelVersionToWire)
  },

  async transitionModelVersionStage(request, context, http) {
    parseModelVersion(request.version)
    const version = await registryOf(context).transitionModelVersionStage(
      request.name,
      request.version,
      canonicalStage(request.stage),
      request.archive_existing_versions,
      noteOf(request, http),
    )
    return { model_version: modelVersionToWire(version) }
  },

  async setModelVersionTag(request, context, http) {
    parseModelVersion(request.version)
    const tag = { key: request.key, value: request.value ?? '' }
    validateRegistryTag(tag)
    await registryOf(context).setModelVersionTag(request.name, request.version, tag, noteOf(request, http))
    return {}
  },

  async deleteModelVersionTag(request, context, http) {
    parseModelVersion(request.version)
    validateKey('Tag', request.key, 'key')
    await registryOf(context).deleteModelVersionTag(request.name, request.version, request.key, noteOf(request, http))
    return {}
  },

  async getModelVersionDownloadUri(request, context) {
    parseModelVersion(request.version)
    return { artifact_uri: await registryOf(context).getModelVersionDownloadUri(request.name, request.version) }
  },
}
