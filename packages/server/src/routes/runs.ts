import {
  SEARCH_RUNS_DEFAULT_MAX_RESULTS,
  SEARCH_RUNS_MAX_RESULTS,
} from '@orchard/protocol/base'
import type { trackingRoutes } from '@orchard/protocol'
import {
  LOGGED_MODELS_TAG,
  appendLoggedModel,
  doubleFromWire,
  parseModelJson,
  runInfoToWire,
  runToWire,
  validateBatch,
  validateDatasetInputs,
  validateExperimentId,
  validateMetric,
  validateParam,
  validateRunId,
  validateRunTag,
} from '@orchard/core'
import type { DatasetInput, Tag } from '@orchard/core'
import type { Handlers } from '../define-routes.ts'
import { checkMaxResults, pageJsonText } from './paging.ts'
import { readableBy, scope } from '../auth/scope.ts'

type RunOperations = Pick<
  typeof trackingRoutes,
  | 'createRun'
  | 'updateRun'
  | 'deleteRun'
  | 'restoreRun'
  | 'getRun'
  | 'searchRuns'
  | 'logMetric'
  | 'logParam'
  | 'setTag'
  | 'deleteTag'
  | 'logBatch'
  | 'logModel'
  | 'logInputs'
  | 'logOutputs'
>

/** The run tag where MLflow records every model logged to a run, as a JSON list. */

/** MLflow 3's fields on a metric: the logged model it also belongs to and the dataset it was computed on. */
const modelOfMetric = (m: { model_id?: string | undefined; dataset_name?: string | undefined; dataset_digest?: string | undefined }) => ({
  ...(m.model_id ? { modelId: m.model_id } : {}),
  ...(m.dataset_name ? { datasetName: m.dataset_name } : {}),
  ...(m.dataset_digest ? { datasetDigest: m.dataset_digest } : {}),
})

const toTags = (list: readonly { key: string; value?: string | undefined }[] | undefined): Tag[] =>
  (list ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }))

export const runHandlers: Handlers<RunOperations> = {
  async createRun(request, { trackingStore }) {
    const experimentId = request.experiment_id || '0'
    validateExperimentId(experimentId)
    const tags = toTags(request.tags)
    tags.forEach((tag, i) => validateRunTag(tag, `tags[${i}]`))
    const run = await trackingStore.createRun({
      experimentId,
      tags,
      ...(request.user_id ? { userId: request.user_id } : {}),
      ...(request.run_name ? { runName: request.run_name } : {}),
      ...(request.start_time !== undefined ? { startTime: request.start_time } : {}),
    })
    return { run: runToWire(run) }
  },

  async updateRun(request, { trackingStore }) {
    validateRunId(request.run_id)
    const info = await trackingStore.updateRun(request.run_id, {
      ...(request.status ? { status: request.status } : {}),
      ...(request.end_time !== undefined ? { endTime: request.end_time } : {}),
      ...(request.run_name ? { runName: request.run_name } : {}),
    })
    return { run_info: runInfoToWire(info) }
  },

  async deleteRun(request, { trackingStore }) {
    validateRunId(request.run_id)
    await trackingStore.deleteRun(request.run_id)
    return {}
  },

  async restoreRun(request, { trackingStore }) {
    validateRunId(request.run_id)
    await trackingStore.restoreRun(request.run_id)
    return {}
  },

  async getRun(request, { trackingStore }) {
    validateRunId(request.run_id)
    return { run: runToWire(await trackingStore.getRun(request.run_id)) }
  },

  async searchRuns(request, context, http) {
    const { trackingStore } = context
    const maxResults = checkMaxResults(request.max_results, SEARCH_RUNS_DEFAULT_MAX_RESULTS, SEARCH_RUNS_MAX_RESULTS, 'handler')
    const experimentIds = request.experiment_ids ?? []
    experimentIds.forEach(validateExperimentId)
    const { runs, nextPageToken } = await trackingStore.searchRunsWireJson({
      experimentIds,
      runViewType: request.run_view_type ?? 'ACTIVE_ONLY',
      maxResults,
      ...scope(await readableBy(context, http, 'experiment')),
      ...(request.filter ? { filter: request.filter } : {}),
      ...(request.order_by?.length ? { orderBy: request.order_by } : {}),
      ...(request.page_token ? { pageToken: request.page_token } : {}),
    })
    return pageJsonText('runs', { items: runs, nextPageToken })
  },

  async logMetric(request, { trackingStore }) {
    validateRunId(request.run_id)
    const metric = { key: request.key, value: doubleFromWire(request.value), timestamp: request.timestamp, step: request.step ?? 0 }
    validateMetric(metric)
    await trackingStore.logMetric(request.run_id, { ...metric, ...modelOfMetric(request) })
    return {}
  },

  async logParam(request, { trackingStore }) {
    validateRunId(request.run_id)
    const param = { key: request.key, value: request.value }
    validateParam(param)
    await trackingStore.logParam(request.run_id, param)
    return {}
  },

  async setTag(request, { trackingStore }) {
    validateRunId(request.run_id)
    const tag = { key: request.key, value: request.value }
    validateRunTag(tag)
    await trackingStore.setTag(request.run_id, tag)
    return {}
  },

  async deleteTag(request, { trackingStore }) {
    validateRunId(request.run_id)
    await trackingStore.deleteTag(request.run_id, request.key)
    return {}
  },

  async logBatch(request, { trackingStore }) {
    validateRunId(request.run_id)
    const batch = {
      metrics: (request.metrics ?? []).map((m) => {
        const metric = { key: m.key, value: doubleFromWire(m.value), timestamp: m.timestamp, step: m.step ?? 0 }
        // Most points name no model: skip building and spreading an empty object for each.
        return m.model_id || m.dataset_name || m.dataset_digest ? { ...metric, ...modelOfMetric(m) } : metric
      }),
      params: request.params ?? [],
      tags: request.tags ?? [],
    }
    validateBatch(batch)
    await trackingStore.logBatch(request.run_id, batch)
    return {}
  },

  async logModel(request, { trackingStore }) {
    validateRunId(request.run_id)
    const model = parseModelJson(request.model_json)
    const run = await trackingStore.getRun(request.run_id)
    const previous = run.data.tags.find((t) => t.key === LOGGED_MODELS_TAG)?.value
    // The history tag grows with every logged model, so it is exempt from the tag length limit, as in MLflow.
    await trackingStore.setTag(request.run_id, { key: LOGGED_MODELS_TAG, value: appendLoggedModel(previous, model) })
    return {}
  },

  async logInputs(request, { trackingStore }) {
    validateRunId(request.run_id)
    const datasets: DatasetInput[] = (request.datasets ?? []).map((input) => ({
      tags: toTags(input.tags),
      dataset: {
        name: input.dataset.name,
        digest: input.dataset.digest,
        sourceType: input.dataset.source_type,
        source: input.dataset.source,
        ...(input.dataset.schema !== undefined ? { schema: input.dataset.schema } : {}),
        ...(input.dataset.profile !== undefined ? { profile: input.dataset.profile } : {}),
      },
    }))
    const models = (request.models ?? []).map((m) => ({ modelId: m.model_id }))
    validateDatasetInputs(datasets)
    await trackingStore.logInputs(request.run_id, datasets, models)
    return {}
  },

  async logOutputs(request, { trackingStore }) {
    validateRunId(request.run_id)
    await trackingStore.logOutputs(
      request.run_id,
      request.models.map((m) => ({ modelId: m.model_id, step: m.step ?? 0 })),
    )
    return {}
  },
}
