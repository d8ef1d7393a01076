import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { openStores } from '@orchard/store'
import { testDatabase } from '@orchard/store/testing'
import { createApp } from '../src/app.ts'
import { expectError } from './harness.ts'
import { appCaller } from './registry-harness.ts'
import type { Reply } from './harness.ts'

// What an MLflow 3.x Python client sends, request by request, replayed against the app on SQLite and
// on PostgreSQL. The sequences follow mlflow/models/model.py (Model.log), mlflow/tracking/fluent.py
// and mlflow/store/artifact/{runs,models,http}_artifact_repo.py of MLflow 3.6: the same paths,
// methods, bodies and query strings, in the same order; and the UI's GraphQL queries.

interface Client {
  call(method: string, path: string, body?: Record<string, unknown>): Promise<Reply>
  /** A raw request to the artifact proxy (PUT bodies are bytes). */
  raw(method: string, path: string, body?: string): Promise<Response>
  close(): Promise<void>
}

async function openClient(storeUri: () => Promise<{ uri: string; drop: () => Promise<void> }>): Promise<Client> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-mlflow3-'))
  const database = await storeUri()
  const uri = database.uri || `sqlite:///${join(dir, 'orchard.db')}`
  const { trackingStore, registryStore } = await openStores(uri, { defaultArtifactRoot: 'mlflow-artifacts:/' })
  const errors: unknown[] = []
  const app = createApp({ trackingStore, registryStore, artifactsDestination: join(dir, 'artifacts'), logError: (e) => errors.push(e) })
  const raw = async (method: string, path: string, body?: string) => {
    const response = await app.request(path, { method, ...(body !== undefined ? { body } : {}) })
    if (response.status >= 500) throw new Error(`server error ${response.status}: ${await response.text()}; logged: ${String(errors[0])}`)
    return response
  }
  return {
    raw,
    call: appCaller(app, errors),
    async close() {
      await trackingStore.close()
      await database.drop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

const ok = (reply: Reply) => {
  assert.equal(reply.status, 200, JSON.stringify(reply.json))
  return reply.json
}

/** `mlflow-artifacts:/<path>` → the proxy URL the client's HttpArtifactRepository uses. */
const proxyPath = (artifactUri: string, file = '') => {
  assert.match(artifactUri, /^mlflow-artifacts:\//)
  const root = artifactUri.slice('mlflow-artifacts:'.length).replace(/^\/+/, '')
  return `/api/2.0/mlflow-artifacts/artifacts/${root}${file ? `/${file}` : ''}`
}

function describeMlflow3Client(label: string, storeUri: () => Promise<{ uri: string; drop: () => Promise<void> }>) {
  describe(`an MLflow 3.x client against ${label}`, () => {
    let t: Client
    let experimentId: string
    before(async () => {
      t = await openClient(storeUri)
      experimentId = ok(await t.call('POST', 'experiments/create', { name: 'mlflow3' })).experiment_id
    })
    after(() => t.close())

    const startRun = async () => ok(await t.call('POST', 'runs/create', { experiment_id: experimentId, start_time: 1000, tags: [] })).run

    it('log_artifact(s) with and without artifact_path: the logged-model search by name, then the upload and listing', async () => {
      const run = await startRun()
      const runId = run.info.run_id
      // RunsArtifactRepository first looks for a logged model named after the sub-path.
      const search = ok(
        await t.call('POST', 'logged-models/search', { experiment_ids: [experimentId], filter: "name = 'configs'" }),
      )
      assert.deepEqual(search.models ?? [], [])
      for (const [file, body] of [
        ['configs/cfg.yaml', 'a: 1\n'],
        ['tree/sub/x.txt', 'x'],
        ['top.txt', 'top'],
      ] as const) {
        assert.equal((await t.raw('PUT', proxyPath(run.info.artifact_uri, file), body)).status, 200)
      }
      const listed = ok(await t.call('GET', 'artifacts/list', { run_id: runId, path: 'configs' }))
      assert.deepEqual(listed.files, [{ path: 'configs/cfg.yaml', is_dir: false, file_size: 5 }])
      const root = ok(await t.call('GET', 'artifacts/list', { run_id: runId }))
      assert.deepEqual(
        root.files.map((f: { path: string }) => f.path),
        ['configs', 'top.txt', 'tree'],
      )
    })

    it('log_model(..., registered_model_name=...) then load_model("models:/<name>/1")', async () => {
      const run = await startRun()
      const runId = run.info.run_id
      ok(
        await t.call('POST', 'runs/log-batch', {
          run_id: runId,
          metrics: [
            { key: 'rmse', value: 0.9, timestamp: 1001, step: 0 },
            { key: 'rmse', value: 0.7, timestamp: 1002, step: 1 },
            { key: 'r2', value: 0.5, timestamp: 1002, step: 1 },
          ],
          params: [{ key: 'alpha', value: '0.1' }],
          tags: [],
        }),
      )

      // 1. runs/get: the run's params are copied onto the model.
      const got = ok(await t.call('GET', 'runs/get', { run_id: runId })).run
      const params = got.data.params
      // 2. CreateLoggedModel.
      const created = ok(
        await t.call('POST', 'logged-models', {
          experiment_id: experimentId,
          name: 'model',
          source_run_id: runId,
          model_type: '',
          params,
          tags: [{ key: 'mlflow.source.name', value: 'train.py' }],
        }),
      ).model
      const modelId: string = created.info.model_id
      assert.equal(created.info.status, 'LOGGED_MODEL_PENDING')
      assert.equal(created.info.artifact_uri, `mlflow-artifacts:/${experimentId}/models/${modelId}/artifacts`)
      // 3. LogOutputs.
      ok(await t.call('POST', 'runs/outputs', { run_id: runId, models: [{ model_id: modelId, step: 1 }] }))
      // 4. runs/get, a history per metric key, and the step's points again with model_id.
      const again = ok(await t.call('GET', 'runs/get', { run_id: runId })).run
      assert.deepEqual(again.outputs, { model_outputs: [{ model_id: modelId, step: 1 }] })
      const repost = []
      for (const metric of again.data.metrics) {
        const history = ok(await t.call('GET', 'metrics/get-history', { run_id: runId, metric_key: metric.key })).metrics
        for (const point of history) if (point.step === 1) repost.push({ ...point, model_id: modelId })
      }
      assert.equal(repost.length, 2)
      ok(await t.call('POST', 'runs/log-batch', { run_id: runId, metrics: repost, params: [], tags: [] }))
      // 5. The model folder, uploaded to the logged model's artifact location through the proxy.
      const files = { MLmodel: 'artifact_path: null\nmodel_id: x\nflavors: {}\n', 'model.pkl': 'weights', 'sub/conda.yaml': 'name: env\n' }
      for (const [name, body] of Object.entries(files)) {
        assert.equal((await t.raw('PUT', proxyPath(created.info.artifact_uri, name), body)).status, 200)
      }
      // 6. Finalize.
      const ready = ok(await t.call('PATCH', `logged-models/${modelId}`, { model_id: modelId, status: 'LOGGED_MODEL_READY' })).model
      assert.equal(ready.info.status, 'LOGGED_MODEL_READY')
      assert.deepEqual(
        ready.data.metrics.map((m: Record<string, unknown>) => [m.key, m.value, m.step, m.model_id, m.run_id]).sort(),
        [
          ['r2', 0.5, 1, modelId, runId],
          ['rmse', 0.7, 1, modelId, runId],
        ],
      )
      // 7. Registration from models:/<model_id>.
      ok(await t.call('POST', 'registered-models/create', { name: 'taxi' }))
      const version = ok(
        await t.call('POST', 'model-versions/create', { name: 'taxi', source: `models:/${modelId}`, run_id: runId, model_id: modelId, tags: [] }),
      ).model_version
      assert.equal(version.version, '1')
      assert.equal(version.source, `models:/${modelId}`)
      assert.equal(version.model_id, modelId)
      assert.equal(version.run_id, runId)

      // load_model("models:/taxi/1"): the download URI, then the proxy's listing and files.
      const { artifact_uri: downloadUri } = ok(await t.call('GET', 'model-versions/get-download-uri', { name: 'taxi', version: '1' }))
      assert.equal(downloadUri, created.info.artifact_uri)
      const root = downloadUri.slice('mlflow-artifacts:'.length).replace(/^\/+/, '')
      const listing = await (await t.raw('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(root)}`)).json()
      assert.deepEqual(
        listing.files.map((f: { path: string; is_dir: boolean }) => [f.path, f.is_dir]),
        [
          ['MLmodel', false],
          ['model.pkl', false],
          ['sub', true],
        ],
      )
      for (const [name, body] of Object.entries(files)) {
        const response = await t.raw('GET', proxyPath(downloadUri, name))
        assert.equal(response.status, 200)
        assert.equal(await response.text(), body)
      }
      // MLflow serves MLmodel (like MLproject and other text files) as text/plain.
      assert.equal((await t.raw('GET', proxyPath(downloadUri, 'MLmodel'))).headers.get('content-type'), 'text/plain')
      // load_model("models:/<model_id>") goes through the logged model itself.
      assert.equal(ok(await t.call('GET', `logged-models/${modelId}`)).model.info.artifact_uri, downloadUri)
      // The 3.x list_artifacts(run_id, "model") finds the model by name, and lists its folder.
      const byName = ok(await t.call('POST', 'logged-models/search', { experiment_ids: [experimentId], filter: "name = 'model'" })).models
      assert.deepEqual(
        byName.map((m: { info: { model_id: string } }) => m.info.model_id),
        [modelId],
      )
      const directories = ok(await t.call('GET', `logged-models/${modelId}/artifacts/directories`, { artifact_directory_path: 'sub' }))
      assert.deepEqual(directories.files, [{ path: 'sub/conda.yaml', is_dir: false, file_size: 10 }])
    })

    it("searches logged models with MLflow's grammar, datasets and order_by objects", async () => {
      const run = await startRun()
      const ids: string[] = []
      for (const [name, type] of [
        ['alpha', 'sklearn'],
        ['beta', 'xgboost'],
      ]) {
        const model = ok(await t.call('POST', 'logged-models', { experiment_id: experimentId, name, model_type: type, source_run_id: run.info.run_id })).model
        ids.push(model.info.model_id)
      }
      const [alpha, beta] = ids as [string, string]
      ok(await t.call('PATCH', `logged-models/${beta}`, { model_id: beta, status: 'LOGGED_MODEL_READY' }))
      ok(
        await t.call('POST', 'runs/log-batch', {
          run_id: run.info.run_id,
          metrics: [
            { key: 'acc', value: 0.8, timestamp: 5, step: 0, model_id: alpha, dataset_name: 'eval', dataset_digest: 'd1' },
            { key: 'acc', value: 0.6, timestamp: 5, step: 0, model_id: beta, dataset_name: 'train', dataset_digest: 'd2' },
          ],
        }),
      )
      const names = async (body: Record<string, unknown>) =>
        (ok(await t.call('POST', 'logged-models/search', { experiment_ids: [experimentId], ...body })).models ?? [])
          .map((m: { info: { name: string } }) => m.info.name)
          .filter((n: string) => n === 'alpha' || n === 'beta')
      assert.deepEqual(await names({ filter: "model_type IN ('sklearn', 'xgboost') AND source_run_id = '" + run.info.run_id + "'", order_by: [{ field_name: 'name', ascending: true }] }), ['alpha', 'beta'])
      assert.deepEqual(await names({ filter: "status = 'READY'" }), ['beta'])
      assert.deepEqual(await names({ filter: "attributes.status = 'LOGGED_MODEL_PENDING' AND name LIKE 'al%'" }), ['alpha'])
      assert.deepEqual(await names({ filter: 'metrics.acc > 0.5', datasets: [{ dataset_name: 'eval' }] }), ['alpha'])
      assert.deepEqual(await names({ datasets: [{ dataset_name: 'train', dataset_digest: 'd2' }] }), ['beta'])
      assert.deepEqual(await names({ filter: 'creation_time > 0', order_by: [{ field_name: 'metrics.acc', ascending: true }] }), ['beta', 'alpha'])
      assert.deepEqual(await names({ filter: `model_id = '${beta}'` }), ['beta'])
      expectError(await t.call('POST', 'logged-models/search', { experiment_ids: [experimentId], filter: "run_name = 'x'" }), 400, 'INVALID_PARAMETER_VALUE', "Invalid attribute key 'run_name'")
      expectError(
        await t.call('POST', 'logged-models/search', { experiment_ids: [experimentId], order_by: [{ field_name: 'params.lr' }] }),
        400,
        'INVALID_PARAMETER_VALUE',
        'Invalid order by field name: params.lr',
      )
    })

    it("answers the UI's GraphQL run and search queries, outputs included", async () => {
      const run = await startRun()
      ok(await t.call('POST', 'runs/log-batch', { run_id: run.info.run_id, metrics: [{ key: 'm', value: 1, timestamp: 5, step: 2 }] }))
      ok(await t.call('POST', 'runs/outputs', { run_id: run.info.run_id, models: [{ model_id: 'm-gql', step: 2 }] }))
      const reply = ok(
        await t.call('POST', '/graphql', {
          query: `query Q($id: String) { mlflowGetRun(input: { runId: $id }) { run { info { runUuid } data { metrics { key value step } } outputs { modelOutputs { modelId step } } experiment { name } } } }`,
          variables: { id: run.info.run_id },
        }),
      )
      assert.equal(reply.errors, null)
      assert.deepEqual(reply.data.mlflowGetRun.run, {
        info: { runUuid: run.info.run_id },
        data: { metrics: [{ key: 'm', value: 1, step: '2' }] },
        outputs: { modelOutputs: [{ modelId: 'm-gql', step: '2' }] },
        experiment: { name: 'mlflow3' },
      })
      const search = ok(await t.call('POST', '/graphql', { query: `mutation { mlflowSearchRuns(input: { experimentIds: ["${experimentId}"], filter: "metrics.m = 1" }) { runs { info { runUuid } } } }` }))
      assert.deepEqual(search.data.mlflowSearchRuns.runs, [{ info: { runUuid: run.info.run_id } }])
    })

    it('runs/outputs: required models, an active run, and models of other servers accepted', async () => {
      const run = await startRun()
      expectError(await t.call('POST', 'runs/outputs', { run_id: run.info.run_id }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'models'")
      expectError(await t.call('POST', 'runs/outputs', { models: [] }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_id'")
      ok(await t.call('POST', 'runs/outputs', { run_id: run.info.run_id, models: [{ model_id: 'm-0123', step: 2 }] }))
      ok(await t.call('POST', 'runs/log-inputs', { run_id: run.info.run_id, models: [{ model_id: 'm-0123' }] }))
      const got = ok(await t.call('GET', 'runs/get', { run_id: run.info.run_id })).run
      assert.deepEqual(got.outputs, { model_outputs: [{ model_id: 'm-0123', step: 2 }] })
      assert.deepEqual(got.inputs, { model_inputs: [{ model_id: 'm-0123' }] })
      ok(await t.call('POST', 'runs/delete', { run_id: run.info.run_id }))
      expectError(await t.call('POST', 'runs/outputs', { run_id: run.info.run_id, models: [] }), 400, 'INVALID_PARAMETER_VALUE', "must be in the 'active' state")
    })
  })
}

describeMlflow3Client('SQLite', async () => ({ uri: '', drop: async () => {} }))

describeMlflow3Client('PostgreSQL', async () => {
  const database = testDatabase('orchard_mlflow3')
  await database.create()
  return { uri: database.url, drop: () => database.drop() }
})
