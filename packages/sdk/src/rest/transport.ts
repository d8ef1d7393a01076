import type {
  CreateExperimentInput,
  CreateRunInput,
  DatasetInput,
  Experiment,
  LogBatchInput,
  Metric,
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
import type { RegistryTransport } from './registry-transport.ts'

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
} from '@orchard/core'

export type {
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  RegistryNote,
  RegistryTransport,
  SearchRegistryEventsQuery,
  SearchRegistryQuery,
} from './registry-transport.ts'

/**
 * How a client reaches tracking data and the model registry: over HTTP (`RestTransport`) or
 * straight to the stores (`EmbeddedTransport`). Shaped like the store's TrackingStore and
 * RegistryStore so both behave as one; every failure is an OrchardError with MLflow's code.
 */
export interface Transport extends RegistryTransport {
  /** Create an experiment; resolves to its id. */
  createExperiment(input: CreateExperimentInput): Promise<string>
  /** An experiment by id; RESOURCE_DOES_NOT_EXIST if none. */
  getExperiment(experimentId: string): Promise<Experiment>
  /** Undefined when no experiment has that name. */
  getExperimentByName(name: string): Promise<Experiment | undefined>
  /** One page of experiments. */
  searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>>
  /** Give an experiment a new name. */
  renameExperiment(experimentId: string, newName: string): Promise<void>
  /** Soft-delete an experiment and its runs. */
  deleteExperiment(experimentId: string): Promise<void>
  /** Restore a deleted experiment and its runs. */
  restoreExperiment(experimentId: string): Promise<void>
  /** Set or overwrite an experiment tag. */
  setExperimentTag(experimentId: string, tag: Tag): Promise<void>
  /** Remove an experiment tag. */
  deleteExperimentTag(experimentId: string, key: string): Promise<void>

  /** Create a RUNNING run. */
  createRun(input: CreateRunInput): Promise<Run>
  /** A run by id; RESOURCE_DOES_NOT_EXIST if none. */
  getRun(runId: string): Promise<Run>
  /** Change a run's status, end time or name; resolves to the new info. */
  updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo>
  /** Soft-delete a run. */
  deleteRun(runId: string): Promise<void>
  /** Restore a deleted run. */
  restoreRun(runId: string): Promise<void>
  /** Orchard's own: move runs to another active experiment, all or nothing; artifacts stay where they are. */
  moveRuns(runIds: readonly string[], experimentId: string): Promise<void>
  /** One page of runs. */
  searchRuns(query: SearchRunsQuery): Promise<Page<Run>>

  /** Store one metric point (identical points are stored once). */
  logMetric(runId: string, metric: Metric): Promise<void>
  /** Store a param; the same value again is a no-op, another value INVALID_PARAMETER_VALUE. */
  logParam(runId: string, param: Param): Promise<void>
  /** Set or overwrite a run tag. */
  setTag(runId: string, tag: Tag): Promise<void>
  /** Remove a run tag; RESOURCE_DOES_NOT_EXIST if absent. */
  deleteTag(runId: string, key: string): Promise<void>
  /** Store one log-batch request, all or nothing. */
  logBatch(runId: string, batch: LogBatchInput): Promise<void>
  /** Record datasets a run used. */
  logInputs(runId: string, datasets: readonly DatasetInput[]): Promise<void>
  /** Append a logged model's MLmodel (JSON text) to the run's `mlflow.log-model.history` tag. */
  logModel(runId: string, modelJson: string): Promise<void>
  /** One page of a metric's points. */
  getMetricHistory(runId: string, key: string, query?: MetricHistoryQuery): Promise<Page<Metric>>
  /** A metric's points at up to maxResults evenly spread steps per run, always with each run's first and last step. */
  getMetricHistoryBulkInterval(runIds: readonly string[], key: string, query: MetricHistoryIntervalQuery): Promise<RunMetric[]>

  /** Release connections or the database. */
  close(): Promise<void>
}
