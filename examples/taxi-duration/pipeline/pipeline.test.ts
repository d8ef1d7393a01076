// The whole pipeline on the real 2021 files: the solvers reach scipy's reference optimum, and the
// `train`/`retrain` commands, run as a user runs them, leave the tracked sweep, the logged models and
// the registry history behind, on an embedded store and through a running server.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { OrchardClient } from '@orchard/sdk'
import { startServer } from '@orchard/server'
import type { RunningServer } from '@orchard/server'
import { tripRecords } from '../data/prepare.ts'
import { predictRecords } from '../model/linear-model.ts'
import { buildLinearModel } from '../model/linear-model.ts'
import { REFERENCE } from '../reference/expected.ts'
import { DEFAULT_SWEEP, ModelFitter, specName } from './fit-models.ts'
import { prepareTrainingData } from './train.ts'

const run = promisify(execFile)
const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const SHARED_DATA = join(REPOSITORY_ROOT, '..', 'shared', 'data', 'nyc-tlc')

const relativelyClose = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.abs(expected), `${what}: ${actual} vs reference ${expected}`)

describe('models on 2021-01 → 2021-02 against the scipy reference', () => {
  it('every model of the sweep converges to the reference optimum', async () => {
    const { data } = await prepareTrainingData(SHARED_DATA, '2021-01', '2021-02')
    assert.equal(data.vectorizer.featureNames.length, 13221)
    const fitter = new ModelFitter(data)
    for (const spec of DEFAULT_SWEEP) {
      const fitted = fitter.fit(spec)
      const name = specName(spec) as keyof typeof REFERENCE
      const reference = REFERENCE[name]
      assert.ok(fitted.convergence.converged, `${name}: ${fitted.convergence.measure} ${fitted.convergence.value}`)
      relativelyClose(fitted.train.rmse, reference.train_rmse, 1e-8, `${name} train RMSE`)
      relativelyClose(fitted.val.rmse, reference.val_rmse, 1e-8, `${name} val RMSE`)
      relativelyClose(fitted.val.mae, reference.val_mae, 1e-7, `${name} val MAE`)
      relativelyClose(fitted.intercept, reference.intercept, 1e-7, `${name} intercept`)
    }
  })

  it('model.json scores records as the design matrix does, location IDs as numbers or strings', async () => {
    const { data, val } = await prepareTrainingData(SHARED_DATA, '2021-01', '2021-02')
    const fitted = new ModelFitter(data).fit({ kind: 'ridge', alpha: 1 })
    const model = buildLinearModel(data.vectorizer, fitted)
    const records = tripRecords(val.prepared, 0, 2000)
    const scored = predictRecords(model, records)
    scored.forEach((value, i) => assert.ok(Math.abs(value - fitted.valPredictions[i]!) < 1e-9, `row ${i}`))
    const numeric = records.map((r) => ({ ...r, PULocationID: Number(r.PULocationID), DOLocationID: Number(r.DOLocationID) }))
    assert.deepEqual(predictRecords(model, numeric), scored)
    assert.throws(() => predictRecords(model, [{ PULocationID: 43, DOLocationID: 151 }]), /numeric field 'trip_distance' is missing/)
    // An unseen pair contributes nothing: intercept + distance term only.
    assert.equal(predictRecords(model, [{ PULocationID: 'x', DOLocationID: 'y', trip_distance: 0 }])[0], model.intercept)
  })
})

async function taxi(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/taxi-duration/main.ts', ...args], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, MLFLOW_TRACKING_URI: '' },
    maxBuffer: 8 * 1024 * 1024,
  })
  return stdout
}

async function assertTrackedSweep(trackingUri: string, stdout: string): Promise<void> {
  const client = new OrchardClient(trackingUri)
  try {
    const experiment = await client.getExperimentByName('taxi-duration')
    assert.ok(experiment)
    const runs = (await client.searchRuns([experiment.experimentId], { maxResults: 1000 })).items
    const parent = runs.find((r) => r.info.runName === 'train-2021-01-val-2021-02')
    assert.ok(parent, 'parent run')
    assert.match(stdout, new RegExp(`parent run ${parent.info.runId}`))
    const childrenOf = (id: string) => runs.filter((r) => r.data.tags.some((t) => t.key === 'mlflow.parentRunId' && t.value === id))
    assert.deepEqual(childrenOf(parent.info.runId).map((r) => r.info.runName).sort(), ['lasso', 'linear-regression', 'ridge'])
    const ridge = childrenOf(parent.info.runId).find((r) => r.info.runName === 'ridge')!
    const leaves = childrenOf(ridge.info.runId)
    assert.deepEqual(leaves.map((r) => r.info.runName).sort(), ['ridge-alpha-0.1', 'ridge-alpha-1', 'ridge-alpha-10'])
    const best = leaves.find((r) => r.info.runName === 'ridge-alpha-0.1')!
    const metric = (key: string) => best.data.metrics.find((m) => m.key === key)?.value ?? Number.NaN
    relativelyClose(metric('val_rmse'), REFERENCE['ridge-alpha-0.1'].val_rmse, 1e-8, 'logged val_rmse')
    relativelyClose(metric('train_rmse'), REFERENCE['ridge-alpha-0.1'].train_rmse, 1e-8, 'logged train_rmse')
    assert.ok(best.data.params.some((p) => p.key === 'alpha' && p.value === '0.1'))
    assert.deepEqual(best.inputs.datasetInputs.map((d) => d.dataset.name).sort(), ['green_tripdata_2021-01', 'green_tripdata_2021-02'])
    assert.ok(best.inputs.datasetInputs.every((d) => /^[0-9a-f]{8}$/.test(d.dataset.digest)))
    assert.ok(parent.data.tags.some((t) => t.key === 'best_model' && t.value === 'ridge-alpha-0.1'))
    assert.ok(parent.data.tags.some((t) => t.key === 'mlflow.source.git.commit'), 'git commit tag')
    const listing = await client.downloadArtifacts(best.info.runId, 'plots', await mkdtemp(join(tmpdir(), 'taxi-plot-')))
    assert.ok(listing.endsWith('plots'))

    const champion = await client.getModelVersionByAlias('taxi-duration', 'champion')
    assert.equal(champion.runId, best.info.runId)
    assert.equal(champion.currentStage, 'Production')
    const model = await client.loadModel(`runs:/${best.info.runId}/model`)
    try {
      const [asNumbers, asStrings] = (await Promise.all([
        model.predict([{ PULocationID: 43, DOLocationID: 151, trip_distance: 1.01 }]),
        model.predict([{ PULocationID: '43', DOLocationID: '151', trip_distance: 1.01 }]),
      ])) as [number[], number[]]
      assert.equal(asNumbers[0], asStrings[0])
      assert.ok(asNumbers[0]! > 1 && asNumbers[0]! < 60)
    } finally {
      await model.close()
    }
  } finally {
    await client.close()
  }
}

describe('npm run taxi', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taxi-pipeline-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('trains, tracks and registers on an embedded store, then retrains on 2023 and records the decision', async () => {
    const uri = join(dir, 'embedded')
    await assertTrackedSweep(uri, await taxi(['train', '--tracking-uri', uri]))
    const stdout = await taxi(['retrain', '--tracking-uri', uri, '--train', '2023-01', '--val', '2023-02', '--margin', '0.01'])
    assert.match(stdout, /decision: PROMOTE: ridge-alpha-1 trained on 2023-01: RMSE 6\.0085 vs champion v1 6\.2115 on 2023-02/)
    const client = new OrchardClient(uri)
    try {
      const champion = await client.getModelVersionByAlias('taxi-duration', 'champion')
      assert.equal(champion.version, '2')
      assert.equal((await client.getModelVersion('taxi-duration', '1')).currentStage, 'Archived')
    } finally {
      await client.close()
    }
    // A margin no challenger can meet keeps the champion, and says so.
    const kept = await taxi(['retrain', '--tracking-uri', uri, '--train', '2023-02', '--val', '2023-03', '--margin', '0.5'])
    assert.match(kept, /decision: KEEP: .* vs champion v2 6\.2311 on 2023-03 \(margin 0\.5\)/)
  })

  it('trains, tracks and registers through a running server', async () => {
    let server: RunningServer | undefined
    try {
      server = await startServer({
        host: '127.0.0.1',
        port: 0,
        backendStoreUri: `sqlite:///${join(dir, 'server.db')}`,
        defaultArtifactRoot: 'mlflow-artifacts:/',
        artifactsDestination: join(dir, 'artifacts'),
      })
      await assertTrackedSweep(server.url, await taxi(['train', '--tracking-uri', server.url]))
    } finally {
      await server?.close()
    }
  })

  it('rejects a malformed month with usage help and exit code 2', async () => {
    await assert.rejects(taxi(['train', '--train', '2021-13']), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 2)
      assert.match(error.stderr ?? '', /--train: '2021-13' is not a month: use YYYY-MM/)
      return true
    })
  })
})
