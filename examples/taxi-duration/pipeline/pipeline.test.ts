// The whole pipeline on the real 2021 files: the solvers reach scipy's reference optimum, and the
// `train`/`retrain` commands, run as a user runs them, leave the tracked sweep, the logged models and
// the registry history behind, on an embedded store and through a running server.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { OrchardClient } from '@orchard/sdk'
import { startServer } from '@orchard/server'
import type { RunningServer } from '@orchard/server'
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
import { orchard, startCli } from '../../../packages/cli/test/harness.ts'
import { tripRecords } from '../data/prepare.ts'
import { predictRecords } from '../model/linear-model.ts'
import { buildLinearModel } from '../model/linear-model.ts'
import { REFERENCE } from '../reference/expected.ts'
import { requireTaxiData } from '../data/data-dir.ts'
import { loadMonth } from './dataset.ts'
import { DEFAULT_SWEEP, ModelFitter, specName } from './fit-models.ts'
import { prepareTrainingData } from './train.ts'

const run = promisify(execFile)
const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const SHARED_DATA = requireTaxiData()

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
    const model = await client.loadModel('models:/taxi-duration@champion')
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

/**
 * The README's serving and batch-scoring steps, run as printed there: `orchard models serve` of the
 * champion answers the user's request with location IDs as numbers and as strings, and
 * `orchard models predict` scores the whole 2021-02 file to the champion's validation RMSE.
 */
async function assertServesAndScoresChampion(trackingUri: string, dir: string): Promise<void> {
  const champion = 'models:/taxi-duration@champion'
  const server = await startCli(REPOSITORY_ROOT, ['models', 'serve', '-m', champion, '--port', '0', '--tracking-uri', trackingUri])
  try {
    const invoke = async (record: Record<string, unknown>) => {
      const response = await fetch(`${server.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataframe_records: [record] }),
      })
      assert.equal(response.status, 200)
      return ((await response.json()) as { predictions: number[] }).predictions
    }
    const asNumbers = await invoke({ PULocationID: 43, DOLocationID: 151, trip_distance: 1.01 })
    assert.deepEqual(await invoke({ PULocationID: '43', DOLocationID: '151', trip_distance: 1.01 }), asNumbers)
    // The figure the README shows for ridge-alpha-0.1 trained on 2021-01.
    assert.equal(asNumbers[0]!.toFixed(4), README_PREDICTION_43_151)
  } finally {
    await server.kill()
  }

  const output = join(dir, 'predictions.parquet')
  const input = join(SHARED_DATA, 'green_tripdata_2021-02.parquet')
  const scored = await orchard(REPOSITORY_ROOT, ['models', 'predict', '-m', champion, '-i', input, '-o', output, '--tracking-uri', trackingUri])
  assert.equal(scored.code, 0, scored.stderr)
  assert.match(scored.stderr, /^Scored 61,921 rows in [\d.]+ s \([\d,]+ rows\/s\) -> .*predictions\.parquet$/m)
  // One column, named after the signature's output.
  const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(output) })) as { duration: number }[]
  const actual = (await loadMonth(SHARED_DATA, '2021-02')).prepared.duration
  assert.equal(rows.length, actual.length)
  const rmse = Math.sqrt(rows.reduce((sum, row, i) => sum + (row.duration - actual[i]!) ** 2, 0) / rows.length)
  relativelyClose(rmse, REFERENCE['ridge-alpha-0.1'].val_rmse, 1e-8, 'batch-scored RMSE on 2021-02')
}

const README_PREDICTION_43_151 = '6.1676'
const WEBHOOK_SECRET = 'taxi-duration-webhook-secret'

interface Delivery {
  readonly event: string
  readonly data: Record<string, unknown>
  readonly signatureValid: boolean
}

/**
 * A webhook endpoint on loopback, as a CI/CD system would run: it checks each delivery's
 * `X-MLflow-Signature` (v1,<base64 HMAC-SHA256 of "<delivery id>.<timestamp>.<body>">) on its own.
 */
async function startWebhookReceiver() {
  const deliveries: Delivery[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const signed = `${request.headers['x-mlflow-delivery-id']}.${request.headers['x-mlflow-timestamp']}.${body}`
      const expected = Buffer.from(`v1,${createHmac('sha256', WEBHOOK_SECRET).update(signed).digest('base64')}`)
      const given = Buffer.from(String(request.headers['x-mlflow-signature'] ?? ''))
      const payload = JSON.parse(body) as { entity: string; action: string; data: Record<string, unknown> }
      deliveries.push({ event: `${payload.entity}.${payload.action}`, data: payload.data, signatureValid: given.length === expected.length && timingSafeEqual(given, expected) })
      response.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/taxi`,
    deliveries,
    /** Waits until `done(deliveries)` holds (delivery is asynchronous, through the server's outbox). */
    async until(done: (received: readonly Delivery[]) => boolean, timeoutMs = 20_000): Promise<void> {
      const deadline = Date.now() + timeoutMs
      while (!done(deliveries)) {
        if (Date.now() > deadline) assert.fail(`webhook deliveries so far: ${JSON.stringify(deliveries.map((d) => [d.event, d.data]))}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describe('npm run taxi', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taxi-pipeline-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('trains, tracks and registers on an embedded store, serves and batch-scores the champion, then retrains on 2023 and records the decision', async () => {
    const uri = join(dir, 'embedded')
    await assertTrackedSweep(uri, await taxi(['train', '--tracking-uri', uri]))
    await assertServesAndScoresChampion(uri, dir)
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

  it('trains, tracks and registers through a running server; retrain fires the signed registry webhook', async () => {
    let server: RunningServer | undefined
    const receiver = await startWebhookReceiver()
    const saved = { allowPrivate: process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS, schemes: process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES }
    try {
      // The server's environment, as an operator starts it: webhooks may reach a receiver on loopback over http.
      process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS = 'true'
      process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES = 'http,https'
      server = await startServer({
        host: '127.0.0.1',
        port: 0,
        backendStoreUri: `sqlite:///${join(dir, 'server.db')}`,
        defaultArtifactRoot: 'mlflow-artifacts:/',
        artifactsDestination: join(dir, 'artifacts'),
      })
      await assertTrackedSweep(server.url, await taxi(['train', '--tracking-uri', server.url]))

      const created = await fetch(`${server.url}/api/2.0/mlflow/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'taxi-duration-deploy',
          url: receiver.url,
          secret: WEBHOOK_SECRET,
          events: [
            { entity: 'MODEL_VERSION', action: 'CREATED' },
            { entity: 'MODEL_VERSION', action: 'STAGE_TRANSITIONED' },
            { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
          ],
        }),
      })
      assert.equal(created.status, 200, await created.clone().text())
      const stdout = await taxi(['retrain', '--tracking-uri', server.url, '--train', '2023-01', '--val', '2023-02'])
      assert.match(stdout, /decision: PROMOTE: .* vs champion v1 6\.2115 on 2023-02/)

      const promoted = (d: Delivery) => d.event === 'model_version_alias.created' && d.data.alias === 'champion' && d.data.version === '2'
      await receiver.until((received) => received.some(promoted))
      const events = receiver.deliveries.map((d) => `${d.event} v${String(d.data.version)}${d.data.to_stage ? ` ${String(d.data.from_stage)}→${String(d.data.to_stage)}` : ''}`)
      assert.deepEqual(events, [
        'model_version.created v2',
        'model_version.stage_transitioned v2 None→Staging',
        // archive_existing_versions moves the old champion out before the challenger moves in.
        'model_version.stage_transitioned v1 Production→Archived',
        'model_version.stage_transitioned v2 Staging→Production',
        'model_version_alias.created v2',
      ])
      assert.ok(receiver.deliveries.every((d) => d.signatureValid && d.data.name === 'taxi-duration'), 'every delivery is signed with the secret')
    } finally {
      await server?.close()
      await receiver.close()
      for (const [key, value] of [['MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS', saved.allowPrivate], ['MLFLOW_WEBHOOK_ALLOWED_SCHEMES', saved.schemes]] as const) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }
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
