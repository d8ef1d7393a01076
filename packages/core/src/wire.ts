import type {
  WireDataset,
  WireDouble,
  WireExperiment,
  WireKeyValue,
  WireLoggedModel,
  WireMetric,
  WireMetricBuckets,
  WireRun,
  WireRunInfo,
  WireRunMetric,
} from '@orchard/protocol/base'
import type { Experiment, LoggedModel, Metric, MetricBuckets, Run, RunInfo, RunMetric, Tag } from './types.ts'

// Domain → wire, one mapper per entity. Empty lists are left out, as MLflow's proto JSON does.

export function doubleToWire(value: number): WireDouble {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return 'Infinity'
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity'
  return value
}

export function doubleFromWire(value: WireDouble | string | number): number {
  if (typeof value === 'number') return value
  if (value === 'NaN') return Number.NaN
  if (value === 'Infinity') return Number.POSITIVE_INFINITY
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY
  return Number(value)
}

const tagsToWire = (tags: readonly Tag[]): WireKeyValue[] | undefined =>
  tags.length ? tags.map((t) => ({ key: t.key, value: t.value })) : undefined

export const metricToWire = (m: Metric): WireMetric => ({
  key: m.key,
  value: doubleToWire(m.value),
  timestamp: m.timestamp,
  step: m.step,
})

export const runMetricToWire = (m: RunMetric): WireRunMetric => ({ ...metricToWire(m), run_id: m.runId })

export const metricBucketsToWire = (b: MetricBuckets): WireMetricBuckets => ({
  x_min: b.xMin,
  x_max: b.xMax,
  bucket_width: b.bucketWidth,
  buckets: b.buckets.map((bucket) => ({
    run_id: bucket.runId,
    step: bucket.step,
    timestamp: bucket.timestamp,
    value: doubleToWire(bucket.value),
    ...(bucket.min !== undefined ? { min_value: doubleToWire(bucket.min) } : {}),
    ...(bucket.max !== undefined ? { max_value: doubleToWire(bucket.max) } : {}),
    ...(bucket.mean !== undefined ? { mean_value: doubleToWire(bucket.mean) } : {}),
    count: bucket.count,
  })),
})

export function experimentToWire(e: Experiment): WireExperiment {
  const wire: WireExperiment = {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime,
    creation_time: e.creationTime,
  }
  const tags = tagsToWire(e.tags)
  if (tags) wire.tags = tags
  return wire
}

export function runInfoToWire(info: RunInfo): WireRunInfo {
  const wire: WireRunInfo = {
    run_id: info.runId,
    run_uuid: info.runId,
    run_name: info.runName,
    experiment_id: info.experimentId,
    user_id: info.userId,
    status: info.status,
    artifact_uri: info.artifactUri,
    lifecycle_stage: info.lifecycleStage,
  }
  if (info.startTime !== null) wire.start_time = info.startTime
  if (info.endTime !== null) wire.end_time = info.endTime
  return wire
}

export function runToWire(run: Run): WireRun {
  const data: WireRun['data'] = {}
  if (run.data.metrics.length) data.metrics = run.data.metrics.map(metricToWire)
  const params = tagsToWire(run.data.params)
  if (params) data.params = params
  const tags = tagsToWire(run.data.tags)
  if (tags) data.tags = tags
  const inputs: WireRun['inputs'] = {}
  if (run.inputs.datasetInputs.length) {
    inputs.dataset_inputs = run.inputs.datasetInputs.map((input) => {
      const d = input.dataset
      const dataset: WireDataset = {
        name: d.name,
        digest: d.digest,
        source_type: d.sourceType,
        source: d.source,
      }
      if (d.schema !== undefined) dataset.schema = d.schema
      if (d.profile !== undefined) dataset.profile = d.profile
      const tagList = tagsToWire(input.tags)
      return tagList ? { tags: tagList, dataset } : { dataset }
    })
  }
  if (run.inputs.modelInputs.length) inputs.model_inputs = run.inputs.modelInputs.map((m) => ({ model_id: m.modelId }))
  const outputs: WireRun['outputs'] = {}
  if (run.outputs.modelOutputs.length) outputs.model_outputs = run.outputs.modelOutputs.map((m) => ({ model_id: m.modelId, step: m.step }))
  return { info: runInfoToWire(run.info), data, inputs, outputs }
}

export function loggedModelToWire(model: LoggedModel): WireLoggedModel {
  const info: WireLoggedModel['info'] = {
    model_id: model.modelId,
    experiment_id: model.experimentId,
    name: model.name,
    creation_timestamp_ms: model.creationTimestampMs,
    last_updated_timestamp_ms: model.lastUpdatedTimestampMs,
    artifact_uri: model.artifactUri,
    status: model.status,
  }
  if (model.statusMessage) info.status_message = model.statusMessage
  if (model.creatorId) info.creator_id = model.creatorId
  if (model.modelType) info.model_type = model.modelType
  if (model.sourceRunId) info.source_run_id = model.sourceRunId
  const tags = tagsToWire(model.tags)
  if (tags) info.tags = tags
  const data: WireLoggedModel['data'] = {}
  const params = tagsToWire(model.params)
  if (params) data.params = params
  if (model.metrics.length) {
    data.metrics = model.metrics.map((m) => ({
      ...metricToWire(m),
      model_id: m.modelId,
      ...(m.runId ? { run_id: m.runId } : {}),
      ...(m.datasetName ? { dataset_name: m.datasetName } : {}),
      ...(m.datasetDigest ? { dataset_digest: m.datasetDigest } : {}),
    }))
  }
  return { info, data }
}
