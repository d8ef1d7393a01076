import { SEARCH_LOGGED_MODELS_DEFAULT_MAX_RESULTS, SEARCH_LOGGED_MODELS_MAX_RESULTS, invalidParameter } from '@orchard/protocol/base'
import type { trackingRoutes } from '@orchard/protocol'
import { loggedModelToWire, validateExperimentId, validateParam, validateRunTag } from '@orchard/core'
import type { Tag } from '@orchard/core'
import type { Handlers } from '../define-routes.ts'
import type { ServerContext } from '../server-context.ts'
import { listRunArtifacts } from '../artifact-listing.ts'
import { checkMaxResults } from './paging.ts'
import { readableBy, scope } from '../auth/scope.ts'

type LoggedModelOperations = Pick<
  typeof trackingRoutes,
  | 'createLoggedModel'
  | 'searchLoggedModels'
  | 'getLoggedModel'
  | 'finalizeLoggedModel'
  | 'deleteLoggedModel'
  | 'setLoggedModelTags'
  | 'deleteLoggedModelTag'
  | 'logLoggedModelParams'
  | 'listLoggedModelArtifacts'
>

const toTags = (list: readonly { key: string; value?: string | undefined }[] | undefined): Tag[] =>
  (list ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }))

export const loggedModelHandlers: Handlers<LoggedModelOperations> = {
  async createLoggedModel(request, { trackingStore }) {
    validateExperimentId(request.experiment_id)
    const params = toTags(request.params)
    params.forEach((p, i) => validateParam(p, `params[${i}]`))
    const tags = toTags(request.tags)
    tags.forEach((t, i) => validateRunTag(t, `tags[${i}]`))
    const model = await trackingStore.createLoggedModel({
      experimentId: request.experiment_id,
      params,
      tags,
      ...(request.name ? { name: request.name } : {}),
      ...(request.model_type ? { modelType: request.model_type } : {}),
      ...(request.source_run_id ? { sourceRunId: request.source_run_id } : {}),
    })
    return { model: loggedModelToWire(model) }
  },

  async searchLoggedModels(request, context, http) {
    const { trackingStore } = context
    const maxResults = checkMaxResults(request.max_results, SEARCH_LOGGED_MODELS_DEFAULT_MAX_RESULTS, SEARCH_LOGGED_MODELS_MAX_RESULTS)
    // MLflow's handler requires the field; an empty list is accepted and matches nothing.
    if (request.experiment_ids === undefined) {
      throw invalidParameter("Missing value for required parameter 'experiment_ids'. See the API docs for more information about request parameters.")
    }
    const experimentIds = request.experiment_ids
    if (experimentIds.length === 0) return {}
    experimentIds.forEach(validateExperimentId)
    const page = await trackingStore.searchLoggedModels({
      experimentIds,
      maxResults,
      ...scope(await readableBy(context, http, 'experiment')),
      ...(request.filter ? { filter: request.filter } : {}),
      ...(request.page_token ? { pageToken: request.page_token } : {}),
      ...(request.datasets?.length
        ? {
            datasets: request.datasets.map((d) => ({
              datasetName: d.dataset_name,
              ...(d.dataset_digest ? { datasetDigest: d.dataset_digest } : {}),
            })),
          }
        : {}),
      ...(request.order_by?.length
        ? {
            orderBy: request.order_by.map((o) => ({
              fieldName: o.field_name,
              ...(o.ascending !== undefined ? { ascending: o.ascending } : {}),
              ...(o.dataset_name ? { datasetName: o.dataset_name } : {}),
              ...(o.dataset_digest ? { datasetDigest: o.dataset_digest } : {}),
            })),
          }
        : {}),
    })
    return {
      models: page.items.map(loggedModelToWire),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    }
  },

  async getLoggedModel(request, { trackingStore }) {
    return { model: loggedModelToWire(await trackingStore.getLoggedModel(request.model_id)) }
  },

  async finalizeLoggedModel(request, { trackingStore }) {
    return { model: loggedModelToWire(await trackingStore.finalizeLoggedModel(request.model_id, request.status)) }
  },

  async deleteLoggedModel(request, { trackingStore }) {
    await trackingStore.deleteLoggedModel(request.model_id)
    return {}
  },

  async setLoggedModelTags(request, { trackingStore }) {
    const tags = toTags(request.tags)
    tags.forEach((t, i) => validateRunTag(t, `tags[${i}]`))
    await trackingStore.setLoggedModelTags(request.model_id, tags)
    return {}
  },

  async deleteLoggedModelTag(request, { trackingStore }) {
    await trackingStore.deleteLoggedModelTag(request.model_id, request.tag_key)
    return {}
  },

  async logLoggedModelParams(request, { trackingStore }) {
    const params = toTags(request.params)
    params.forEach((p, i) => validateParam(p, `params[${i}]`))
    await trackingStore.logLoggedModelParams(request.model_id, params)
    return {}
  },

  async listLoggedModelArtifacts(request, context: ServerContext) {
    const model = await context.trackingStore.getLoggedModel(request.model_id)
    return listRunArtifacts(context, model.artifactUri, request.artifact_directory_path)
  },
}
