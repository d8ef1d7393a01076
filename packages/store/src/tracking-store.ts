import type { Workspace } from './workspaces/workspace-store.ts'
import type {
  AccessScope,
  CreateExperimentInput,
  CreateRunInput,
  DatasetInput,
  DatasetSummary,
  Experiment,
  LogBatchInput,
  LoggedModel,
  LoggedMetric,
  LoggedModelStatus,
  ModelInput,
  ModelOutput,
  Metric,
  MetricBuckets,
  MetricHistoryBucketsQuery,
  MetricHistoryIntervalQuery,
  MetricHistoryQuery,
  Page,
  Param,
  Run,
  RunInfo,
  RunMetric,
  SearchExperimentsQuery,
  SearchRunsQuery,
  Tag,
  UpdateRunInput,
} from '@orchard/core'
import type { PoolStats } from './sql/db.ts'

export type { PoolStats } from './sql/db.ts'

// Inputs live in @orchard/core so the browser-safe SDK and the store share one definition.
export type {
  CreateExperimentInput,
  SearchExperimentsQuery,
  CreateRunInput,
  UpdateRunInput,
  SearchRunsQuery,
  LogBatchInput,
  MetricHistoryQuery,
  MetricHistoryIntervalQuery,
  MetricHistoryBucketsQuery,
} from '@orchard/core'

/** A page of runs as searchRunsWireJson writes it. */
export interface RunsWireJsonPage {
  /** The runs' JSON texts in page order, joined by commas, as UTF-8 (no bytes for no runs). */
  readonly runs: Uint8Array
  readonly nextPageToken?: string
}

export interface CreateLoggedModelInput {
  readonly experimentId: string
  readonly name?: string
  readonly modelType?: string
  readonly sourceRunId?: string
  readonly params?: readonly Param[]
  readonly tags?: readonly Tag[]
}

export interface SearchLoggedModelsQuery {
  readonly experimentIds: readonly string[]
  readonly filter?: string
  readonly datasets?: readonly { readonly datasetName: string; readonly datasetDigest?: string }[]
  readonly maxResults: number
  readonly orderBy?: readonly {
    readonly fieldName: string
    readonly ascending?: boolean
    readonly datasetName?: string
    readonly datasetDigest?: string
  }[]
  readonly pageToken?: string
  readonly readableBy?: AccessScope
}

/**
 * Tracking data, with MLflow's semantics. Every method is async so SQLite and PostgreSQL share every
 * caller. Domain outcomes (not found, already exists, param conflict, run not active) are thrown as
 * OrchardError with MLflow's code; input shapes and limits are checked at the boundary, not here.
 */
export interface TrackingStore {
  createExperiment(input: CreateExperimentInput): Promise<string>
  getExperiment(experimentId: string): Promise<Experiment>
  /** Prefers the active experiment; undefined when no experiment has that name. */
  getExperimentByName(name: string): Promise<Experiment | undefined>
  searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>>
  renameExperiment(experimentId: string, newName: string): Promise<void>
  /** Soft delete: the experiment and its runs move to lifecycle `deleted`. */
  deleteExperiment(experimentId: string): Promise<void>
  restoreExperiment(experimentId: string): Promise<void>
  setExperimentTag(experimentId: string, tag: Tag): Promise<void>
  deleteExperimentTag(experimentId: string, key: string): Promise<void>

  createRun(input: CreateRunInput): Promise<Run>
  getRun(runId: string): Promise<Run>
  updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo>
  deleteRun(runId: string): Promise<void>
  restoreRun(runId: string): Promise<void>
  /**
   * Orchard's own: move runs to another (active) experiment, all or nothing. Their artifact_uri is
   * kept, so artifacts stay where they are.
   */
  moveRuns(runIds: readonly string[], experimentId: string): Promise<void>
  searchRuns(query: SearchRunsQuery): Promise<Page<Run>>
  /**
   * searchRuns with the page's runs already written as the runs/search response writes them, each
   * byte for byte JSON.stringify(runToWire(run)), joined by commas, as UTF-8: the server puts the
   * bytes in its response instead of building, writing, joining and encoding the runs' objects and
   * texts (most of a 1000-run page's time).
   */
  searchRunsWireJson(query: SearchRunsQuery): Promise<RunsWireJsonPage>

  logMetric(runId: string, metric: LoggedMetric): Promise<void>
  /** Same value again is a no-op; a different value for an existing key is INVALID_PARAMETER_VALUE. */
  logParam(runId: string, param: Param): Promise<void>
  setTag(runId: string, tag: Tag): Promise<void>
  deleteTag(runId: string, key: string): Promise<void>
  /** All or nothing: one transaction. Order is kept within each kind. */
  logBatch(runId: string, batch: LogBatchInput): Promise<void>
  /** Datasets and (MLflow 3) logged models the run used. */
  logInputs(runId: string, datasets: readonly DatasetInput[], models?: readonly ModelInput[]): Promise<void>
  /** MLflow 3 LogOutputs: the logged models the run produced; the run must be active. */
  logOutputs(runId: string, models: readonly ModelOutput[]): Promise<void>

  getMetricHistory(runId: string, key: string, query?: MetricHistoryQuery): Promise<Page<Metric>>
  /** Each run's history sorted by (timestamp, step, value), at most maxResults points in all. */
  getMetricHistoryBulk(runIds: readonly string[], key: string, maxResults: number): Promise<RunMetric[]>
  /** Points at up to maxResults evenly chosen steps, always with each run's first and last step. */
  getMetricHistoryBulkInterval(runIds: readonly string[], key: string, query: MetricHistoryIntervalQuery): Promise<RunMetric[]>
  /**
   * Orchard's full-fidelity chart read: per run and x-bucket, the last point with the bucket's min and
   * max, computed in SQL so a 100,000-point history crosses the wire as ~1,000 buckets.
   */
  getMetricHistoryBuckets(runIds: readonly string[], key: string, query: MetricHistoryBucketsQuery): Promise<MetricBuckets>
  searchDatasets(experimentIds: readonly string[]): Promise<DatasetSummary[]>

  createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel>
  getLoggedModel(modelId: string): Promise<LoggedModel>
  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel>
  deleteLoggedModel(modelId: string): Promise<void>
  setLoggedModelTags(modelId: string, tags: readonly Tag[]): Promise<void>
  deleteLoggedModelTag(modelId: string, key: string): Promise<void>
  logLoggedModelParams(modelId: string, params: readonly Param[]): Promise<void>
  searchLoggedModels(query: SearchLoggedModelsQuery): Promise<Page<LoggedModel>>

  /**
   * Permanently removes deleted runs and experiments (`orchard gc`). Returns what was removed so the
   * caller can delete their artifacts. `olderThanMs`: only those deleted at least that long ago.
   */
  garbageCollect(options: {
    readonly olderThanMs?: number
    readonly runIds?: readonly string[]
    readonly experimentIds?: readonly string[]
  }): Promise<{ readonly runs: readonly { runId: string; artifactUri: string }[]; readonly experimentIds: readonly string[] }>

  /** Readiness: resolves once the database answered one query; throws TEMPORARILY_UNAVAILABLE when unreachable. */
  ping(): Promise<void>
  /**
   * The same store confined to one workspace (`orchard server --enable-workspaces`): names are
   * looked up and created there, and ids of other workspaces' experiments, runs and logged models
   * do not exist. Shares this store's connection.
   */
  forWorkspace(workspace: Workspace): TrackingStore
  /** The database connection pool's use now; undefined without a pool (SQLite). */
  poolStats?(): PoolStats | undefined
  close(): Promise<void>
}
