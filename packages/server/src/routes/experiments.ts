import { SEARCH_EXPERIMENTS_DEFAULT_MAX_RESULTS, SEARCH_EXPERIMENTS_MAX_RESULTS, SEARCH_DATASETS_MAX_EXPERIMENTS, invalidParameter, notFound } from '@orchard/protocol/base'
import type { trackingRoutes } from '@orchard/protocol'
import { experimentToWire, validateExperimentId, validateExperimentName, validateExperimentTag } from '@orchard/core'
import { checkArtifactLocation } from '../artifact-locations.ts'
import type { Handlers } from '../define-routes.ts'
import { checkMaxResults, pageToWire } from './paging.ts'
import { readableBy, scope } from '../auth/scope.ts'

type ExperimentOperations = Pick<
  typeof trackingRoutes,
  | 'createExperiment'
  | 'getExperiment'
  | 'getExperimentByName'
  | 'searchExperiments'
  | 'listExperiments'
  | 'updateExperiment'
  | 'deleteExperiment'
  | 'restoreExperiment'
  | 'setExperimentTag'
  | 'setExperimentTagNpmAlias'
  | 'deleteExperimentTag'
  | 'searchDatasets'
>

export const experimentHandlers: Handlers<ExperimentOperations> = {
  async createExperiment(request, context) {
    const { trackingStore } = context
    validateExperimentName(request.name)
    if (request.artifact_location?.startsWith('runs:/')) {
      throw invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${request.artifact_location}'`)
    }
    if (request.artifact_location) checkArtifactLocation(request.artifact_location, context)
    const tags = (request.tags ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }))
    tags.forEach((tag, i) => validateExperimentTag(tag, `tags[${i}]`))
    const experimentId = await trackingStore.createExperiment({
      name: request.name,
      ...(request.artifact_location ? { artifactLocation: request.artifact_location } : {}),
      tags,
    })
    return { experiment_id: experimentId }
  },

  async getExperiment(request, { trackingStore }) {
    validateExperimentId(request.experiment_id)
    return { experiment: experimentToWire(await trackingStore.getExperiment(request.experiment_id)) }
  },

  async getExperimentByName(request, { trackingStore }) {
    const experiment = await trackingStore.getExperimentByName(request.experiment_name)
    if (!experiment) throw notFound(`Could not find experiment with name '${request.experiment_name}'`)
    return { experiment: experimentToWire(experiment) }
  },

  async searchExperiments(request, context, http) {
    const { trackingStore } = context
    const maxResults = checkMaxResults(request.max_results, SEARCH_EXPERIMENTS_DEFAULT_MAX_RESULTS, SEARCH_EXPERIMENTS_MAX_RESULTS)
    const page = await trackingStore.searchExperiments({
      viewType: request.view_type ?? 'ACTIVE_ONLY',
      maxResults,
      ...scope(await readableBy(context, http, 'experiment')),
      ...(request.filter ? { filter: request.filter } : {}),
      ...(request.order_by?.length ? { orderBy: request.order_by } : {}),
      ...(request.page_token ? { pageToken: request.page_token } : {}),
    })
    return pageToWire('experiments', page, experimentToWire)
  },

  async listExperiments(request, context, http) {
    const { trackingStore } = context
    const maxResults = checkMaxResults(request.max_results, SEARCH_EXPERIMENTS_MAX_RESULTS, SEARCH_EXPERIMENTS_MAX_RESULTS)
    const page = await trackingStore.searchExperiments({
      viewType: request.view_type ?? 'ACTIVE_ONLY',
      maxResults,
      ...scope(await readableBy(context, http, 'experiment')),
      ...(request.page_token ? { pageToken: request.page_token } : {}),
    })
    return {
      experiments: page.items.map(experimentToWire),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    }
  },

  async updateExperiment(request, { trackingStore }) {
    validateExperimentId(request.experiment_id)
    validateExperimentName(request.new_name)
    await trackingStore.renameExperiment(request.experiment_id, request.new_name)
    return {}
  },

  async deleteExperiment(request, { trackingStore }) {
    validateExperimentId(request.experiment_id)
    await trackingStore.deleteExperiment(request.experiment_id)
    return {}
  },

  async restoreExperiment(request, { trackingStore }) {
    validateExperimentId(request.experiment_id)
    await trackingStore.restoreExperiment(request.experiment_id)
    return {}
  },

  async setExperimentTag(request, { trackingStore }) {
    validateExperimentId(request.experiment_id)
    const tag = { key: request.key, value: request.value }
    validateExperimentTag(tag)
    await trackingStore.setExperimentTag(request.experiment_id, tag)
    return {}
  },

  setExperimentTagNpmAlias(request, context, http) {
    return experimentHandlers.setExperimentTag(request, context, http)
  },

  async deleteExperimentTag(request, { trackingStore }) {
    validateExperimentId(request.experiment_id)
    await trackingStore.deleteExperimentTag(request.experiment_id, request.key)
    return {}
  },

  async searchDatasets(request, { trackingStore }) {
    if (request.experiment_ids.length === 0) throw invalidParameter('SearchDatasets request must specify at least one experiment_id.')
    if (request.experiment_ids.length > SEARCH_DATASETS_MAX_EXPERIMENTS) {
      throw invalidParameter(
        `SearchDatasets request cannot specify more than ${SEARCH_DATASETS_MAX_EXPERIMENTS} experiment_ids. Received ${request.experiment_ids.length} experiment_ids.`,
      )
    }
    request.experiment_ids.forEach(validateExperimentId)
    const summaries = await trackingStore.searchDatasets(request.experiment_ids)
    return {
      dataset_summaries: summaries.map((s) => ({
        experiment_id: s.experimentId,
        name: s.name,
        digest: s.digest,
        ...(s.context !== undefined ? { context: s.context } : {}),
      })),
    }
  },
}
