import {
  METRIC_HISTORY_BUCKETS_DEFAULT,
  METRIC_HISTORY_BUCKETS_MAX,
  METRIC_HISTORY_BULK_INTERVAL_DEFAULT_RESULTS,
  METRIC_HISTORY_BULK_INTERVAL_MAX_RESULTS,
  METRIC_HISTORY_BULK_MAX_RESULTS,
  METRIC_HISTORY_BULK_MAX_RUNS,
  invalidParameter,
} from '@orchard/protocol/base'
import type { trackingRoutes } from '@orchard/protocol'
import { metricBucketsToWire, metricToWire, runMetricToWire, validateRunId } from '@orchard/core'
import type { Handlers } from '../define-routes.ts'
import { pageToWire } from './paging.ts'

type MetricOperations = Pick<
  typeof trackingRoutes,
  'getMetricHistory' | 'getMetricHistoryBulk' | 'getMetricHistoryBulkInterval' | 'getMetricHistoryBuckets'
>

function checkRunIds(operation: string, runIds: readonly string[]): void {
  if (runIds.length === 0) throw invalidParameter(`${operation} request must specify at least one run_id.`)
  if (runIds.length > METRIC_HISTORY_BULK_MAX_RUNS) {
    throw invalidParameter(
      `${operation} request cannot specify more than ${METRIC_HISTORY_BULK_MAX_RUNS} run_ids. Received ${runIds.length} run_ids.`,
    )
  }
  runIds.forEach((id) => validateRunId(id))
}

export const metricHandlers: Handlers<MetricOperations> = {
  async getMetricHistory(request, { trackingStore }) {
    validateRunId(request.run_id)
    if (request.max_results !== undefined && request.max_results < 1) {
      throw invalidParameter(`Invalid value ${request.max_results} for parameter 'max_results' supplied. It must be a positive integer`)
    }
    const page = await trackingStore.getMetricHistory(request.run_id, request.metric_key, {
      ...(request.max_results !== undefined ? { maxResults: request.max_results } : {}),
      ...(request.page_token ? { pageToken: request.page_token } : {}),
    })
    return pageToWire('metrics', page, metricToWire)
  },

  async getMetricHistoryBulk(request, { trackingStore }) {
    const runIds = request.run_id ?? []
    checkRunIds('GetMetricHistoryBulk', runIds)
    if (request.metric_key === undefined) throw invalidParameter('GetMetricHistoryBulk request must specify a metric_key.')
    if (request.max_results !== undefined && request.max_results < 1) {
      throw invalidParameter(`Invalid value for request parameter max_results. It must be at least 1, but got value ${request.max_results}.`)
    }
    const maxResults = Math.min(request.max_results ?? METRIC_HISTORY_BULK_MAX_RESULTS, METRIC_HISTORY_BULK_MAX_RESULTS)
    const metrics = await trackingStore.getMetricHistoryBulk(runIds, request.metric_key, maxResults)
    return { metrics: metrics.map(runMetricToWire) }
  },

  async getMetricHistoryBulkInterval(request, { trackingStore }) {
    const runIds = request.run_ids ?? []
    checkRunIds('GetMetricHistoryBulkInterval', runIds)
    const maxResults = request.max_results ?? METRIC_HISTORY_BULK_INTERVAL_DEFAULT_RESULTS
    if (maxResults < 1 || maxResults > METRIC_HISTORY_BULK_INTERVAL_MAX_RESULTS) {
      throw invalidParameter(`max_results must be between 1 and ${METRIC_HISTORY_BULK_INTERVAL_MAX_RESULTS}.`)
    }
    const { start_step: startStep, end_step: endStep } = request
    if ((startStep === undefined) !== (endStep === undefined)) {
      throw invalidParameter('If either start step or end step are specified, both must be specified.')
    }
    if (startStep !== undefined && endStep !== undefined && startStep > endStep) {
      throw invalidParameter(`end_step must be greater than start_step. Found start_step=${startStep} and end_step=${endStep}.`)
    }
    const metrics = await trackingStore.getMetricHistoryBulkInterval(runIds, request.metric_key, {
      maxResults,
      ...(startStep !== undefined && endStep !== undefined ? { startStep, endStep } : {}),
    })
    return { metrics: metrics.map(runMetricToWire) }
  },

  async getMetricHistoryBuckets(request, { trackingStore }) {
    const runIds = request.run_ids ?? []
    checkRunIds('GetMetricHistoryBuckets', runIds)
    const buckets = request.buckets ?? METRIC_HISTORY_BUCKETS_DEFAULT
    if (buckets < 1 || buckets > METRIC_HISTORY_BUCKETS_MAX) {
      throw invalidParameter(`Invalid value ${buckets} for parameter 'buckets': it must be between 1 and ${METRIC_HISTORY_BUCKETS_MAX}.`)
    }
    const { x_min: xMin, x_max: xMax } = request
    if ((xMin === undefined) !== (xMax === undefined)) {
      throw invalidParameter("Parameters 'x_min' and 'x_max' go together: send both to zoom into a range, or neither for the whole history.")
    }
    if (xMin !== undefined && xMax !== undefined && xMin > xMax) {
      throw invalidParameter(`x_max must not be less than x_min. Found x_min=${xMin} and x_max=${xMax}.`)
    }
    const result = await trackingStore.getMetricHistoryBuckets(runIds, request.metric_key, {
      xAxis: request.x_axis ?? 'step',
      buckets,
      ...(xMin !== undefined && xMax !== undefined ? { xMin, xMax } : {}),
    })
    return metricBucketsToWire(result)
  },
}
