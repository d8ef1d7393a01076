import assert from 'node:assert/strict'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3'
import type { S3Client } from '@aws-sdk/client-s3'
import Database from 'better-sqlite3'
import { s3ClientFromEnv } from '@orchard/artifacts/s3'
import { startMoto, useMotoEnvironment } from '@orchard/artifacts/testing'
import type { MotoServer } from '@orchard/artifacts/testing'
import { openTrackingStore } from '@orchard/store'
import { orchard, STACK_FRAME, startCli, tempDir } from './harness.ts'

// `orchard gc` against a real S3 API (moto on loopback), reached the way a user reaches MinIO:
// MLFLOW_S3_ENDPOINT_URL and the AWS variables, inherited by the spawned binary.

const BUCKET = 'gc-artifacts'

describe('orchard gc on S3', () => {
  let moto: MotoServer
  let s3: S3Client
  let dir: Awaited<ReturnType<typeof tempDir>>
  let databaseUri: string
  let databaseFile: string
  before(async () => {
    moto = await startMoto()
    useMotoEnvironment(moto.endpoint)
    await moto.createBucket(BUCKET)
    s3 = s3ClientFromEnv()
    dir = await tempDir()
    await mkdir(join(dir.path, 'mlruns'))
    databaseFile = join(dir.path, 'mlruns', 'orchard.db')
    databaseUri = `sqlite:///${databaseFile}`
  })
  after(async () => {
    s3?.destroy()
    await moto?.stop()
    await dir?.remove()
  })

  async function put(...keys: string[]) {
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `bytes of ${key}` }))
  }

  /** Every key in the bucket under `prefix`, sorted. */
  async function keys(prefix: string): Promise<string[]> {
    const found: string[] = []
    let token: string | undefined
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }))
      for (const object of page.Contents ?? []) if (object.Key) found.push(object.Key)
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return found.sort()
  }

  async function withStore<T>(work: (store: Awaited<ReturnType<typeof openTrackingStore>>) => Promise<T>, defaultArtifactRoot?: string): Promise<T> {
    const store = await openTrackingStore(databaseUri, defaultArtifactRoot ? { defaultArtifactRoot } : {})
    try {
      return await work(store)
    } finally {
      await store.close()
    }
  }

  /** An experiment and `runCount` runs in it; artifact URIs as the store hands them out. */
  const experimentWithRuns = (name: string, runCount: number, options: { artifactLocation?: string; defaultArtifactRoot?: string } = {}) =>
    withStore(async (store) => {
      const experimentId = await store.createExperiment({ name, ...(options.artifactLocation ? { artifactLocation: options.artifactLocation } : {}) })
      const runs = []
      for (let i = 0; i < runCount; i++) runs.push((await store.createRun({ experimentId })).info)
      return { experimentId, runs: runs.map((info) => ({ runId: info.runId, artifactUri: info.artifactUri })) }
    }, options.defaultArtifactRoot)

  /**
   * Run `orchard …args` with a module-resolution hook that records every module of the AWS SDK or of
   * @orchard/artifacts the process loads: what keeps `gc` from paying for S3 when it does not need it.
   */
  async function orchardProbed(args: string[]): Promise<{ result: Awaited<ReturnType<typeof orchard>>; loaded: string[] }> {
    const log = join(dir.path, `loaded-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`)
    await writeFile(log, '')
    const hooks =
      "import { appendFileSync } from 'node:fs';" +
      'export async function resolve(specifier, context, next) {' +
      '  const resolved = await next(specifier, context);' +
      `  if (/\\/(@aws-sdk|packages\\/artifacts)\\//.test(resolved.url)) appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');` +
      '  return resolved }'
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)})`
    // Keeps the runner's options (its --conditions=orchard-source makes the child load the sources
    // module by module, which is what the probe watches; without it the child would run the bundle).
    const options = `${process.env.NODE_OPTIONS ?? ''} --import=data:text/javascript,${encodeURIComponent(register)}`.trim()
    const result = await orchard(dir.path, args, { NODE_OPTIONS: options })
    return { result, loaded: (await readFile(log, 'utf8')).split('\n').filter(Boolean) }
  }

  const gc = (...args: string[]) => orchard(dir.path, ['gc', '--backend-store-uri', databaseUri, ...args])
  const line = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm')

  it('deletes a deleted run under an s3:// experiment location and leaves its live neighbour alone', async () => {
    const { experimentId, runs } = await experimentWithRuns('s3-churn', 2, { artifactLocation: `s3://${BUCKET}/team/churn` })
    const [gone, live] = runs
    assert.ok(gone && live)
    assert.equal(gone.artifactUri, `s3://${BUCKET}/team/churn/${gone.runId}/artifacts`)
    await put(
      `team/churn/${gone.runId}/artifacts/model/weights.bin`,
      `team/churn/${gone.runId}/artifacts/metrics.json`,
      `team/churn/${live.runId}/artifacts/model/weights.bin`,
      'team/churn/README.md',
    )
    await withStore((store) => store.deleteRun(gone.runId))

    const first = await gc()
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, line(`removed run ${gone.runId}; artifacts: deleted ${gone.artifactUri}`))
    assert.match(first.stdout, /^removed 1 run and 0 experiments$/m)
    assert.deepEqual(await keys('team/churn/'), [`team/churn/${live.runId}/artifacts/model/weights.bin`, 'team/churn/README.md'].sort())

    // The experiment goes too: its last run's keys are deleted, its folder is the user's and not empty.
    await withStore((store) => store.deleteExperiment(experimentId))
    const second = await gc('--experiment-ids', experimentId)
    assert.equal(second.code, 0, second.stderr)
    assert.match(second.stdout, line(`removed run ${live.runId}; artifacts: deleted ${live.artifactUri}`))
    assert.match(
      second.stdout,
      line(`removed experiment ${experimentId}; artifacts: kept s3://${BUCKET}/team/churn (it is outside the artifacts destination and not empty)`),
    )
    assert.deepEqual(await keys('team/churn/'), ['team/churn/README.md'])
  })

  it('reports an s3:// experiment location the user chose as empty once its runs are gone', async () => {
    const { experimentId, runs } = await experimentWithRuns('s3-emptied', 1, { artifactLocation: `s3://${BUCKET}/team/emptied` })
    const [run] = runs
    assert.ok(run)
    await put(`team/emptied/${run.runId}/artifacts/plot.png`)
    await withStore((store) => store.deleteExperiment(experimentId))

    const result = await gc('--experiment-ids', experimentId)
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, line(`removed run ${run.runId}; artifacts: deleted ${run.artifactUri}`))
    assert.match(result.stdout, line(`removed experiment ${experimentId}; artifacts: none at s3://${BUCKET}/team/emptied`))
    assert.deepEqual(await keys('team/emptied/'), [])
  })

  it('deletes proxied runs and experiments inside an s3:// artifacts destination, and nothing beside them', async () => {
    const proxied = { defaultArtifactRoot: 'mlflow-artifacts:/' }
    const doomed = await experimentWithRuns('proxied-doomed', 2, proxied)
    const kept = await experimentWithRuns('proxied-kept', 1, proxied)
    const [a, b] = doomed.runs
    const [other] = kept.runs
    assert.ok(a && b && other)
    assert.equal(a.artifactUri, `mlflow-artifacts:/${doomed.experimentId}/${a.runId}/artifacts`)
    const id = doomed.experimentId
    await put(
      `proxied/${id}/${a.runId}/artifacts/model/weights.bin`,
      `proxied/${id}/${b.runId}/artifacts/model/weights.bin`,
      `proxied/${id}/notes.txt`,
      // Share the experiment's prefix as a string, not as a folder: they must survive.
      `proxied/${id}0/${other.runId}/artifacts/x.txt`,
      `proxied/${id}.txt`,
      `proxied/${kept.experimentId}/${other.runId}/artifacts/model/weights.bin`,
      `elsewhere/${id}/${a.runId}/artifacts/copy.bin`,
    )
    await withStore((store) => store.deleteExperiment(doomed.experimentId))

    const result = await gc('--artifacts-destination', `s3://${BUCKET}/proxied`)
    assert.equal(result.code, 0, result.stderr)
    for (const run of [a, b]) {
      assert.match(result.stdout, line(`removed run ${run.runId}; artifacts: deleted s3://${BUCKET}/proxied/${id}/${run.runId}/artifacts`))
    }
    assert.match(result.stdout, line(`removed experiment ${id}; artifacts: deleted s3://${BUCKET}/proxied/${id}`))
    assert.deepEqual(
      await keys('proxied/'),
      [`proxied/${id}.txt`, `proxied/${id}0/${other.runId}/artifacts/x.txt`, `proxied/${kept.experimentId}/${other.runId}/artifacts/model/weights.bin`].sort(),
    )
    assert.deepEqual(await keys('elsewhere/'), [`elsewhere/${id}/${a.runId}/artifacts/copy.bin`])
  })

  it('keeps and reports a run whose S3 path does not run through a folder named after it', async () => {
    const { runs } = await experimentWithRuns('flat', 1, { artifactLocation: `s3://${BUCKET}/flat` })
    const [run] = runs
    assert.ok(run)
    // A layout of the user's (an imported database): several runs writing to one shared prefix.
    const shared = `s3://${BUCKET}/flat/shared-artifacts`
    const database = new Database(databaseFile)
    database.prepare('UPDATE runs SET artifact_uri = ? WHERE run_id = ?').run(shared, run.runId)
    database.close()
    await put('flat/shared-artifacts/model.bin')
    await withStore((store) => store.deleteRun(run.runId))

    const result = await gc('--run-ids', run.runId)
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, line(`removed run ${run.runId}; artifacts: kept ${shared} (it is not inside a folder named after the run)`))
    assert.deepEqual(await keys('flat/'), ['flat/shared-artifacts/model.bin'])
  })

  it('keeps and reports artifacts under a scheme no repository serves', async () => {
    const { runs } = await experimentWithRuns('on-gcs', 1, { artifactLocation: 'gs://somewhere/models' })
    const [run] = runs
    assert.ok(run)
    await withStore((store) => store.deleteRun(run.runId))

    const result = await gc('--run-ids', run.runId)
    assert.equal(result.code, 0, result.stderr)
    assert.match(
      result.stdout,
      new RegExp(`^removed run ${run.runId}; artifacts: kept gs://somewhere/models/${run.runId}/artifacts \\(No artifact store is registered for 'gs:' URIs.*\\)$`, 'm'),
    )
  })

  it('says which deletions failed and exits 1 when the store refuses', async () => {
    const { runs } = await experimentWithRuns('no-bucket', 1, { artifactLocation: 's3://gc-missing-bucket/exp' })
    const [run] = runs
    assert.ok(run)
    await withStore((store) => store.deleteRun(run.runId))

    const result = await gc('--run-ids', run.runId)
    assert.equal(result.code, 1)
    assert.match(result.stdout, new RegExp(`^removed run ${run.runId}; artifacts: not deleted s3://gc-missing-bucket/exp/${run.runId}/artifacts \\(.+\\)$`, 'm'))
    assert.match(result.stdout, /^removed 1 run and 0 experiments$/m)
    assert.equal(result.stderr, "error: 1 artifact location could not be deleted; see the 'not deleted' lines above\n")
    assert.doesNotMatch(result.stderr, STACK_FRAME)
  })

  it('loads the S3 SDK only when a location is on S3; --help loads no artifact code at all', async () => {
    const help = await orchardProbed(['gc', '--help'])
    assert.equal(help.result.code, 0, help.result.stderr)
    assert.match(help.result.stdout, /deleted on local disk and on S3/)
    assert.match(help.result.stdout, /--artifacts-destination <uri> +.*s3:\/\/bucket\/prefix/)
    assert.deepEqual(help.loaded, [])

    const local = await experimentWithRuns('local-only', 1, { artifactLocation: join(dir.path, 'local-artifacts') })
    const onS3 = await experimentWithRuns('s3-probe', 1, { artifactLocation: `s3://${BUCKET}/probe` })
    const [localRun] = local.runs
    const [s3Run] = onS3.runs
    assert.ok(localRun && s3Run)
    await mkdir(join(dir.path, 'local-artifacts', localRun.runId, 'artifacts'), { recursive: true })
    await put(`probe/${s3Run.runId}/artifacts/model.bin`)
    await withStore(async (store) => {
      await store.deleteRun(localRun.runId)
      await store.deleteRun(s3Run.runId)
    })

    const localGc = await orchardProbed(['gc', '--backend-store-uri', databaseUri, '--run-ids', localRun.runId])
    assert.equal(localGc.result.code, 0, localGc.result.stderr)
    assert.match(localGc.result.stdout, line(`removed run ${localRun.runId}; artifacts: deleted ${join(dir.path, 'local-artifacts', localRun.runId, 'artifacts')}`))
    assert.ok(localGc.loaded.length > 0, 'the probe sees @orchard/artifacts/paths')
    assert.deepEqual(localGc.loaded.filter((url) => url.includes('/@aws-sdk/')), [])

    const s3Gc = await orchardProbed(['gc', '--backend-store-uri', databaseUri, '--run-ids', s3Run.runId])
    assert.equal(s3Gc.result.code, 0, s3Gc.result.stderr)
    assert.match(s3Gc.result.stdout, line(`removed run ${s3Run.runId}; artifacts: deleted ${s3Run.artifactUri}`))
    assert.ok(s3Gc.loaded.some((url) => url.includes('/@aws-sdk/client-s3/')), 'and sees the SDK when S3 is needed')
    assert.deepEqual(await keys('probe/'), [])
  })

  it('collects what `orchard server --artifacts-destination s3://…` stored, given the same destination', async () => {
    const destination = `s3://${BUCKET}/served`
    const server = await startCli(dir.path, ['server', '--port', '0', '--backend-store-uri', databaseUri, '--artifacts-destination', destination])
    let experimentId: string
    let runId: string
    try {
      const call = async (path: string, body: unknown) => {
        const response = await fetch(`${server.url}/api/2.0/mlflow/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
        assert.equal(response.status, 200, await response.clone().text())
        return (await response.json()) as { experiment_id: string; run: { info: { run_id: string } } }
      }
      experimentId = (await call('experiments/create', { name: 'served' })).experiment_id
      runId = (await call('runs/create', { experiment_id: experimentId })).run.info.run_id
      const upload = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/weights.bin`, {
        method: 'PUT',
        body: 'weights',
      })
      assert.equal(upload.status, 200, await upload.text())
      await call('runs/delete', { run_id: runId })
    } finally {
      await server.kill()
    }
    assert.deepEqual(await keys('served/'), [`served/${experimentId}/${runId}/artifacts/model/weights.bin`])

    const result = await gc('--run-ids', runId, '--artifacts-destination', destination)
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, line(`removed run ${runId}; artifacts: deleted ${destination}/${experimentId}/${runId}/artifacts`))
    assert.deepEqual(await keys('served/'), [])
  })
})
