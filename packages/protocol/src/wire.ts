// MLflow's JSON shapes, snake_case and verbatim. As in MLflow's proto JSON, empty repeated fields and
// unset optional fields are left out, int64 travel as JSON numbers, and a double that is NaN or
// ±Infinity travels as the string "NaN", "Infinity" or "-Infinity".

export type WireDouble = number | 'NaN' | 'Infinity' | '-Infinity'

export interface WireKeyValue {
  key: string
  value: string
}

export interface WireExperiment {
  experiment_id: string
  name: string
  artifact_location: string
  lifecycle_stage: string
  last_update_time: number
  creation_time: number
  tags?: WireKeyValue[]
}

export interface WireMetric {
  key: string
  value: WireDouble
  timestamp: number
  step: number
}

export interface WireRunMetric extends WireMetric {
  run_id: string
}

/** One bucket of Orchard's get-history-buckets; min_value and max_value are absent when all values are NaN. */
export interface WireMetricBucket {
  run_id: string
  step: number
  timestamp: number
  value: WireDouble
  min_value?: WireDouble
  max_value?: WireDouble
  /** Mean of the bucket's non-NaN values (absent when all are NaN). */
  mean_value?: WireDouble
  count: number
}

export interface WireMetricBuckets {
  x_min: number
  x_max: number
  bucket_width: number
  buckets: WireMetricBucket[]
}

export interface WireRunInfo {
  run_id: string
  run_uuid: string
  run_name: string
  experiment_id: string
  user_id: string
  status: string
  start_time?: number
  end_time?: number
  artifact_uri: string
  lifecycle_stage: string
}

export interface WireDataset {
  name: string
  digest: string
  source_type: string
  source: string
  schema?: string
  profile?: string
}

export interface WireDatasetInput {
  tags?: WireKeyValue[]
  dataset: WireDataset
}

export interface WireRun {
  info: WireRunInfo
  data: { metrics?: WireMetric[]; params?: WireKeyValue[]; tags?: WireKeyValue[] }
  inputs: { dataset_inputs?: WireDatasetInput[]; model_inputs?: { model_id: string }[] }
  /** MLflow 3: the logged models the run produced. */
  outputs?: { model_outputs?: { model_id: string; step: number }[] }
}

export interface WireLoggedModel {
  info: {
    model_id: string
    experiment_id: string
    name: string
    creation_timestamp_ms: number
    last_updated_timestamp_ms: number
    artifact_uri: string
    status: string
    status_message?: string
    creator_id?: string
    model_type?: string
    source_run_id?: string
    tags?: WireKeyValue[]
  }
  data: {
    params?: WireKeyValue[]
    metrics?: (WireMetric & { model_id?: string; run_id?: string; dataset_name?: string; dataset_digest?: string })[]
  }
}

export interface WireError {
  error_code: string
  message: string
}
