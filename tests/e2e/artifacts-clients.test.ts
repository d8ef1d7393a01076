// Artifacts moved by our SDK and listed by a client nobody here wrote (the `mlflow` npm package, whose
// only artifact call is Artifacts.list), through a server proxying to a local folder and to S3 (moto).
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import mlflowExport from 'mlflow'
import type * as MlflowLib from 'mlflow/lib/mlflow.js'
import { startMoto, useMotoEnvironment } from '@orchard/artifacts/testing'
import type { MotoServer } from '@orchard/artifacts/testing'
import { OrchardClient } from '@orchard/sdk'
import { startServer } from '@orchard/server'
import type { RunningServer } from '@orchard/server'

type MlflowClient = typeof MlflowLib.default.default
const MLflow = mlflowExport as unknown as MlflowClient

function describeDestination(name: string, destination: (dir: string) => Promise<string>, cleanup: () => Promise<void> = async () => {}): void {
  describe(`our SDK and the mlflow npm client, proxied to ${name}`, () => {
    let dir: string
    let server: RunningServer
    let client: OrchardClient
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'orchard-e2e-artifacts-'))
      server = await startServer({
        host: '127.0.0.1',
        port: 0,
        backendStoreUri: `sqlite:///${join(dir, 'orchard.db')}`,
        defaultArtifactRoot: 'mlflow-artifacts:/',
        artifactsDestination: await destination(dir),
        logError: () => {},
      })
      client = new OrchardClient(server.url, { retry: { maxRetries: 0 } })
    })
    after(async () => {
      await client.close()
      await server.close()
      await rm(dir, { recursive: true, force: true })
      await cleanup()
    })

    it('logs a folder and a text file, lists them with the mlflow client and downloads them back', async () => {
      const runId = (await client.createRun('0')).info.runId
      const model = join(dir, 'model')
      await mkdir(model)
      const weights = Buffer.alloc(6 * 1024 * 1024 + 1, 3)
      await writeFile(join(model, 'weights.bin'), weights)
      await writeFile(join(model, 'MLmodel'), 'flavors: {}\n')
      await client.logArtifacts(runId, model, 'model')
      await client.logText(runId, 'rmse 4.2', 'notes.txt')

      const npm = new MLflow({ endpoint: server.url })
      assert.deepEqual((await npm.Artifacts.list({ run_id: runId, path: '' })).files, [
        { path: 'model', is_dir: true },
        { path: 'notes.txt', is_dir: false, file_size: 8 },
      ])
      assert.deepEqual((await npm.Artifacts.list({ run_id: runId, path: 'model' })).files, [
        { path: 'model/MLmodel', is_dir: false, file_size: 12 },
        { path: 'model/weights.bin', is_dir: false, file_size: weights.length },
      ])

      const local = await client.downloadArtifacts(runId, 'model', join(dir, 'download'))
      assert.ok((await readFile(join(local, 'weights.bin'))).equals(weights))
      assert.equal(await readFile(join(local, 'MLmodel'), 'utf8'), 'flavors: {}\n')
    })
  })
}

describeDestination('a local folder', async (dir) => join(dir, 'artifacts'))

let moto: MotoServer | undefined
describeDestination(
  'S3',
  async () => {
    moto ??= await startMoto()
    useMotoEnvironment(moto.endpoint)
    await moto.createBucket('e2e-artifacts')
    return 's3://e2e-artifacts/proxied'
  },
  async () => {
    await moto?.stop()
    moto = undefined
  },
)
