import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { startServer } from '@orchard/server'
import type { RunningServer } from '@orchard/server'
import { RestTransport } from '../src/index.ts'
import { rejectsWith } from './harness.ts'

// Listing artifacts is a REST-only read (what the UI needs); the files are put straight into the
// server's artifacts destination, where `mlflow-artifacts:/` URIs lead.

let dir: string
let server: RunningServer
let transport: RestTransport
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orchard-sdk-artifacts-'))
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    backendStoreUri: `sqlite:///${join(dir, 'orchard.db')}`,
    defaultArtifactRoot: 'mlflow-artifacts:/',
    artifactsDestination: join(dir, 'artifacts'),
    logError: () => {},
  })
  transport = new RestTransport(server.url, { retry: { maxRetries: 0 } })
})
after(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

test('listArtifacts lists one level of a run’s artifacts, with sizes for files', async () => {
  const run = await transport.createRun({ experimentId: '0' })
  const root = join(dir, 'artifacts', run.info.artifactUri.replace(/^mlflow-artifacts:\/+/, ''))
  await mkdir(join(root, 'model'), { recursive: true })
  await writeFile(join(root, 'model', 'MLmodel'), 'flavors: {}\n')
  await writeFile(join(root, 'metrics.json'), '{"rmse": 0.8}')
  const top = await transport.listArtifacts(run.info.runId)
  assert.equal(top.rootUri, run.info.artifactUri)
  assert.deepEqual(top.files, [
    { path: 'metrics.json', isDir: false, fileSize: 13 },
    { path: 'model', isDir: true },
  ])
  const model = await transport.listArtifacts(run.info.runId, { path: 'model' })
  assert.deepEqual(model.files, [{ path: 'model/MLmodel', isDir: false, fileSize: 12 }])
  assert.deepEqual((await transport.listArtifacts(run.info.runId, { path: 'absent' })).files, [])
})

test('listArtifacts of an unknown run is RESOURCE_DOES_NOT_EXIST', async () => {
  await rejectsWith(transport.listArtifacts('0123456789abcdef0123456789abcdef'), 'RESOURCE_DOES_NOT_EXIST')
})
