import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { expectError, openRegistryTestApp } from './registry-harness.ts'
import type { RegistryTestApp } from './registry-harness.ts'

// /graphql with the queries MLflow's UI sends (mlflow/server/js GraphQL hooks), answered from the
// same handlers as REST, with MLflow's depth, selection, root-field and alias limits.
describe('/graphql', () => {
  let app: RegistryTestApp
  let dir: string
  let runId: string
  let experimentId: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-graphql-'))
    app = await openRegistryTestApp({ artifactsDestination: dir })
    experimentId = (await app.call('POST', 'experiments/create', { name: 'gql' })).json.experiment_id
    const run = (await app.call('POST', 'runs/create', { experiment_id: experimentId, run_name: 'r1' })).json.run.info
    runId = run.run_id
    await app.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'loss', value: 0.5, timestamp: 1_700_000_000_000, step: 0 },
        { key: 'loss', value: 0.25, timestamp: 1_700_000_000_001, step: 1 },
        { key: 'bad', value: 'NaN', timestamp: 1_700_000_000_001, step: 1 },
      ],
      params: [{ key: 'lr', value: '0.1' }],
    })
    await app.call('POST', 'runs/log-inputs', { run_id: runId, datasets: [{ dataset: { name: 'train', digest: 'abc', source_type: 'local', source: '{}' }, tags: [{ key: 'mlflow.data.context', value: 'training' }] }] })
    await app.call('POST', 'registered-models/create', { name: 'gql-model' })
    await app.call('POST', 'model-versions/create', { name: 'gql-model', source: 's3://bucket/m', run_id: runId })
  })
  after(async () => {
    await app.close()
    await rm(dir, { recursive: true, force: true })
  })

  const post = (query: string, variables?: Record<string, unknown>) => app.call('POST', '/graphql', { query, ...(variables ? { variables } : {}) })

  it("answers the UI's run query with the run, its experiment and its model versions", async () => {
    const reply = await post(
      `query MlflowGetRunQuery($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentTracking") {
        mlflowGetRun(input: $data) {
          apiError { code message }
          run {
            info { runUuid runName experimentId status startTime lifecycleStage }
            data { metrics { key value step timestamp } params { key value } tags { key value } }
            inputs { datasetInputs { dataset { name digest } tags { key value } } }
            experiment { experimentId name tags { key value } }
            modelVersions { name version status source }
          }
        }
      }`,
      { data: { runId } },
    )
    assert.equal(reply.status, 200)
    assert.equal(reply.json.errors, null)
    const run = reply.json.data.mlflowGetRun.run
    assert.equal(run.info.runUuid, runId)
    assert.equal(run.info.status, 'RUNNING')
    assert.equal(typeof run.info.startTime, 'string', 'longs are strings')
    assert.deepEqual(run.data.metrics, [
      { key: 'bad', value: null, step: '1', timestamp: '1700000000001' },
      { key: 'loss', value: 0.25, step: '1', timestamp: '1700000000001' },
    ])
    assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.1' }])
    assert.deepEqual(run.inputs.datasetInputs, [{ dataset: { name: 'train', digest: 'abc' }, tags: [{ key: 'mlflow.data.context', value: 'training' }] }])
    assert.equal(run.experiment.name, 'gql')
    assert.deepEqual(run.modelVersions, [{ name: 'gql-model', version: '1', status: 'READY', source: 's3://bucket/m' }])
    assert.equal(reply.json.data.mlflowGetRun.apiError, null)
  })

  it('searches runs as a query and as a mutation, and gets experiments, histories, datasets, artifacts and versions', async () => {
    const search = `{ runs { info { runName } } nextPageToken }`
    const asQuery = await post(`query { mlflowSearchRuns(input: { experimentIds: ["${experimentId}"], maxResults: 5 }) ${search} }`)
    assert.deepEqual(asQuery.json.data.mlflowSearchRuns.runs, [{ info: { runName: 'r1' } }])
    const asMutation = await post(`mutation { mlflowSearchRuns(input: { experimentIds: ["${experimentId}"], filter: "params.lr = '0.1'", runViewType: ACTIVE_ONLY }) ${search} }`)
    assert.deepEqual(asMutation.json.data.mlflowSearchRuns.runs, [{ info: { runName: 'r1' } }])
    const experiment = await post(`{ mlflowGetExperiment(input: { experimentId: "${experimentId}" }) { experiment { name lifecycleStage creationTime } } }`)
    assert.equal(experiment.json.data.mlflowGetExperiment.experiment.name, 'gql')
    const history = await post(`{ mlflowGetMetricHistoryBulkInterval(input: { runIds: ["${runId}"], metricKey: "loss", maxResults: 10 }) { metrics { runId step value } } }`)
    assert.deepEqual(history.json.data.mlflowGetMetricHistoryBulkInterval.metrics, [
      { runId, step: '0', value: 0.5 },
      { runId, step: '1', value: 0.25 },
    ])
    const datasets = await post(`mutation { mlflowSearchDatasets(input: { experimentIds: ["${experimentId}"] }) { datasetSummaries { name digest context } } }`)
    assert.deepEqual(datasets.json.data.mlflowSearchDatasets.datasetSummaries, [{ name: 'train', digest: 'abc', context: 'training' }])
    const artifacts = await post(`{ mlflowListArtifacts(input: { runId: "${runId}" }) { rootUri files { path } } }`)
    assert.equal(artifacts.json.errors, null, JSON.stringify(artifacts.json))
    assert.match(artifacts.json.data.mlflowListArtifacts.rootUri, /artifacts$/)
    const versions = await post(`{ mlflowSearchModelVersions(input: { filter: "name = 'gql-model'" }) { modelVersions { version runId } } }`)
    assert.deepEqual(versions.json.data.mlflowSearchModelVersions.modelVersions, [{ version: '1', runId }])
  })

  it('is served on GET with the query in the query string', async () => {
    const reply = await app.call('GET', '/graphql', { query: `{ mlflowGetRun(input: { runId: "${runId}" }) { run { info { runName } } } }` })
    assert.deepEqual(reply.json, { data: { mlflowGetRun: { run: { info: { runName: 'r1' } } } }, errors: null })
  })

  it("reports handler errors in MLflow's words, with the field null", async () => {
    const reply = await post(`{ mlflowGetRun(input: { runId: "${'0'.repeat(32)}" }) { run { info { runName } } } }`)
    assert.deepEqual(reply.json.data, { mlflowGetRun: null })
    assert.deepEqual(reply.json.errors, [`Run with id=${'0'.repeat(32)} not found`])
    const invalid = await post(`{ mlflowSearchRuns(input: { maxResults: 123456789 }) { runs { info { runName } } } }`)
    assert.match(invalid.json.errors[0], /^Invalid value 123456789 for parameter 'max_results' supplied/)
  })

  it('refuses unknown fields, syntax errors, missing queries and batches', async () => {
    assert.match((await post('{ mlflowNothing { x } }')).json.errors[0], /Cannot query field "mlflowNothing"/)
    assert.match((await post('{ mlflowGetRun(')).json.errors[0], /Syntax Error/)
    expectError(await app.call('POST', '/graphql', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'query'")
    const batch = [{ query: '{ a }' }, { query: '{ b }' }] as unknown as Record<string, unknown>
    expectError(await app.call('POST', '/graphql', batch), 400, 'INVALID_PARAMETER_VALUE', 'must be a JSON object')
  })

  it("enforces MLflow's depth, selection, root-field and alias limits, fragments included", async () => {
    let nested = 'key'
    for (let i = 0; i < 11; i++) nested = `run { info { ${nested} } }`
    assert.deepEqual((await post(`{ mlflowGetRun(input: {}) { ${nested} } }`)).json, { data: null, errors: ['Query exceeds maximum depth of 10'] })
    const viaFragments = `fragment F on MlflowRunInfo { runName } fragment G on MlflowRun { info { ...F } experiment { tags { key } } }
      { mlflowGetRun(input: {}) { run { ...G } } }`
    assert.equal((await post(viaFragments)).json.errors?.[0]?.includes('maximum depth') ?? false, false)
    const roots = Array.from({ length: 11 }, (_, i) => `r${i}: mlflowGetExperiment(input: { experimentId: "0" }) { experiment { name } }`).join(' ')
    assert.deepEqual((await post(`{ ${roots} }`)).json.errors, [
      'GraphQL queries should have at most 10 root fields, got 11 root fields. To increase the limit, set the MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS environment variable.',
    ])
    const aliases = Array.from({ length: 11 }, (_, i) => `a${i}: name`).join(' ')
    assert.match((await post(`{ mlflowGetExperiment(input: { experimentId: "0" }) { experiment { ${aliases} } } }`)).json.errors[0], /at most 10 aliases, got 11 aliases/)
    const wide = Array.from({ length: 1001 }, () => 'key').join(' ')
    assert.deepEqual((await post(`{ mlflowGetRun(input: {}) { run { data { tags { ${wide} } } } } }`)).json.errors, ['Query exceeds maximum total selections of 1000'])
    const hidden = `fragment T on MlflowRunTag { ${Array.from({ length: 600 }, () => 'key').join(' ')} }
      { mlflowGetRun(input: {}) { run { data { tags { ...T ...T } } } } }`
    assert.deepEqual((await post(hidden)).json.errors, ['Query exceeds maximum total selections of 1000'], 'a spread counts every time it is used')
  })
})
