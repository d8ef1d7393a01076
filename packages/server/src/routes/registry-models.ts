import {
  SEARCH_REGISTERED_MODELS_DEFAULT_MAX_RESULTS,
  SEARCH_REGISTERED_MODELS_MAX_RESULTS,
} from '@orchard/protocol/base'
import type { registryRoutes } from '@orchard/protocol'
import {
  canonicalStage,
  modelVersionToWire,
  parseModelVersion,
  registeredModelToWire,
  validateAliasName,
  validateAliasNotReserved,
  validateKey,
  validateRegistryTag,
} from '@orchard/core'
import type { Handlers } from '../define-routes.ts'
import { checkMaxResults, pageToWire } from './paging.ts'
import { noteOf, registryOf, toTags } from './registry-context.ts'
import { readableBy, scope } from '../auth/scope.ts'

type RegisteredModelOperations = Pick<
  typeof registryRoutes,
  | 'createRegisteredModel'
  | 'getRegisteredModel'
  | 'renameRegisteredModel'
  | 'updateRegisteredModel'
  | 'deleteRegisteredModel'
  | 'searchRegisteredModels'
  | 'getLatestVersions'
  | 'setRegisteredModelTag'
  | 'deleteRegisteredModelTag'
  | 'setRegisteredModelAlias'
  | 'deleteRegisteredModelAlias'
  | 'getModelVersionByAlias'
>

export const registeredModelHandlers: Handlers<RegisteredModelOperations> = {
  async createRegisteredModel(request, context, http) {
    const tags = toTags(request.tags)
    tags.forEach((tag, i) => validateRegistryTag(tag, `tags[${i}]`))
    const model = await registryOf(context).createRegisteredModel(
      { name: request.name, tags, ...(request.description !== undefined ? { description: request.description } : {}) },
      noteOf(request, http),
    )
    return { registered_model: registeredModelToWire(model) }
  },

  async getRegisteredModel(request, context) {
    return { registered_model: registeredModelToWire(await registryOf(context).getRegisteredModel(request.name)) }
  },

  async renameRegisteredModel(request, context, http) {
    const model = await registryOf(context).renameRegisteredModel(request.name, request.new_name, noteOf(request, http))
    return { registered_model: registeredModelToWire(model) }
  },

  async updateRegisteredModel(request, context, http) {
    const model = await registryOf(context).updateRegisteredModel(request.name, request.description, noteOf(request, http))
    return { registered_model: registeredModelToWire(model) }
  },

  async deleteRegisteredModel(request, context, http) {
    await registryOf(context).deleteRegisteredModel(request.name, noteOf(request, http))
    return {}
  },

  async searchRegisteredModels(request, context, http) {
    const maxResults = checkMaxResults(request.max_results, SEARCH_REGISTERED_MODELS_DEFAULT_MAX_RESULTS, SEARCH_REGISTERED_MODELS_MAX_RESULTS, 'handler')
    const page = await registryOf(context).searchRegisteredModels({
      maxResults,
      ...scope(await readableBy(context, http, 'registered_model')),
      ...(request.filter ? { filter: request.filter } : {}),
      ...(request.order_by?.length ? { orderBy: request.order_by } : {}),
      ...(request.page_token ? { pageToken: request.page_token } : {}),
    })
    return pageToWire('registered_models', page, registeredModelToWire)
  },

  async getLatestVersions(request, context) {
    const stages = (request.stages ?? []).map(canonicalStage)
    const versions = await registryOf(context).getLatestVersions(request.name, stages)
    return versions.length ? { model_versions: versions.map(modelVersionToWire) } : {}
  },

  async setRegisteredModelTag(request, context, http) {
    const tag = { key: request.key, value: request.value ?? '' }
    validateRegistryTag(tag)
    await registryOf(context).setRegisteredModelTag(request.name, tag, noteOf(request, http))
    return {}
  },

  async deleteRegisteredModelTag(request, context, http) {
    validateKey('Tag', request.key, 'key')
    await registryOf(context).deleteRegisteredModelTag(request.name, request.key, noteOf(request, http))
    return {}
  },

  async setRegisteredModelAlias(request, context, http) {
    validateAliasName(request.alias)
    validateAliasNotReserved(request.alias)
    parseModelVersion(request.version)
    await registryOf(context).setRegisteredModelAlias(request.name, request.alias, request.version, noteOf(request, http))
    return {}
  },

  async deleteRegisteredModelAlias(request, context, http) {
    validateAliasName(request.alias)
    await registryOf(context).deleteRegisteredModelAlias(request.name, request.alias, noteOf(request, http))
    return {}
  },

  async getModelVersionByAlias(request, context) {
    validateAliasName(request.alias)
    return { model_version: modelVersionToWire(await registryOf(context).getModelVersionByAlias(request.name, request.alias)) }
  },
}
