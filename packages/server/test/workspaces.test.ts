import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { openStores } from '@orchard/store'
import type { TrackingStore } from '@orchard/store'
import type { Hono } from 'hono'
import { createApp } from '../src/app.ts'

// `orchard server --enable-workspaces`: MLflow 3.10's workspace API and the X-MLFLOW-WORKSPACE header.
describe('workspaces', () => {
  let dir: string
  let trackingStore: TrackingStore
  let app: Hono
  let plain: Hono
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-workspaces-'))
    const stores = await openStores(`sqlite:///${join(dir, 'orchard.db')}`, { defaultArtifactRoot: 'mlflow-artifacts:/' })
    trackingStore = stores.trackingStore
    const base = { trackingStore, registryStore: stores.registryStore, artifactsDestination: join(dir, 'artifacts') }
    app = createApp({ ...base, workspaces: { store: stores.workspaceStore } })
    plain = createApp(base)
  })
  after(async () => {
    await trackingStore.close()
    await rm(dir, { recursive: true, force: true })
  })

  async function call(method: string, path: string, options: { body?: unknown; workspace?: string; on?: Hono } = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (options.workspace) headers['X-MLFLOW-WORKSPACE'] = options.workspace
    const url = path.startsWith('/') ? path : `/api/2.0/mlflow/${path}`
    const init: RequestInit = { method, headers }
    if (options.body !== undefined) init.body = JSON.stringify(options.body)
    const response = await (options.on ?? app).request(url, init)
    const text = await response.text()
    assert.ok(response.status < 500, `server error ${response.status}: ${text}`)
    return { status: response.status, json: text ? JSON.parse(text) : undefined }
  }

  it('reports workspaces_enabled in server-info', async () => {
    assert.equal((await call('GET', '/api/3.0/mlflow/server-info')).json.workspaces_enabled, true)
    assert.equal((await call('GET', '/api/3.0/mlflow/server-info', { on: plain })).json.workspaces_enabled, false)
  })

  it('serves the workspace API with MLflow statuses and shapes', async () => {
    const created = await call('POST', '/api/3.0/mlflow/workspaces', { body: { name: 'team-a', description: 'Team A' } })
    assert.equal(created.status, 201)
    assert.deepEqual(created.json, { workspace: { name: 'team-a', description: 'Team A' } })
    const listed = await call('GET', '/api/3.0/mlflow/workspaces')
    assert.deepEqual(
      listed.json.workspaces.map((w: { name: string }) => w.name),
      ['default', 'team-a'],
    )
    assert.deepEqual((await call('GET', '/api/3.0/mlflow/workspaces/team-a')).json, { workspace: { name: 'team-a', description: 'Team A' } })
    const updated = await call('PATCH', '/api/3.0/mlflow/workspaces/team-a', { body: { default_artifact_root: 's3://bucket/team-a' } })
    assert.deepEqual(updated.json, { workspace: { name: 'team-a', description: 'Team A', default_artifact_root: 's3://bucket/team-a' } })
    const duplicate = await call('POST', '/api/3.0/mlflow/workspaces', { body: { name: 'team-a' } })
    assert.equal(duplicate.status, 400)
    assert.equal(duplicate.json.error_code, 'RESOURCE_ALREADY_EXISTS')
    const missing = await call('GET', '/ajax-api/3.0/mlflow/workspaces/nope')
    assert.equal(missing.status, 404)
    assert.equal(missing.json.error_code, 'RESOURCE_DOES_NOT_EXIST')
  })

  it('refuses bad names, and deleting default', async () => {
    for (const [name, fragment] of [
      ['A', 'must be between 2 and 63 characters'],
      ['Team_A', 'must match the pattern'],
      ['a--b', 'must match the pattern'],
      ['api', 'is reserved'],
    ]) {
      const reply = await call('POST', '/api/3.0/mlflow/workspaces', { body: { name } })
      assert.equal(reply.status, 400, name)
      assert.equal(reply.json.error_code, 'INVALID_PARAMETER_VALUE')
      assert.match(reply.json.message, new RegExp(fragment as string))
    }
    const reserved = await call('DELETE', '/api/3.0/mlflow/workspaces/default')
    assert.equal(reserved.status, 400)
    assert.match(reserved.json.message, /reserved 'default'/)
    const badMode = await call('DELETE', '/api/3.0/mlflow/workspaces/team-a?mode=EVERYTHING')
    assert.equal(badMode.status, 400)
    assert.equal(badMode.json.error_code, 'INVALID_PARAMETER_VALUE')
    const badHeader = await call('GET', 'experiments/search?max_results=5', { workspace: 'Not A Name' })
    assert.equal(badHeader.status, 400)
    assert.match(badHeader.json.message, /must match the pattern/)
    const unknown = await call('GET', 'experiments/search?max_results=5', { workspace: 'nowhere' })
    assert.equal(unknown.status, 404)
    assert.match(unknown.json.message, /Workspace 'nowhere' not found/)
  })

  it('scopes experiments, runs and models to the header, default without it', async () => {
    await call('POST', '/api/3.0/mlflow/workspaces', { body: { name: 'team-b' } })
    const inB = await call('POST', 'experiments/create', { body: { name: 'churn' }, workspace: 'team-b' })
    const inDefault = await call('POST', 'experiments/create', { body: { name: 'churn' } })
    assert.equal(inB.status, 200)
    assert.equal(inDefault.status, 200)
    const fromB = await call('GET', `experiments/get?experiment_id=${inB.json.experiment_id}`, { workspace: 'team-b' })
    assert.equal(fromB.json.experiment.artifact_location, `mlflow-artifacts:/workspaces/team-b/${inB.json.experiment_id}`)
    const crossed = await call('GET', `experiments/get?experiment_id=${inB.json.experiment_id}`)
    assert.equal(crossed.status, 404)
    assert.equal(crossed.json.error_code, 'RESOURCE_DOES_NOT_EXIST')
    const byName = await call('GET', 'experiments/get-by-name?experiment_name=churn', { workspace: 'team-b' })
    assert.equal(byName.json.experiment.experiment_id, inB.json.experiment_id)

    const run = await call('POST', 'runs/create', { body: { experiment_id: inB.json.experiment_id }, workspace: 'team-b' })
    const runId = run.json.run.info.run_id
    assert.equal((await call('GET', `runs/get?run_id=${runId}`, { workspace: 'team-b' })).status, 200)
    const otherRun = await call('GET', `runs/get?run_id=${runId}`)
    assert.equal(otherRun.status, 404)
    assert.equal(otherRun.json.error_code, 'RESOURCE_DOES_NOT_EXIST')
    const graphql = (workspace?: string) =>
      call('POST', '/graphql', {
        body: { query: `{ mlflowGetRun(input: { runId: "${runId}" }) { run { info { runUuid } } apiError { code } } }` },
        ...(workspace ? { workspace } : {}),
      })
    assert.equal((await graphql('team-b')).json.data.mlflowGetRun.run.info.runUuid, runId)
    const graphqlElsewhere = await graphql()
    assert.equal(graphqlElsewhere.json.data.mlflowGetRun, null)
    assert.deepEqual(graphqlElsewhere.json.errors, [`Run with id=${runId} not found`])
    const download = await call('GET', `/get-artifact?path=model.pkl&run_uuid=${runId}`)
    assert.equal(download.status, 404)
    assert.match(download.json.message, new RegExp(`Run with id=${runId} not found`))
    const downloadInB = await call('GET', `/get-artifact?path=model.pkl&run_uuid=${runId}`, { workspace: 'team-b' })
    assert.doesNotMatch(JSON.stringify(downloadInB.json), /Run with id=/)
    const logged = await call('POST', 'runs/log-metric', { body: { run_id: runId, key: 'k', value: 1, timestamp: 1 }, workspace: 'default' })
    assert.equal(logged.status, 404)

    const custom = await call('POST', 'experiments/create', { body: { name: 'custom', artifact_location: '/tmp/x' }, workspace: 'team-b' })
    assert.equal(custom.status, 400)
    assert.equal(custom.json.error_code, 'INVALID_PARAMETER_VALUE')

    assert.equal((await call('POST', 'registered-models/create', { body: { name: 'scorer' }, workspace: 'team-b' })).status, 200)
    assert.equal((await call('POST', 'registered-models/create', { body: { name: 'scorer' } })).status, 200)
    const version = await call('POST', 'model-versions/create', { body: { name: 'scorer', source: 'mlflow-artifacts:/x' }, workspace: 'team-b' })
    assert.equal(version.json.model_version.version, '1')
    assert.equal((await call('GET', 'model-versions/get?name=scorer&version=1')).status, 404)
    const searched = await call('GET', 'registered-models/search?max_results=10', { workspace: 'team-b' })
    assert.deepEqual(
      searched.json.registered_models.map((m: { name: string }) => m.name),
      ['scorer'],
    )

    const restricted = await call('DELETE', '/api/3.0/mlflow/workspaces/team-b')
    assert.equal(restricted.status, 400)
    assert.equal(restricted.json.error_code, 'INVALID_PARAMETER_VALUE')
    assert.match(restricted.json.message, /still contains 1 experiment\(s\) and 1 registered model\(s\)/)
    const cascaded = await call('DELETE', '/api/3.0/mlflow/workspaces/team-b?mode=CASCADE')
    assert.equal(cascaded.status, 204)
    assert.equal((await call('GET', `runs/get?run_id=${runId}`, { workspace: 'default' })).status, 404)
  })

  it('is not served without --enable-workspaces, and the header is then ignored', async () => {
    assert.equal((await call('GET', '/api/3.0/mlflow/workspaces', { on: plain })).json.error_code, 'ENDPOINT_NOT_FOUND')
    const search = await call('GET', 'experiments/get-by-name?experiment_name=churn', { on: plain, workspace: 'elsewhere' })
    assert.equal(search.status, 200)
  })
})
