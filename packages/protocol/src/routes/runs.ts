import { z } from 'zod'
import { MAX_BATCH_REQUEST_BYTES } from '../limits.ts'
import { arrayWithFastPath, double, int64, keyValue, optionalString, requiredString, stringList } from '../schema.ts'
import { viewType } from './experiments.ts'
import { needs } from './permission.ts'
import { route } from './route.ts'

// Every run route names the run as `run_id`; the server copies a lone legacy `run_uuid` into it first,
// as MLflow's handlers do, so old clients keep working.
const runId = { run_id: requiredString, run_uuid: optionalString }
const text = z.string({ error: 'expected a string' })

export const runStatus = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'], {
  error: 'expected RUNNING, SCHEDULED, FINISHED, FAILED or KILLED',
})

export const metricSchema = z.object({
  key: requiredString,
  value: double,
  timestamp: int64,
  step: int64.optional(),
  // MLflow 3: a point that is also a logged model's metric, evaluated on a dataset.
  model_id: optionalString,
  dataset_name: optionalString,
  dataset_digest: optionalString,
})

const METRIC_FIELDS = new Set(Object.keys(metricSchema.shape))
const isOptionalText = (value: unknown) => value === undefined || typeof value === 'string'

/** A point `metricSchema` would return as it is: JSON numbers, a non-empty key, no other fields. */
function isPlainMetric(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const m = value as Record<string, unknown>
  for (const field in m) if (!METRIC_FIELDS.has(field)) return false
  return (
    typeof m.key === 'string' &&
    m.key !== '' &&
    typeof m.value === 'number' &&
    Number.isSafeInteger(m.timestamp) &&
    (m.step === undefined || Number.isSafeInteger(m.step)) &&
    isOptionalText(m.model_id) &&
    isOptionalText(m.dataset_name) &&
    isOptionalText(m.dataset_digest)
  )
}

const tagList = z.array(keyValue).optional()

// MLflow reads absent dataset strings as empty ones over REST and accepts them; lengths are checked
// by validateDatasetInputs.
const datasetText = optionalString.default('')
const inputTag = z.object({ key: datasetText, value: datasetText })
const datasetSchema = z.object({
  name: datasetText,
  digest: datasetText,
  source_type: datasetText,
  source: datasetText,
  schema: optionalString,
  profile: optionalString,
})

export const runRoutes = {
  createRun: route({
    methods: ['POST'],
    permission: needs.experiment('EDIT'),
    path: '/mlflow/runs/create',
    request: z.object({
      experiment_id: optionalString,
      user_id: optionalString,
      run_name: optionalString,
      start_time: int64.optional(),
      tags: tagList,
    }),
  }),
  updateRun: route({
    methods: ['POST'],
    permission: needs.run('EDIT'),
    path: '/mlflow/runs/update',
    request: z.object({ ...runId, status: runStatus.optional(), end_time: int64.optional(), run_name: optionalString }),
  }),
  deleteRun: route({ methods: ['POST'], permission: needs.run('MANAGE'), path: '/mlflow/runs/delete', request: z.object(runId) }),
  restoreRun: route({ methods: ['POST'], permission: needs.run('MANAGE'), path: '/mlflow/runs/restore', request: z.object(runId) }),
  getRun: route({ methods: ['GET'], permission: needs.run('READ'), path: '/mlflow/runs/get', request: z.object(runId) }),
  searchRuns: route({
    methods: ['POST'],
    permission: needs.authenticated(),
    path: '/mlflow/runs/search',
    request: z.object({
      experiment_ids: stringList,
      filter: optionalString,
      run_view_type: viewType.optional(),
      max_results: int64.optional(),
      order_by: stringList,
      page_token: optionalString,
    }),
  }),
  logMetric: route({
    methods: ['POST'],
    permission: needs.run('EDIT'),
    path: '/mlflow/runs/log-metric',
    request: z.object({
      ...runId,
      key: requiredString,
      value: double,
      timestamp: int64,
      step: int64.optional(),
      model_id: optionalString,
      dataset_name: optionalString,
      dataset_digest: optionalString,
    }),
  }),
  logParam: route({
    methods: ['POST'],
    permission: needs.run('EDIT'),
    path: '/mlflow/runs/log-parameter',
    request: z.object({ ...runId, key: requiredString, value: text }),
  }),
  setTag: route({
    methods: ['POST'],
    permission: needs.run('EDIT'),
    path: '/mlflow/runs/set-tag',
    request: z.object({ ...runId, key: requiredString, value: text }),
  }),
  deleteTag: route({ methods: ['POST'], permission: needs.run('EDIT'), path: '/mlflow/runs/delete-tag', request: z.object({ ...runId, key: requiredString }) }),
  logBatch: route({
    methods: ['POST'],
    permission: needs.run('EDIT'),
    path: '/mlflow/runs/log-batch',
    maxBodyBytes: MAX_BATCH_REQUEST_BYTES,
    request: z.object({
      ...runId,
      metrics: arrayWithFastPath(metricSchema, isPlainMetric).optional(),
      params: z.array(z.object({ key: requiredString, value: text })).optional(),
      tags: z.array(z.object({ key: requiredString, value: text })).optional(),
    }),
  }),
  logModel: route({
    methods: ['POST'],
    permission: needs.run('EDIT'),
    path: '/mlflow/runs/log-model',
    request: z.object({ ...runId, model_json: requiredString }),
  }),
  logInputs: route({
    methods: ['POST'],
    permission: needs.run('EDIT'),
    path: '/mlflow/runs/log-inputs',
    request: z.object({
      ...runId,
      datasets: z.array(z.object({ tags: z.array(inputTag).optional(), dataset: datasetSchema })).optional(),
      models: z.array(z.object({ model_id: requiredString })).optional(),
    }),
  }),
  /** MLflow 3.x LogOutputs: links logged models to a run as outputs. */
  logOutputs: route({
    methods: ['POST'],
    permission: needs.run('EDIT'),
    path: '/mlflow/runs/outputs',
    // `models` is required, as in MLflow's handler.
    request: z.object({ ...runId, models: z.array(z.object({ model_id: requiredString, step: int64.optional() })) }),
  }),
}

export const metricRoutes = {
  getMetricHistory: route({
    methods: ['GET'],
    permission: needs.run('READ'),
    path: '/mlflow/metrics/get-history',
    request: z.object({ ...runId, metric_key: requiredString, page_token: optionalString, max_results: int64.optional() }),
  }),
  getMetricHistoryBulk: route({
    methods: ['GET'],
    permission: needs.runs('READ', 'run_id'),
    path: '/mlflow/metrics/get-history-bulk',
    ajaxOnly: true,
    // metric_key is checked by the handler, which has MLflow's own words for its absence.
    request: z.object({ run_id: stringList, metric_key: optionalString, max_results: int64.optional() }),
  }),
  getMetricHistoryBulkInterval: route({
    methods: ['GET'],
    permission: needs.runs('READ', 'run_ids'),
    path: '/mlflow/metrics/get-history-bulk-interval',
    request: z.object({
      run_ids: stringList,
      metric_key: requiredString,
      start_step: int64.optional(),
      end_step: int64.optional(),
      max_results: int64.optional(),
    }),
  }),
}

/** Orchard's own chart read (not in MLflow): per x-bucket, the last value with the bucket's min and max. */
export const metricBucketRoutes = {
  getMetricHistoryBuckets: route({
    methods: ['GET'],
    permission: needs.runs('READ', 'run_ids'),
    path: '/orchard/metrics/get-history-buckets',
    request: z.object({
      run_ids: stringList,
      metric_key: requiredString,
      x_axis: z.enum(['step', 'timestamp'], { error: "expected 'step' or 'timestamp'" }).optional(),
      x_min: int64.optional(),
      x_max: int64.optional(),
      buckets: int64.optional(),
    }),
  }),
}

/**
 * Orchard's move of runs to another experiment (MLflow has no such call): EDIT on every run (that
 * is, on its experiment) and on the destination. The runs keep their artifact_uri.
 */
export const runMoveRoutes = {
  moveRuns: route({
    methods: ['POST'],
    permission: needs.all(needs.runs('EDIT', 'run_ids'), needs.experiment('EDIT', 'experiment_id')),
    path: '/orchard/runs/move',
    request: z.object({ run_ids: stringList, experiment_id: requiredString }),
  }),
}

export const artifactListRoutes = {
  listArtifacts: route({
    methods: ['GET'],
    permission: needs.run('READ'),
    path: '/mlflow/artifacts/list',
    request: z.object({ ...runId, path: optionalString, page_token: optionalString }),
  }),
}
