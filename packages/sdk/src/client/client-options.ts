import type { ViewType } from '@orchard/core'
import type { BatchingOptions } from './metric-batcher.ts'

/** A param value; anything but a string is logged as its String() form, as MLflow logs str(value). */
export type ParamValue = string | number | boolean | bigint

/** Tags as a plain object, MLflow's `dict` of tags. */
export type TagRecord = Readonly<Record<string, string>>

/** A metric point to log; timestamp defaults to now and step to 0. */
export interface MetricInput {
  readonly key: string
  readonly value: number
  readonly timestamp?: number
  readonly step?: number
}

/** Options of TrackingClient (and OrchardClient). */
export interface TrackingClientOptions {
  /**
   * Gather logMetric calls into log-batch requests in the background (default on). `false` sends
   * each point before logMetric resolves.
   */
  readonly batching?: boolean | BatchingOptions
}

/** Options of searchExperiments. */
export interface SearchExperimentsOptions {
  readonly viewType?: ViewType
  readonly maxResults?: number
  /** MLflow experiment filter, e.g. `name LIKE 'taxi%'`. */
  readonly filterString?: string
  readonly orderBy?: readonly string[]
  readonly pageToken?: string
}

/** Options of searchRuns. */
export interface SearchRunsOptions {
  /** MLflow run filter, e.g. `metrics.rmse < 1 and params.model = 'tree'`. */
  readonly filterString?: string
  readonly runViewType?: ViewType
  readonly maxResults?: number
  readonly orderBy?: readonly string[]
  readonly pageToken?: string
}
