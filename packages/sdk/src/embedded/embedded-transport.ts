import {
  LOGGED_MODELS_TAG,
  appendLoggedModel,
  parseModelJson,
  validateBatch,
  validateDatasetInputs,
  validateExperimentId,
  validateExperimentName,
  validateExperimentTag,
  validateMetric,
  validateParam,
  validateRunId,
  validateRunTag,
} from '@orchard/core'
import type { DatasetInput, Experiment, Metric, Page, Param, Run, RunInfo, RunMetric, Tag } from '@orchard/core'
import {
  METRIC_HISTORY_BULK_INTERVAL_MAX_RESULTS,
  METRIC_HISTORY_BULK_MAX_RUNS,
  MAX_RUNS_PER_MOVE,
  SEARCH_EXPERIMENTS_MAX_RESULTS,
  SEARCH_RUNS_MAX_RESULTS,
  invalidParameter,
} from '@orchard/protocol/base'
import type { RegistryStore, TrackingStore } from '@orchard/store'
import type {
  CreateExperimentInput,
  CreateRunInput,
  LogBatchInput,
  MetricHistoryIntervalQuery,
  MetricHistoryQuery,
  SearchExperimentsQuery,
  SearchRunsQuery,
  Transport,
  UpdateRunInput,
} from '../rest/transport.ts'
import { EmbeddedRegistryTransport } from './embedded-registry-transport.ts'
import { checkMaxResults, requireValue } from './request-checks.ts'

// The server checks every request before its store sees it; with no server in between, this
// transport applies the same checks (the shared ones from @orchard/core, and the few the server's
// handlers add), so a caller gets the same OrchardError in both modes.

/**
 * The Transport straight over a TrackingStore and a RegistryStore: no server, the same checks and
 * errors. Without a registry store the registry operations are NOT_IMPLEMENTED, as on a server
 * that has none.
 */
export class EmbeddedTransport extends EmbeddedRegistryTransport implements Transport {
  /**
   * Takes ownership of both stores: close() closes them. `artifactRoot` is where registered versions
   * get their own copy of a run's files (copy on register, as on a server); without it they are pinned.
   */
  constructor(
    private readonly store: TrackingStore,
    registry?: RegistryStore,
    artifactRoot?: string,
  ) {
    super(store, registry, artifactRoot)
  }

  async createExperiment(input: CreateExperimentInput): Promise<string> {
    requireValue(input.name, 'name')
    validateExperimentName(input.name)
    if (input.artifactLocation?.startsWith('runs:/')) {
      throw invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${input.artifactLocation}'`)
    }
    input.tags?.forEach((tag, i) => validateExperimentTag(tag, `tags[${i}]`))
    return this.store.createExperiment(input)
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    requireValue(experimentId, 'experiment_id')
    validateExperimentId(experimentId)
    return this.store.getExperiment(experimentId)
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    requireValue(name, 'experiment_name')
    return this.store.getExperimentByName(name)
  }

  async searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>> {
    checkMaxResults(query.maxResults, SEARCH_EXPERIMENTS_MAX_RESULTS)
    return this.store.searchExperiments(query)
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    requireValue(experimentId, 'experiment_id')
    requireValue(newName, 'new_name')
    validateExperimentId(experimentId)
    validateExperimentName(newName)
    return this.store.renameExperiment(experimentId, newName)
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    requireValue(experimentId, 'experiment_id')
    validateExperimentId(experimentId)
    return this.store.deleteExperiment(experimentId)
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    requireValue(experimentId, 'experiment_id')
    validateExperimentId(experimentId)
    return this.store.restoreExperiment(experimentId)
  }

  async setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
    requireValue(experimentId, 'experiment_id')
    requireValue(tag.key, 'key')
    validateExperimentId(experimentId)
    validateExperimentTag(tag)
    return this.store.setExperimentTag(experimentId, tag)
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    requireValue(experimentId, 'experiment_id')
    requireValue(key, 'key')
    validateExperimentId(experimentId)
    return this.store.deleteExperimentTag(experimentId, key)
  }

  async createRun(input: CreateRunInput): Promise<Run> {
    // The server files a run without an experiment under the Default experiment, as MLflow does.
    const experimentId = input.experimentId || '0'
    validateExperimentId(experimentId)
    input.tags?.forEach((tag, i) => validateRunTag(tag, `tags[${i}]`))
    return this.store.createRun({ ...input, experimentId })
  }

  async getRun(runId: string): Promise<Run> {
    this.checkRunId(runId)
    return this.store.getRun(runId)
  }

  async updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo> {
    this.checkRunId(runId)
    return this.store.updateRun(runId, input)
  }

  async deleteRun(runId: string): Promise<void> {
    this.checkRunId(runId)
    return this.store.deleteRun(runId)
  }

  async restoreRun(runId: string): Promise<void> {
    this.checkRunId(runId)
    return this.store.restoreRun(runId)
  }

  async moveRuns(runIds: readonly string[], experimentId: string): Promise<void> {
    // The same checks as the server's orchard/runs/move.
    if (runIds.length === 0) throw invalidParameter('MoveRuns request must specify at least one run_id.')
    if (runIds.length > MAX_RUNS_PER_MOVE) throw invalidParameter(`MoveRuns request cannot specify more than ${MAX_RUNS_PER_MOVE} run_ids. Received ${runIds.length} run_ids.`)
    runIds.forEach((id) => this.checkRunId(id))
    validateExperimentId(experimentId)
    return this.store.moveRuns(runIds, experimentId)
  }

  async searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    checkMaxResults(query.maxResults, SEARCH_RUNS_MAX_RESULTS)
    query.experimentIds.forEach(validateExperimentId)
    return this.store.searchRuns(query)
  }

  async logMetric(runId: string, metric: Metric): Promise<void> {
    this.checkRunId(runId)
    requireValue(metric.key, 'key')
    validateMetric(metric)
    return this.store.logMetric(runId, metric)
  }

  async logParam(runId: string, param: Param): Promise<void> {
    this.checkRunId(runId)
    requireValue(param.key, 'key')
    validateParam(param)
    return this.store.logParam(runId, param)
  }

  async setTag(runId: string, tag: Tag): Promise<void> {
    this.checkRunId(runId)
    requireValue(tag.key, 'key')
    validateRunTag(tag)
    return this.store.setTag(runId, tag)
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    this.checkRunId(runId)
    requireValue(key, 'key')
    return this.store.deleteTag(runId, key)
  }

  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    this.checkRunId(runId)
    const full = { metrics: batch.metrics ?? [], params: batch.params ?? [], tags: batch.tags ?? [] }
    full.metrics.forEach((m, i) => requireValue(m.key, `metrics[${i}].key`))
    full.params.forEach((p, i) => requireValue(p.key, `params[${i}].key`))
    full.tags.forEach((t, i) => requireValue(t.key, `tags[${i}].key`))
    validateBatch(full)
    return this.store.logBatch(runId, full)
  }

  async logInputs(runId: string, datasets: readonly DatasetInput[]): Promise<void> {
    this.checkRunId(runId)
    validateDatasetInputs(datasets)
    return this.store.logInputs(runId, datasets)
  }

  async logModel(runId: string, modelJson: string): Promise<void> {
    this.checkRunId(runId)
    const model = parseModelJson(modelJson)
    const run = await this.store.getRun(runId)
    const previous = run.data.tags.find((t) => t.key === LOGGED_MODELS_TAG)?.value
    await this.store.setTag(runId, { key: LOGGED_MODELS_TAG, value: appendLoggedModel(previous, model) })
  }

  async getMetricHistory(runId: string, key: string, query: MetricHistoryQuery = {}): Promise<Page<Metric>> {
    this.checkRunId(runId)
    requireValue(key, 'metric_key')
    if (query.maxResults !== undefined && query.maxResults < 1) {
      throw invalidParameter(
        `Invalid value ${query.maxResults} for parameter 'max_results' supplied. It must be a positive integer`,
      )
    }
    return this.store.getMetricHistory(runId, key, query)
  }

  async getMetricHistoryBulkInterval(runIds: readonly string[], key: string, query: MetricHistoryIntervalQuery): Promise<RunMetric[]> {
    const operation = 'GetMetricHistoryBulkInterval'
    if (runIds.length === 0) throw invalidParameter(`${operation} request must specify at least one run_id.`)
    if (runIds.length > METRIC_HISTORY_BULK_MAX_RUNS) {
      throw invalidParameter(
        `${operation} request cannot specify more than ${METRIC_HISTORY_BULK_MAX_RUNS} run_ids. Received ${runIds.length} run_ids.`,
      )
    }
    runIds.forEach((id) => validateRunId(id))
    requireValue(key, 'metric_key')
    if (query.maxResults < 1 || query.maxResults > METRIC_HISTORY_BULK_INTERVAL_MAX_RESULTS) {
      throw invalidParameter(`max_results must be between 1 and ${METRIC_HISTORY_BULK_INTERVAL_MAX_RESULTS}.`)
    }
    const { startStep, endStep } = query
    if ((startStep === undefined) !== (endStep === undefined)) {
      throw invalidParameter('If either start step or end step are specified, both must be specified.')
    }
    if (startStep !== undefined && endStep !== undefined && startStep > endStep) {
      throw invalidParameter(`end_step must be greater than start_step. Found start_step=${startStep} and end_step=${endStep}.`)
    }
    return this.store.getMetricHistoryBulkInterval(runIds, key, query)
  }

  async close(): Promise<void> {
    try {
      await this.store.close()
    } finally {
      await this.closeRegistry()
    }
  }

  private checkRunId(runId: string): void {
    requireValue(runId, 'run_id')
    validateRunId(runId)
  }
}
