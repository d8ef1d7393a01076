import { doubleFromWire } from '@orchard/core'
import type { DatasetInput, Experiment, LifecycleStage, Metric, Run, RunInfo, RunMetric, RunStatus, Tag } from '@orchard/core'
import type { WireDatasetInput, WireExperiment, WireKeyValue, WireMetric, WireRun, WireRunInfo, WireRunMetric } from '@orchard/protocol/base'

// Wire → domain, the inverse of @orchard/core's mappers. Proto JSON leaves out empty lists and
// unset fields, so every optional field gets its domain default here.

const tagsFromWire = (tags: readonly WireKeyValue[] | undefined): Tag[] =>
  (tags ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }))

const lifecycle = (stage: string | undefined): LifecycleStage => (stage === 'deleted' ? 'deleted' : 'active')

export function experimentFromWire(wire: WireExperiment): Experiment {
  return {
    experimentId: wire.experiment_id,
    name: wire.name,
    artifactLocation: wire.artifact_location ?? '',
    lifecycleStage: lifecycle(wire.lifecycle_stage),
    creationTime: Number(wire.creation_time ?? 0),
    lastUpdateTime: Number(wire.last_update_time ?? 0),
    tags: tagsFromWire(wire.tags),
  }
}

export function metricFromWire(wire: WireMetric): Metric {
  return { key: wire.key, value: doubleFromWire(wire.value), timestamp: Number(wire.timestamp ?? 0), step: Number(wire.step ?? 0) }
}

export const runMetricFromWire = (wire: WireRunMetric): RunMetric => ({ ...metricFromWire(wire), runId: wire.run_id })

const optionalTime = (value: number | string | undefined): number | null =>
  value === undefined || value === null ? null : Number(value)

export function runInfoFromWire(wire: WireRunInfo): RunInfo {
  return {
    runId: wire.run_id ?? wire.run_uuid,
    runName: wire.run_name ?? '',
    experimentId: wire.experiment_id,
    userId: wire.user_id ?? '',
    status: (wire.status ?? 'RUNNING') as RunStatus,
    startTime: optionalTime(wire.start_time),
    endTime: optionalTime(wire.end_time),
    artifactUri: wire.artifact_uri ?? '',
    lifecycleStage: lifecycle(wire.lifecycle_stage),
  }
}

function datasetInputFromWire(wire: WireDatasetInput): DatasetInput {
  const d = wire.dataset
  return {
    tags: tagsFromWire(wire.tags),
    dataset: {
      name: d.name,
      digest: d.digest,
      sourceType: d.source_type,
      source: d.source,
      ...(d.schema !== undefined ? { schema: d.schema } : {}),
      ...(d.profile !== undefined ? { profile: d.profile } : {}),
    },
  }
}

export function runFromWire(wire: WireRun): Run {
  return {
    info: runInfoFromWire(wire.info),
    data: {
      metrics: (wire.data?.metrics ?? []).map(metricFromWire),
      params: tagsFromWire(wire.data?.params),
      tags: tagsFromWire(wire.data?.tags),
    },
    inputs: {
      datasetInputs: (wire.inputs?.dataset_inputs ?? []).map(datasetInputFromWire),
      modelInputs: (wire.inputs?.model_inputs ?? []).map((m) => ({ modelId: m.model_id })),
    },
    outputs: { modelOutputs: (wire.outputs?.model_outputs ?? []).map((m) => ({ modelId: m.model_id, step: Number(m.step ?? 0) })) },
  }
}
