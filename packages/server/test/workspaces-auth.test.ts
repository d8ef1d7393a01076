import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { openStores } from '@orchard/store'
import type { TrackingStore } from '@orchard/store'
import type { Hono } from 'hono'
import { createApp } from '../src/app.ts'

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

// With access control and workspaces both on, the permission check looks names up in the request's
// workspace, and the workspace API's writes are for admins.
describe('workspaces with authentication', () => {
  let dir: string
  let trackingStore: TrackingStore
  let app: Hono
  let teamExperiment: string
  let teamModel: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-workspaces-auth-'))
    const stores = await openStores(`sqlite:///${join(dir, 'orchard.db')}`, { defaultArtifactRoot: 'mlflow-artifacts:/' })
    trackingStore = stores.trackingStore
    await stores.authStore.createUser('root', 'root-password-123', true)
    await stores.authStore.createUser('alice', 'alice-password-123')
    const team = await stores.workspaceStore.createWorkspace({ name: 'team-a' })
    teamExperiment = await trackingStore.forWorkspace(team).createExperiment({ name: 'churn' })
    await trackingStore.createExperiment({ name: 'churn' })
    await stores.authStore.createExperimentPermission(teamExperiment, 'alice', 'READ')
    // In team-b alice may read everything; that must not reach team-a.
    await stores.workspaceStore.createWorkspace({ name: 'team-b' })
    const readers = await stores.authStore.createRole('team-b', 'readers')
    await stores.authStore.addRolePermission(readers.id, 'workspace', '*', 'READ')
    await stores.authStore.assignRole('alice', readers.id)
    teamModel = (await trackingStore.forWorkspace(team).createLoggedModel({ experimentId: teamExperiment, name: 'churn-model' })).modelId
    app = createApp({
      trackingStore,
      registryStore: stores.registryStore,
      workspaces: { store: stores.workspaceStore },
      auth: { store: stores.authStore, settings: { defaultPermission: 'NO_PERMISSIONS' } },
    })
  })
  after(async () => {
    await trackingStore.close()
    await rm(dir, { recursive: true, force: true })
  })

  const call = async (method: string, path: string, user: [string, string], workspace?: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization: basic(...user), 'content-type': 'application/json' }
    if (workspace) headers['X-MLFLOW-WORKSPACE'] = workspace
    const response = await app.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    const text = await response.text()
    let json: { error_code?: string; experiment?: { experiment_id: string } } = {}
    try {
      json = JSON.parse(text) as typeof json
    } catch {
      // the artifact proxy without a destination answers in plain text, as MLflow's does
    }
    return { status: response.status, json }
  }

  it('checks an experiment name in the workspace the header names', async () => {
    const alice: [string, string] = ['alice', 'alice-password-123']
    const inTeam = await call('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=churn', alice, 'team-a')
    assert.equal(inTeam.status, 200)
    assert.equal(inTeam.json.experiment?.experiment_id, teamExperiment)
    const inDefault = await call('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=churn', alice)
    assert.equal(inDefault.status, 403)
    assert.equal(inDefault.json.error_code, 'PERMISSION_DENIED')
  })

  it("checks proxied artifacts under a workspace's root against their experiment", async () => {
    const alice: [string, string] = ['alice', 'alice-password-123']
    const own = await call('GET', `/api/2.0/mlflow-artifacts/artifacts/workspaces/team-a/${teamExperiment}/run/artifacts/model.pkl`, alice, 'team-a')
    assert.notEqual(own.status, 403)
    const other = await call('GET', '/api/2.0/mlflow-artifacts/artifacts/workspaces/team-a/0/run/artifacts/model.pkl', alice, 'team-a')
    assert.equal(other.status, 403)
  })

  it("does not let one workspace's roles reach another workspace's artifacts through the proxy", async () => {
    const alice: [string, string] = ['alice', 'alice-password-123']
    const path = `/api/2.0/mlflow-artifacts/artifacts/workspaces/team-a/${teamExperiment}/run/artifacts/model.pkl`
    // team-b's `*` READ role would pass a check that ignored the workspace.
    const fromB = await call('GET', path, alice, 'team-b')
    assert.equal(fromB.status, 403)
    // A path outside the request's workspace root, naming team-a's experiment, is refused too.
    const unprefixed = await call('GET', `/api/2.0/mlflow-artifacts/artifacts/${teamExperiment}/run/artifacts/model.pkl`, alice, 'team-a')
    assert.equal(unprefixed.status, 403)
    assert.notEqual((await call('GET', path, alice, 'team-a')).status, 403)
  })

  it("answers 404 for a logged model of another workspace, to its owner's grants and to an admin", async () => {
    const alice: [string, string] = ['alice', 'alice-password-123']
    const root: [string, string] = ['root', 'root-password-123']
    assert.equal((await call('GET', `/api/2.0/mlflow/logged-models/${teamModel}`, alice, 'team-a')).status, 200)
    for (const user of [alice, root]) {
      const other = await call('GET', `/api/2.0/mlflow/logged-models/${teamModel}`, user, 'team-b')
      assert.equal(other.status, 404)
      assert.equal(other.json.error_code, 'RESOURCE_DOES_NOT_EXIST')
      const deleted = await call('DELETE', `/api/2.0/mlflow/logged-models/${teamModel}`, user, 'team-b')
      assert.notEqual(deleted.status, 200)
    }
    assert.equal((await call('GET', `/api/2.0/mlflow/logged-models/${teamModel}`, root, 'team-a')).status, 200)
  })

  it('lets any signed-in user list workspaces and only admins create them', async () => {
    assert.equal((await call('GET', '/api/3.0/mlflow/workspaces', ['alice', 'alice-password-123'])).status, 200)
    const refused = await call('POST', '/api/3.0/mlflow/workspaces', ['alice', 'alice-password-123'], undefined, { name: 'team-x' })
    assert.equal(refused.status, 403)
    assert.equal((await call('POST', '/api/3.0/mlflow/workspaces', ['root', 'root-password-123'], undefined, { name: 'team-x' })).status, 201)
  })
})
