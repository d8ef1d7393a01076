import type { Metric, Param, RunStatus, Tag, ViewType } from './types.ts'

// What the tracking operations take, shared by the store (which implements them), the SDK's
// transports and the UI. Browser-safe: types only.

/** What creating an experiment takes. */
export interface CreateExperimentInput {
  readonly name: string
  /** Where runs of this experiment put artifacts; defaults to `<default artifact root>/<experiment id>`. */
  readonly artifactLocation?: string
  readonly tags?: readonly Tag[]
}

/**
 * Limits a search to what one user may read when access control is on: experiments (and their runs
 * and logged models) or registered models that the user has a readable grant on, or no grant at all
 * when the server's default permission can read. Applied in SQL, before paging.
 */
export interface AccessScope {
  readonly userId: number
  readonly defaultCanRead: boolean
  /** What the user's roles (its own and its groups') grant on this resource type; none when absent. */
  readonly roles?: RoleScope
}

/**
 * A user's role grants on one resource type, resolved by the server for a search: the highest grant
 * wins (role grants and the user's own grants together), a DENY wins over every allow, and the
 * default applies only to resources nothing grants.
 */
export interface RoleScope {
  /** A DENY on every resource of the type (`*`, or the workspace): nothing is readable. */
  readonly denyAll: boolean
  /** The highest wildcard allow: every resource readable, or only NO_PERMISSIONS (overrides the default). */
  readonly wildcard?: 'readable' | 'unreadable'
  /** Keys (experiment ids, model names) a role grants READ or more on. */
  readonly readable: readonly string[]
  /** Keys a role grants only NO_PERMISSIONS on (the default no longer applies to them). */
  readonly unreadable: readonly string[]
  /** Keys a role denies. */
  readonly denied: readonly string[]
}

/** One page of an experiment search. */
export interface SearchExperimentsQuery {
  readonly viewType: ViewType
  /** MLflow experiment filter text (invalid text: INVALID_PARAMETER_VALUE). */
  readonly filter?: string
  readonly orderBy?: readonly string[]
  readonly maxResults: number
  readonly pageToken?: string
  /** Access control: only what this user may read (the server sets it; SDK callers leave it out). */
  readonly readableBy?: AccessScope
}

/** What creating a run takes. */
export interface CreateRunInput {
  readonly experimentId: string
  readonly userId?: string
  readonly runName?: string
  /** Milliseconds since the epoch; defaults to now. */
  readonly startTime?: number
  readonly tags?: readonly Tag[]
}

/** The run fields an update may change. */
export interface UpdateRunInput {
  readonly status?: RunStatus
  readonly endTime?: number
  readonly runName?: string
}

/** One page of a run search. */
export interface SearchRunsQuery {
  readonly experimentIds: readonly string[]
  /** MLflow run filter text, plus OR, parentheses and aggregates of a metric's history (`min(metrics.loss) < 0.2`). */
  readonly filter?: string
  readonly runViewType: ViewType
  readonly maxResults: number
  readonly orderBy?: readonly string[]
  readonly pageToken?: string
  /** Access control: only what this user may read (the server sets it; SDK callers leave it out). */
  readonly readableBy?: AccessScope
}

/**
 * A metric as MLflow 3 logs it: a point of the run's history that may also be a metric of a logged
 * model, evaluated on a dataset (the store then records it on the model too).
 */
export interface LoggedMetric extends Metric {
  readonly modelId?: string
  readonly datasetName?: string
  readonly datasetDigest?: string
}

/** One log-batch: within the server's limits, all or nothing. */
export interface LogBatchInput {
  readonly metrics?: readonly LoggedMetric[]
  readonly params?: readonly Param[]
  readonly tags?: readonly Tag[]
}

/** One page of a metric's history; no maxResults means the whole history. */
export interface MetricHistoryQuery {
  readonly maxResults?: number
  readonly pageToken?: string
}

/** Which points of a metric's history a sampled read returns. */
export interface MetricHistoryIntervalQuery {
  /** With endStep: only points in [startStep, endStep]. */
  readonly startStep?: number
  readonly endStep?: number
  /** Steps to sample per run (MLflow's UI asks for 320). */
  readonly maxResults: number
}

/** Orchard's full-fidelity chart read: one metric's history of several runs, bucketed along x. */
export interface MetricHistoryBucketsQuery {
  /** What x is: the step, or the wall-clock timestamp in milliseconds. */
  readonly xAxis: 'step' | 'timestamp'
  /** With xMax: only points in [xMin, xMax]; without, the runs' whole extent. */
  readonly xMin?: number
  readonly xMax?: number
  /** Buckets across the range at most; each bucket spans a whole number of x units (at least 1). */
  readonly buckets: number
}
