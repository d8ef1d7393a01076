import { after, before, describe, it } from 'node:test'
import { expectError, openTestApp } from './harness.ts'
import type { TestApp } from './harness.ts'

// Validation errors begin with MLflow's own text for the same case (mlflow/server/handlers.py,
// mlflow/utils/validation.py and its stores, 3.6), since scripts and clients match on them.
describe("MLflow's words in validation errors", () => {
  let t: TestApp
  let runId: string
  before(async () => {
    t = await openTestApp()
    runId = (await t.call('POST', 'runs/create', { experiment_id: '0' })).json.run.info.run_id
  })
  after(() => t.close())

  const MISSING = (field: string) => `Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`

  it('names a missing required parameter', async () => {
    expectError(await t.call('GET', 'runs/get', {}), 400, 'INVALID_PARAMETER_VALUE', MISSING('run_id'))
    expectError(await t.call('POST', 'runs/log-batch', {}), 400, 'INVALID_PARAMETER_VALUE', MISSING('run_id'))
    expectError(await t.call('POST', 'logged-models/search', {}), 400, 'INVALID_PARAMETER_VALUE', MISSING('experiment_ids'))
    expectError(await t.call('GET', 'metrics/get-history', { run_id: runId }), 400, 'INVALID_PARAMETER_VALUE', MISSING('metric_key'))
  })

  it('refuses page sizes with the text of the MLflow layer that bounds them', async () => {
    expectError(
      await t.call('POST', 'runs/search', { experiment_ids: ['0'], max_results: 123456789 }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value 123456789 for parameter 'max_results' supplied:  Hint: Value was of type 'int'. See the API docs",
    )
    expectError(
      await t.call('POST', 'runs/search', { experiment_ids: ['0'], max_results: 0 }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer",
    )
    expectError(
      await t.call('POST', 'experiments/search', { max_results: 123456789 }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value 123456789 for parameter 'max_results' supplied. It must be at most 50000",
    )
    expectError(
      await t.call('GET', 'metrics/get-history', { run_id: runId, metric_key: 'm', max_results: -1 }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value -1 for parameter 'max_results' supplied. It must be a positive integer",
    )
  })

  it('says "Invalid path" for an artifact path that escapes', async () => {
    expectError(await t.call('GET', 'artifacts/list', { run_id: runId, path: '../secrets' }), 400, 'INVALID_PARAMETER_VALUE', /^Invalid path/)
  })

  it('uses the texts of the bulk history and search-datasets handlers', async () => {
    const bulk = '/ajax-api/2.0/mlflow/metrics/get-history-bulk'
    expectError(await t.call('GET', bulk, { metric_key: 'm' }), 400, 'INVALID_PARAMETER_VALUE', 'GetMetricHistoryBulk request must specify at least one run_id.')
    expectError(await t.call('GET', bulk, { run_id: runId }), 400, 'INVALID_PARAMETER_VALUE', 'GetMetricHistoryBulk request must specify a metric_key.')
    const many = Array.from({ length: 101 }, (_, i) => `r${i}`)
    expectError(
      await t.call('GET', bulk, { run_id: many, metric_key: 'm' }),
      400,
      'INVALID_PARAMETER_VALUE',
      'GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received 101 run_ids.',
    )
    const datasets = '/ajax-api/2.0/mlflow/experiments/search-datasets'
    expectError(await t.call('POST', datasets, { experiment_ids: [] }), 400, 'INVALID_PARAMETER_VALUE', 'SearchDatasets request must specify at least one experiment_id.')
    expectError(
      await t.call('POST', datasets, { experiment_ids: Array.from({ length: 21 }, (_, i) => String(i)) }),
      400,
      'INVALID_PARAMETER_VALUE',
      'SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 experiment_ids.',
    )
  })
})

describe('runs/log-inputs, validated as MLflow validates it', () => {
  let t: TestApp
  let runId: string
  before(async () => {
    t = await openTestApp()
    runId = (await t.call('POST', 'runs/create', { experiment_id: '0' })).json.run.info.run_id
  })
  after(() => t.close())

  const log = (dataset: Record<string, unknown>, tags: unknown[] = []) =>
    t.call('POST', 'runs/log-inputs', { run_id: runId, datasets: [{ tags, dataset }] })

  it('accepts the empty strings MLflow reads absent fields as', async () => {
    const reply = await log({ name: 'train' })
    if (reply.status !== 200) throw new Error(JSON.stringify(reply.json))
    const inputs = (await t.call('GET', 'runs/get', { run_id: runId })).json.run.inputs.dataset_inputs
    if (inputs?.[0]?.dataset?.name !== 'train') throw new Error(JSON.stringify(inputs))
  })

  it("refuses over-long fields with MLflow's exceeds_maximum_length text", async () => {
    expectError(await log({ name: 'n'.repeat(501), digest: 'd', source_type: 's', source: 's' }), 400, 'INVALID_PARAMETER_VALUE', "'name' exceeds the maximum length of 500 characters")
    expectError(await log({ name: 'n', digest: 'd', source_type: 's', source: 's' }, [{ key: 'k', value: 'v'.repeat(501) }]), 400, 'INVALID_PARAMETER_VALUE', "'value' exceeds the maximum length of 500 characters")
  })
})
