// Domain types: camelCase, readonly. Wire shapes (snake_case) live in @orchard/protocol and are
// converted in one mapper per entity (wire.ts).

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED'
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']
export type LifecycleStage = 'active' | 'deleted'
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL'
export const VIEW_TYPES: readonly ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']

export interface Tag {
  readonly key: string
  readonly value: string
}
export type Param = Tag

export interface Experiment {
  readonly experimentId: string
  readonly name: string
  readonly artifactLocation: string
  readonly lifecycleStage: LifecycleStage
  readonly creationTime: number
  readonly lastUpdateTime: number
  readonly tags: readonly Tag[]
}

/** One point of a metric's history. `value` may be NaN or ±Infinity. */
export interface Metric {
  readonly key: string
  readonly value: number
  readonly timestamp: number
  readonly step: number
}

/** A metric point with the run it belongs to (bulk history endpoints). */
export interface RunMetric extends Metric {
  readonly runId: string
}

export interface RunInfo {
  readonly runId: string
  readonly runName: string
  readonly experimentId: string
  readonly userId: string
  readonly status: RunStatus
  readonly startTime: number | null
  readonly endTime: number | null
  readonly artifactUri: string
  readonly lifecycleStage: LifecycleStage
}

export interface Dataset {
  readonly name: string
  readonly digest: string
  readonly sourceType: string
  readonly source: string
  readonly schema?: string
  readonly profile?: string
}

export interface DatasetInput {
  readonly tags: readonly Tag[]
  readonly dataset: Dataset
}

export interface ModelInput {
  readonly modelId: string
}

/** A logged model a run produced (MLflow 3 LogOutputs), with the step it was logged at. */
export interface ModelOutput {
  readonly modelId: string
  readonly step: number
}

export interface RunData {
  readonly metrics: readonly Metric[]
  readonly params: readonly Param[]
  readonly tags: readonly Tag[]
}

export interface Run {
  readonly info: RunInfo
  readonly data: RunData
  readonly inputs: { readonly datasetInputs: readonly DatasetInput[]; readonly modelInputs: readonly ModelInput[] }
  readonly outputs: { readonly modelOutputs: readonly ModelOutput[] }
}

export interface DatasetSummary {
  readonly experimentId: string
  readonly name: string
  readonly digest: string
  readonly context?: string
}

export type LoggedModelStatus =
  | 'LOGGED_MODEL_STATUS_UNSPECIFIED'
  | 'LOGGED_MODEL_PENDING'
  | 'LOGGED_MODEL_READY'
  | 'LOGGED_MODEL_UPLOAD_FAILED'

export interface LoggedModelMetric extends Metric {
  readonly modelId: string
  readonly runId?: string
  readonly datasetName?: string
  readonly datasetDigest?: string
}

export interface LoggedModel {
  readonly modelId: string
  readonly experimentId: string
  readonly name: string
  readonly artifactUri: string
  readonly creationTimestampMs: number
  readonly lastUpdatedTimestampMs: number
  readonly status: LoggedModelStatus
  readonly statusMessage?: string
  readonly creatorId?: string
  readonly modelType?: string
  readonly sourceRunId?: string
  readonly lifecycleStage: LifecycleStage
  readonly tags: readonly Tag[]
  readonly params: readonly Param[]
  readonly metrics: readonly LoggedModelMetric[]
}

/** A page of results and the opaque token for the next one (absent on the last page). */
export interface Page<T> {
  readonly items: readonly T[]
  readonly nextPageToken?: string
}

/**
 * One x-bucket of one run's metric history: its last point (greatest x, then the other axis, then
 * value, the order MLflow uses for a metric's latest value) with the least and greatest value in the
 * bucket, so a chart can draw the line and a min/max band that keeps every spike.
 */
export interface MetricBucket {
  readonly runId: string
  readonly step: number
  readonly timestamp: number
  readonly value: number
  /** Least and greatest value of the bucket, NaN left out; undefined when every value is NaN. */
  readonly min: number | undefined
  readonly max: number | undefined
  /** Mean of the bucket's values, NaN left out (as the `mean(metrics.k)` filter takes it); undefined when every value is NaN. */
  readonly mean: number | undefined
  readonly count: number
}

export interface MetricBuckets {
  /** The x range bucketed (the runs' extent when none was asked), and each bucket's width in x units. */
  readonly xMin: number
  readonly xMax: number
  readonly bucketWidth: number
  /** By run, in the order asked, then by x. */
  readonly buckets: readonly MetricBucket[]
}
