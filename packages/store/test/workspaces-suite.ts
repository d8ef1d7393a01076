import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol'
import type { ErrorCode } from '@orchard/protocol'
import { openStores, upgradeTrackingStore } from '../src/index.ts'
import { migrate, loadMigrations } from '../src/migrations/runner.ts'
import { connect } from '../src/open-tracking-store.ts'
import { parseStoreUri } from '../src/store-uri.ts'
import type { RegistryStore, TrackingStore, WorkspaceStore } from '../src/index.ts'

const rejectsWith = (promise: Promise<unknown>, code: ErrorCode, fragment: string) =>
  assert.rejects(promise, (error: unknown) => isOrchardError(error) && error.code === code && error.message.includes(fragment))

/** Workspaces (migration 010) on one database: scoping, CRUD, deletion modes. */
export function describeWorkspaces(label: string, newDatabaseUri: () => Promise<string>): void {
  describe(`workspaces on ${label}`, () => {
    const opened: { close(): Promise<void> }[] = []
    after(async () => {
      for (const store of opened) await store.close()
    })
    async function open(): Promise<{ tracking: TrackingStore; registry: RegistryStore; workspaces: WorkspaceStore }> {
      const stores = await openStores(await newDatabaseUri(), { defaultArtifactRoot: 's3://bucket/root' })
      opened.push(stores.trackingStore)
      return { tracking: stores.trackingStore, registry: stores.registryStore, workspaces: stores.workspaceStore }
    }

    it('upgrades a database made before workspaces without losing a row, and keeps the cascades', async () => {
      const uri = await newDatabaseUri()
      const { db, dialect } = connect(parseStoreUri(uri))
      try {
        await migrate(db, dialect, loadMigrations(dialect), 1, 8)
        await db.run(
          `INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES ('old', 's3://b/old', 'active', 1, 1)`,
        )
        await db.run(
          `INSERT INTO runs (run_id, experiment_id, name, user_id, status, artifact_uri, lifecycle_stage)
           SELECT 'r1', experiment_id, 'run', 'u', 'FINISHED', 's3://b/old/r1', 'active' FROM experiments WHERE name = 'old'`,
        )
        await db.run(`INSERT INTO params (run_key, key, value) SELECT run_key, 'lr', '0.1' FROM runs WHERE run_id = 'r1'`)
        await db.run(`INSERT INTO registered_models (name, creation_time, last_updated_time, next_version) VALUES ('old-model', 1, 1, 2)`)
        await db.run(
          `INSERT INTO model_versions (registered_model_id, version, creation_time, last_updated_time, current_stage, source) SELECT registered_model_id, 1, 1, 1, 'None', 's3://m' FROM registered_models`,
        )
      } finally {
        await db.close()
      }
      await upgradeTrackingStore(uri)
      const stores = await openStores(uri)
      opened.push(stores.trackingStore)
      const run = await stores.trackingStore.getRun('r1')
      assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.1' }])
      const oldId = (await stores.trackingStore.getExperimentByName('old'))?.experimentId ?? ''
      assert.equal(run.info.experimentId, oldId)
      assert.equal((await stores.registryStore.getModelVersion('old-model', '1')).source, 's3://m')
      // The next experiment id continues after the old ones.
      assert.ok(Number(await stores.trackingStore.createExperiment({ name: 'new' })) > Number(oldId))
      // Foreign keys still point at the rebuilt tables: deleting a model removes its versions.
      await stores.registryStore.deleteRegisteredModel('old-model')
      await stores.registryStore.createRegisteredModel({ name: 'old-model' })
      await rejectsWith(stores.registryStore.getModelVersion('old-model', '1'), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      await stores.trackingStore.deleteExperiment(oldId)
      await stores.trackingStore.garbageCollect({ experimentIds: [oldId] })
      await rejectsWith(stores.trackingStore.getRun('r1'), 'RESOURCE_DOES_NOT_EXIST', 'not found')
    })

    it('has the default workspace from the start and keeps it', async () => {
      const { workspaces } = await open()
      assert.deepEqual((await workspaces.listWorkspaces()).map((w) => w.name), ['default'])
      await rejectsWith(workspaces.deleteWorkspace('default', 'CASCADE'), 'INVALID_PARAMETER_VALUE', "reserved 'default'")
    })

    it('creates, updates, lists and refuses a duplicate', async () => {
      const { workspaces } = await open()
      assert.deepEqual(await workspaces.createWorkspace({ name: 'team-a', description: 'A' }), { name: 'team-a', description: 'A' })
      await rejectsWith(workspaces.createWorkspace({ name: 'team-a' }), 'RESOURCE_ALREADY_EXISTS', "Workspace 'team-a' already exists")
      assert.deepEqual(await workspaces.updateWorkspace('team-a', { defaultArtifactRoot: 's3://a' }), {
        name: 'team-a',
        description: 'A',
        defaultArtifactRoot: 's3://a',
      })
      assert.deepEqual(await workspaces.updateWorkspace('team-a', { description: '' }), { name: 'team-a', defaultArtifactRoot: 's3://a' })
      await rejectsWith(workspaces.getWorkspace('nope'), 'RESOURCE_DOES_NOT_EXIST', "Workspace 'nope' not found")
      await rejectsWith(workspaces.updateWorkspace('nope', {}), 'RESOURCE_DOES_NOT_EXIST', "Workspace 'nope' not found")
      assert.deepEqual((await workspaces.listWorkspaces()).map((w) => w.name), ['default', 'team-a'])
    })

    it('lets two workspaces hold the same experiment and model names, and hides each from the other', async () => {
      const { tracking, registry, workspaces } = await open()
      const teamA = await workspaces.createWorkspace({ name: 'team-a' })
      const a = tracking.forWorkspace(teamA)
      const home = tracking.forWorkspace({ name: 'default' })
      const idA = await a.createExperiment({ name: 'churn' })
      const idHome = await home.createExperiment({ name: 'churn' })
      assert.notEqual(idA, idHome)
      assert.equal((await a.getExperimentByName('churn'))?.experimentId, idA)
      assert.equal((await home.getExperimentByName('churn'))?.experimentId, idHome)
      // Unscoped (workspaces off) sees `default` by name, as before.
      assert.equal((await tracking.getExperimentByName('churn'))?.experimentId, idHome)
      assert.equal((await a.getExperiment(idA)).artifactLocation, `s3://bucket/root/workspaces/team-a/${idA}`)
      assert.equal((await home.getExperiment(idHome)).artifactLocation, `s3://bucket/root/${idHome}`)
      await rejectsWith(a.getExperiment(idHome), 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${idHome}`)
      await rejectsWith(a.createExperiment({ name: 'churn' }), 'RESOURCE_ALREADY_EXISTS', 'Experiment(name=churn) already exists')
      await rejectsWith(a.createExperiment({ name: 'x', artifactLocation: 's3://elsewhere' }), 'INVALID_PARAMETER_VALUE', 'artifact_location')

      const run = await home.createRun({ experimentId: idHome })
      await rejectsWith(a.getRun(run.info.runId), 'RESOURCE_DOES_NOT_EXIST', `Run with id=${run.info.runId} not found`)
      await rejectsWith(a.logBatch(run.info.runId, { params: [{ key: 'k', value: 'v' }] }), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      await rejectsWith(a.createRun({ experimentId: idHome }), 'RESOURCE_DOES_NOT_EXIST', 'No Experiment')
      assert.equal((await a.searchRuns({ experimentIds: [idHome], runViewType: 'ALL', maxResults: 10 })).items.length, 0)
      assert.equal((await home.searchRuns({ experimentIds: [idHome], runViewType: 'ALL', maxResults: 10 })).items.length, 1)
      const namesIn = async (store: TrackingStore) =>
        (await store.searchExperiments({ viewType: 'ALL', maxResults: 100 })).items.map((e) => e.name).sort()
      assert.deepEqual(await namesIn(a), ['churn'])
      assert.deepEqual(await namesIn(home), ['Default', 'churn'])

      const model = await a.createLoggedModel({ experimentId: idA, name: 'm' })
      await rejectsWith(home.getLoggedModel(model.modelId), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      assert.equal((await a.getLoggedModel(model.modelId)).modelId, model.modelId)

      const registryA = registry.forWorkspace(teamA)
      const registryHome = registry.forWorkspace({ name: 'default' })
      await registryA.createRegisteredModel({ name: 'scorer', description: 'a' })
      await registryHome.createRegisteredModel({ name: 'scorer', description: 'home' })
      await registryA.createModelVersion({ name: 'scorer', source: 's3://x' })
      assert.equal((await registryA.getRegisteredModel('scorer')).description, 'a')
      assert.equal((await registryHome.getRegisteredModel('scorer')).description, 'home')
      assert.equal((await registryA.getModelVersion('scorer', '1')).version, '1')
      await rejectsWith(registryHome.getModelVersion('scorer', '1'), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      const only = await registryA.createRegisteredModel({ name: 'only-a' })
      assert.equal(only.name, 'only-a')
      await rejectsWith(registryHome.getRegisteredModel('only-a'), 'RESOURCE_DOES_NOT_EXIST', 'name=only-a not found')
      assert.deepEqual((await registryHome.searchRegisteredModels({ maxResults: 10 })).items.map((m) => m.name), ['scorer'])
      assert.deepEqual((await registryA.searchModelVersions({ maxResults: 10 })).items.map((v) => v.name), ['scorer'])
      assert.equal((await registryHome.searchModelVersions({ maxResults: 10 })).items.length, 0)
      const eventsHome = await registryHome.searchRegistryEvents({ name: 'scorer', maxResults: 50 })
      assert.deepEqual(eventsHome.items.map((e) => e.action), ['CREATE'])
    })

    it('deletes a workspace only when empty (RESTRICT), with its contents (CASCADE) or into default (SET_DEFAULT)', async () => {
      const { tracking, registry, workspaces } = await open()
      const team = await workspaces.createWorkspace({ name: 'team-b' })
      const store = tracking.forWorkspace(team)
      const id = await store.createExperiment({ name: 'moved' })
      const run = await store.createRun({ experimentId: id })
      await store.logMetric(run.info.runId, { key: 'loss', value: 1, timestamp: 1, step: 0 })
      await registry.forWorkspace(team).createRegisteredModel({ name: 'moved-model' })
      await rejectsWith(workspaces.deleteWorkspace('team-b', 'RESTRICT'), 'INVALID_PARAMETER_VALUE', '1 experiment(s) and 1 registered model(s)')
      await workspaces.deleteWorkspace('team-b', 'SET_DEFAULT')
      assert.equal((await tracking.forWorkspace({ name: 'default' }).getRun(run.info.runId)).info.experimentId, id)
      assert.equal((await registry.getRegisteredModel('moved-model')).name, 'moved-model')
      await rejectsWith(workspaces.getWorkspace('team-b'), 'RESOURCE_DOES_NOT_EXIST', 'not found')

      const clash = await workspaces.createWorkspace({ name: 'team-c' })
      await tracking.forWorkspace(clash).createExperiment({ name: 'moved' })
      await rejectsWith(workspaces.deleteWorkspace('team-c', 'SET_DEFAULT'), 'INVALID_PARAMETER_VALUE', "'moved' exists in both")
      const cascadeRun = await tracking.forWorkspace(clash).createRun({ experimentId: (await tracking.forWorkspace(clash).getExperimentByName('moved'))?.experimentId ?? '' })
      await workspaces.deleteWorkspace('team-c', 'CASCADE')
      await rejectsWith(tracking.getRun(cascadeRun.info.runId), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      assert.equal((await tracking.getExperimentByName('moved'))?.experimentId, id)
    })
  })
}
