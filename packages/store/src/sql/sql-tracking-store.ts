import type { DatasetInput, LoggedMetric, LoggedModelStatus, ModelInput, ModelOutput, Param, Tag } from '@orchard/core'
import type {
  CreateExperimentInput,
  CreateLoggedModelInput,
  CreateRunInput,
  LogBatchInput,
  MetricHistoryBucketsQuery,
  MetricHistoryIntervalQuery,
  MetricHistoryQuery,
  SearchExperimentsQuery,
  SearchLoggedModelsQuery,
  SearchRunsQuery,
  TrackingStore,
  UpdateRunInput,
} from '../tracking-store.ts'
import { appendUriPath, DEFAULT_WORKSPACE } from './context.ts'
import type { StoreContext } from './context.ts'
import type { Workspace } from '../workspaces/workspace-store.ts'
import { logInputs, searchDatasets } from './datasets.ts'
import { searchExperiments } from './experiment-search.ts'
import * as experiments from './experiments.ts'
import { garbageCollect } from './garbage-collect.ts'
import type { GarbageCollectOptions } from './garbage-collect.ts'
import { searchLoggedModels } from './logged-model-search.ts'
import * as models from './logged-models.ts'
import { getMetricHistoryBuckets } from './metric-buckets.ts'
import { getMetricHistory, getMetricHistoryBulk, getMetricHistoryBulkInterval } from './metric-history.ts'
import { deleteTag, logBatch } from './run-data.ts'
import { logOutputs } from './run-model-links.ts'
import { searchRuns, searchRunsWireJson } from './run-search.ts'
import * as runs from './runs.ts'

/** The TrackingStore over any Db + Dialect: all behaviour lives in the modules it delegates to. */
export class SqlTrackingStore implements TrackingStore {
  constructor(private readonly ctx: StoreContext) {}

  forWorkspace = (workspace: Workspace): TrackingStore => new SqlTrackingStore(workspaceContext(this.ctx, workspace))

  createExperiment = (input: CreateExperimentInput) => experiments.createExperiment(this.ctx, input)
  getExperiment = (experimentId: string) => experiments.getExperiment(this.ctx, experimentId)
  getExperimentByName = (name: string) => experiments.getExperimentByName(this.ctx, name)
  searchExperiments = (query: SearchExperimentsQuery) => searchExperiments(this.ctx, query)
  renameExperiment = (experimentId: string, newName: string) => experiments.renameExperiment(this.ctx, experimentId, newName)
  deleteExperiment = (experimentId: string) => experiments.deleteExperiment(this.ctx, experimentId)
  restoreExperiment = (experimentId: string) => experiments.restoreExperiment(this.ctx, experimentId)
  setExperimentTag = (experimentId: string, tag: Tag) => experiments.setExperimentTag(this.ctx, experimentId, tag)
  deleteExperimentTag = (experimentId: string, key: string) => experiments.deleteExperimentTag(this.ctx, experimentId, key)

  createRun = (input: CreateRunInput) => runs.createRun(this.ctx, input)
  getRun = (runId: string) => runs.getRun(this.ctx, runId)
  updateRun = (runId: string, input: UpdateRunInput) => runs.updateRun(this.ctx, runId, input)
  deleteRun = (runId: string) => runs.deleteRun(this.ctx, runId)
  restoreRun = (runId: string) => runs.restoreRun(this.ctx, runId)
  moveRuns = (runIds: readonly string[], experimentId: string) => runs.moveRuns(this.ctx, runIds, experimentId)
  searchRuns = (query: SearchRunsQuery) => searchRuns(this.ctx, query)
  searchRunsWireJson = (query: SearchRunsQuery) => searchRunsWireJson(this.ctx, query)

  logMetric = (runId: string, metric: LoggedMetric) => logBatch(this.ctx, runId, { metrics: [metric] }, true)
  logParam = (runId: string, param: Param) => logBatch(this.ctx, runId, { params: [param] }, true)
  setTag = (runId: string, tag: Tag) => logBatch(this.ctx, runId, { tags: [tag] }, true)
  deleteTag = (runId: string, key: string) => deleteTag(this.ctx, runId, key)
  logBatch = (runId: string, batch: LogBatchInput) => logBatch(this.ctx, runId, batch)
  logInputs = (runId: string, datasets: readonly DatasetInput[], models?: readonly ModelInput[]) => logInputs(this.ctx, runId, datasets, models)
  logOutputs = (runId: string, models: readonly ModelOutput[]) => logOutputs(this.ctx, runId, models)

  getMetricHistory = (runId: string, key: string, query?: MetricHistoryQuery) => getMetricHistory(this.ctx, runId, key, query)
  getMetricHistoryBulk = (runIds: readonly string[], key: string, maxResults: number) =>
    getMetricHistoryBulk(this.ctx, runIds, key, maxResults)
  getMetricHistoryBulkInterval = (runIds: readonly string[], key: string, query: MetricHistoryIntervalQuery) =>
    getMetricHistoryBulkInterval(this.ctx, runIds, key, query)
  getMetricHistoryBuckets = (runIds: readonly string[], key: string, query: MetricHistoryBucketsQuery) =>
    getMetricHistoryBuckets(this.ctx, runIds, key, query)
  searchDatasets = (experimentIds: readonly string[]) => searchDatasets(this.ctx, experimentIds)

  createLoggedModel = (input: CreateLoggedModelInput) => models.createLoggedModel(this.ctx, input)
  getLoggedModel = (modelId: string) => models.getLoggedModel(this.ctx, modelId)
  finalizeLoggedModel = (modelId: string, status: LoggedModelStatus) => models.finalizeLoggedModel(this.ctx, modelId, status)
  deleteLoggedModel = (modelId: string) => models.deleteLoggedModel(this.ctx, modelId)
  setLoggedModelTags = (modelId: string, tags: readonly Tag[]) => models.setLoggedModelTags(this.ctx, modelId, tags)
  deleteLoggedModelTag = (modelId: string, key: string) => models.deleteLoggedModelTag(this.ctx, modelId, key)
  logLoggedModelParams = (modelId: string, params: readonly Param[]) => models.logLoggedModelParams(this.ctx, modelId, params)
  searchLoggedModels = (query: SearchLoggedModelsQuery) => searchLoggedModels(this.ctx, query)

  garbageCollect = (options: GarbageCollectOptions) => garbageCollect(this.ctx, options)

  poolStats = () => this.ctx.db.poolStats?.()
  ping = async () => void (await this.ctx.db.query('SELECT 1'))
  close = () => this.ctx.db.close()
}

/**
 * The context confined to one workspace. Its new experiments' artifacts go under the workspace's
 * own root when it has one, else `<server root>/workspaces/<name>` (MLflow's layout); `default`
 * keeps the server root, where experiments made before workspaces were enabled already live.
 */
export function workspaceContext(ctx: StoreContext, workspace: Workspace): StoreContext {
  const artifactRoot =
    workspace.defaultArtifactRoot ?? (workspace.name === DEFAULT_WORKSPACE ? ctx.artifactRoot : appendUriPath(ctx.artifactRoot, 'workspaces', workspace.name))
  return { ...ctx, workspace: workspace.name, artifactRoot }
}
