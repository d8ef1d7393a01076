import assert from 'node:assert/strict'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startServer } from '../src/start.ts'
import type { RunningServer } from '../src/start.ts'

// Copy on register, over a real server with the artifact proxy: the registered version keeps its
// files after its run is deleted and garbage-collected.

let dir: string
let server: RunningServer
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orchard-registry-copy-'))
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    backendStoreUri: `sqlite:///${join(dir, 'orchard.db')}`,
    defaultArtifactRoot: 'mlflow-artifacts:/',
    artifactsDestination: join(dir, 'artifacts'),
  })
})
after(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${server.url}/api/2.0/mlflow/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, json: await response.json() }
}

const proxied = (uri: string) => `${server.url}/api/2.0/mlflow-artifacts/artifacts/${uri.replace(/^mlflow-artifacts:\/+/, '')}`

async function upload(artifactUri: string, path: string, text: string): Promise<void> {
  const response = await fetch(`${proxied(artifactUri)}/${path}`, { method: 'PUT', body: text })
  assert.equal(response.status, 200)
}

describe('copy on register', () => {
  it('keeps a version registered from runs:/ readable after its run is deleted and garbage-collected', async () => {
    const run = (await api('POST', 'runs/create', { experiment_id: '0' })).json.run.info
    await upload(run.artifact_uri, 'model/MLmodel', 'flavors: {}\n')
    await upload(run.artifact_uri, 'model/data/weights.bin', 'w'.repeat(1000))
    await api('POST', 'registered-models/create', { name: 'fraud/detector' })

    const fromRuns = await api('POST', 'model-versions/create', { name: 'fraud/detector', source: `runs:/${run.run_id}/model` })
    assert.equal(fromRuns.status, 200)
    assert.deepEqual([fromRuns.json.model_version.source, fromRuns.json.model_version.run_id], [`runs:/${run.run_id}/model`, run.run_id])
    // What MLflow's Python client sends after resolving runs:/ itself: the location and the run id.
    const resolved = await api('POST', 'model-versions/create', { name: 'fraud/detector', source: `${run.artifact_uri}/model`, run_id: run.run_id })
    assert.equal(resolved.status, 200)

    const uris = await Promise.all(['1', '2'].map(async (version) => (await api('GET', `model-versions/get-download-uri?name=fraud%2Fdetector&version=${version}`)).json.artifact_uri as string))
    for (const uri of uris) assert.match(uri, /^mlflow-artifacts:\/registry\/fraud_detector\/[0-9a-f-]{36}$/)
    assert.notEqual(uris[0], uris[1])

    assert.equal((await api('POST', 'runs/delete', { run_id: run.run_id })).status, 200)
    const collected = await server.trackingStore.garbageCollect({ runIds: [run.run_id] })
    assert.deepEqual(collected.runs.map((r) => r.runId), [run.run_id])
    // What `orchard gc` then does with the run's files.
    const runFolder = join(dir, 'artifacts', '0', run.run_id)
    await rm(runFolder, { recursive: true })
    await assert.rejects(stat(runFolder))

    for (const uri of uris) {
      const model = await fetch(`${proxied(uri)}/MLmodel`)
      assert.deepEqual([model.status, await model.text()], [200, 'flavors: {}\n'])
      assert.equal((await (await fetch(`${proxied(uri)}/data/weights.bin`)).text()).length, 1000)
    }
    const resolvedVersion = await api('GET', 'model-versions/get?name=fraud%2Fdetector&version=1')
    assert.equal(resolvedVersion.json.model_version.source, `runs:/${run.run_id}/model`, 'the source stays what the client sent')
  })

  it('registers a runs:/ source with no files yet at the run’s own location, as MLflow does', async () => {
    const run = (await api('POST', 'runs/create', { experiment_id: '0' })).json.run.info
    await api('POST', 'registered-models/create', { name: 'not-yet' })
    const created = await api('POST', 'model-versions/create', { name: 'not-yet', source: `runs:/${run.run_id}/model` })
    assert.equal(created.status, 200, JSON.stringify(created.json))
    assert.equal(created.json.model_version.run_id, run.run_id)
    const uri = await api('GET', 'model-versions/get-download-uri?name=not-yet&version=1')
    assert.equal(uri.json.artifact_uri, `${run.artifact_uri}/model`)
  })

  it('accepts, as MLflow, a runs:/ source of an unknown run or of another run than run_id', async () => {
    const run = (await api('POST', 'runs/create', { experiment_id: '0' })).json.run.info
    await api('POST', 'registered-models/create', { name: 'lenient' })
    const unknown = await api('POST', 'model-versions/create', { name: 'lenient', source: 'runs:/nope/model' })
    assert.equal(unknown.status, 200, JSON.stringify(unknown.json))
    const uri = await api('GET', 'model-versions/get-download-uri?name=lenient&version=1')
    assert.equal(uri.json.artifact_uri, 'runs:/nope/model', 'nothing to copy: the version keeps its source')
    const mismatch = await api('POST', 'model-versions/create', { name: 'lenient', source: `runs:/${run.run_id}/model`, run_id: 'other' })
    assert.equal(mismatch.status, 200, JSON.stringify(mismatch.json))
    assert.equal(mismatch.json.model_version.run_id, 'other')
  })
})
