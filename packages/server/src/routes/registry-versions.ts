import {
  SEARCH_MODEL_VERSIONS_DEFAULT_MAX_RESULTS,
  SEARCH_MODEL_VERSIONS_MAX_RESULTS,
  invalidParameter,
} from '@orchard/protocol/base'
import type { registryRoutes } from '@orchard/protocol'
import {
  canonicalStage,
  modelVersionToWire,
  parseModelVersion,
  validateKey,
  validateRegistryTag,
} from '@orchard/core'
import type { Handlers } from '../define-routes.ts'
import { checkModelVersionSource, modelVersionOrigin, recordVersionOnLoggedModel } from './model-version-source.ts'
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

export const modelVersionHandlers: Handlers<ModelVersionOperations> = {
  async createModelVersion(request, context, http) {
    await checkModelVersionSource(request, context)
    const tags = toTags(request.tags)
    tags.forEach((tag, i) => validateRegistryTag(tag, `tags[${i}]`))
    const origin = await modelVersionOrigin(request, context)
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
    if (version.modelId) await recordVersionOnLoggedModel(version.modelId, version.name, version.version, context)
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
    const maxResults = checkMaxResults(request.max_results, SEARCH_MODEL_VERSIONS_DEFAULT_MAX_RESULTS, SEARCH_MODEL_VERSIONS_MAX_RESULTS, 'handler')
    const page = await registryOf(context).searchModelVersions({
      maxResults,
      ...scope(await readableBy(context, http, 'registered_model')),
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
