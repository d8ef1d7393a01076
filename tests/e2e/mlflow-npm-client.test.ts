// Orchard driven by a client nobody here wrote: the `mlflow` npm package (an MLflow REST client for
// Node). Every method it wraps is called against a real server on a free port.
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import mlflowExport from 'mlflow'
import type * as MlflowLib from 'mlflow/lib/mlflow.js'
import { startTestServer } from './server-fixture.ts'
import type { ServerFixture } from './server-fixture.ts'

// The package's index sets module.exports to the client class, but its typings are ES-style
// declarations in a CommonJS package, which NodeNext reads as { default: <the declarations> }.
// Name the class type through that extra level and say what the import really is.
type MlflowClient = typeof MlflowLib.default.default
const MLflow = mlflowExport as unknown as MlflowClient

// The client logs every POST body with console.log; keep test output readable.
const quietly = async <T>(fn: () => Promise<T>): Promise<T> => {
  const log = console.log
  console.log = () => {}
  try {
    return await fn()
  } finally {
    console.log = log
  }
}

/** The client throws Error('{"status":…,"data":{…}}') wrapped once more; dig the server JSON out. */
function serverError(error: unknown): { status: number; data: { error_code: string; message: string } } {
  const text = String((error as Error).message).replace(/^Error: /, '')
  return JSON.parse(text) as { status: number; data: { error_code: string; message: string } }
}

describe('the mlflow npm client against Orchard', () => {
  let fixture: ServerFixture
  let client: InstanceType<MlflowClient>
  let experimentId: string
  let runId: string

  before(async () => {
    fixture = await startTestServer()
    client = new MLflow({ endpoint: fixture.server.url })
  })
  after(() => fixture.close())

  it('Experiments.create, get, update, setExperimentTag, list', async () => {
    const created = await quietly(() => client.Experiments.create({ name: 'npm-client', artifact_location: '' }))
    experimentId = created.experiment_id
    assert.match(experimentId, /^\d+$/)
    await quietly(() => client.Experiments.update({ experiment_id: experimentId, new_name: 'npm-client-2' }))
    await quietly(() => client.Experiments.setExperimentTag({ experiment_id: experimentId, key: 'team', value: 'orchard' }))
    const got = await client.Experiments.get({ experiment_id: experimentId })
    assert.equal(got.experiment.name, 'npm-client-2')
    assert.deepEqual(got.experiment.tags, [{ key: 'team', value: 'orchard' }])
    const listed = await client.Experiments.list()
    assert.ok(listed.experiments.some((e) => e.experiment_id === experimentId))
  })

  it('Runs.create, logParameter, logMetric, setTag, deleteTag, logBatch, get', async () => {
    const created = await quietly(() =>
      client.Runs.create({ experiment_id: experimentId, user_id: 'ada', start_time: Date.now(), tags: [{ key: 'source', value: 'npm' }] }),
    )
    runId = created.run.info.run_id
    await quietly(() => client.Runs.logParameter({ run_id: runId, key: 'alpha', value: '0.5' }))
    await quietly(() => client.Runs.logMetric({ run_id: runId, key: 'rmse', value: 7.5, timestamp: Date.now(), step: 0 }))
    await quietly(() => client.Runs.logMetric({ run_id: runId, key: 'rmse', value: 7.25, timestamp: Date.now(), step: 1 }))
    await quietly(() => client.Runs.setTag({ run_id: runId, key: 'temp', value: 'x' }))
    await quietly(() => client.Runs.deleteTag({ run_id: runId, key: 'temp' }))
    await quietly(() =>
      client.Runs.logBatch({
        run_id: runId,
        metrics: [{ key: 'mae', value: 5, timestamp: Date.now(), step: 0 }],
        params: [{ key: 'model', value: 'lasso' }],
        tags: [{ key: 'stage', value: 'dev' }],
      }),
    )
    const { run } = await client.Runs.get({ run_id: runId })
    assert.equal(run.info.user_id, 'ada')
    const params = Object.fromEntries(run.data.params.map((p) => [p.key, p.value]))
    assert.deepEqual(params, { alpha: '0.5', model: 'lasso' })
    const metrics = Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value]))
    assert.deepEqual(metrics, { rmse: 7.25, mae: 5 })
    const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]))
    assert.equal(tags.stage, 'dev')
    assert.equal(tags.source, 'npm')
    assert.equal(tags.temp, undefined)
  })

  it('Metrics.getHistory', async () => {
    const { metrics } = await client.Metrics.getHistory({ run_id: runId, metric_key: 'rmse' })
    assert.deepEqual(
      metrics.map((m) => [m.step, m.value]),
      [
        [0, 7.5],
        [1, 7.25],
      ],
    )
  })

  it('Runs.search with a filter and order', async () => {
    const result = await quietly(() =>
      client.Runs.search({ experiment_ids: [experimentId], filter: "params.model = 'lasso' and metrics.rmse < 8", order_by: ['metrics.rmse'] }),
    )
    assert.deepEqual(
      result.runs.map((r) => r.info.run_id),
      [runId],
    )
  })

  it('Artifacts.list', async () => {
    const root = join(fixture.dir, 'artifacts', experimentId, runId, 'artifacts')
    await mkdir(root, { recursive: true })
    await writeFile(join(root, 'model.bin'), Buffer.alloc(10))
    const listed = await client.Artifacts.list({ run_id: runId, path: '' })
    assert.deepEqual(listed.files, [{ path: 'model.bin', is_dir: false, file_size: 10 }])
  })

  it('Runs.update, delete and restore; Experiments.delete and restore', async () => {
    const { run_info } = await quietly(() => client.Runs.update({ run_id: runId, status: 'FINISHED' as never, end_time: Date.now() }))
    assert.equal(run_info.status, 'FINISHED')
    await quietly(() => client.Runs.delete({ run_id: runId }))
    assert.equal((await client.Runs.get({ run_id: runId })).run.info.lifecycle_stage, 'deleted')
    await quietly(() => client.Runs.restore({ run_id: runId }))
    await quietly(() => client.Experiments.delete({ experiment_id: experimentId }))
    assert.equal((await client.Experiments.get({ experiment_id: experimentId })).experiment.lifecycle_stage, 'deleted')
    await quietly(() => client.Experiments.restore({ experiment_id: experimentId }))
  })

  it("surfaces MLflow's error JSON through the client", async () => {
    const error = await client.Runs.get({ run_id: 'f'.repeat(32) }).catch((e: unknown) => e)
    const parsed = serverError(error)
    assert.equal(parsed.status, 404)
    assert.equal(parsed.data.error_code, 'RESOURCE_DOES_NOT_EXIST')
  })
})
