import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rejectsWith, storeOpener } from './harness.ts'
import type { StoreHarness } from './harness.ts'

export function describeExperiments(harness: StoreHarness): void {
  describe('experiments', () => {
    const open = storeOpener(harness)

    it('has the Default experiment with id 0', async () => {
      const { store } = await open()
      const experiment = await store.getExperiment('0')
      assert.equal(experiment.name, 'Default')
      assert.equal(experiment.artifactLocation, 'mlflow-artifacts:/0')
      assert.equal(experiment.lifecycleStage, 'active')
      assert.deepEqual((await store.getExperimentByName('Default'))?.experimentId, '0')
    })

    it('creates experiments with integer ids, default artifact locations and tags', async () => {
      const { store, clock } = await open()
      const id = await store.createExperiment({ name: 'first', tags: [{ key: 'team', value: 'a' }, { key: 'team', value: 'b' }] })
      assert.match(id, /^[1-9]\d*$/)
      const experiment = await store.getExperiment(id)
      assert.deepEqual(experiment, {
        experimentId: id,
        name: 'first',
        artifactLocation: `mlflow-artifacts:/${id}`,
        lifecycleStage: 'active',
        creationTime: clock.time,
        lastUpdateTime: clock.time,
        tags: [{ key: 'team', value: 'b' }],
      })
      const other = await store.createExperiment({ name: 'second', artifactLocation: 's3://bucket/somewhere' })
      assert.equal(Number(other), Number(id) + 1)
      assert.equal((await store.getExperiment(other)).artifactLocation, 's3://bucket/somewhere')
    })

    it('refuses a name that is taken, even by a deleted experiment', async () => {
      const { store } = await open()
      const id = await store.createExperiment({ name: 'taken' })
      await rejectsWith(store.createExperiment({ name: 'taken' }), 'RESOURCE_ALREADY_EXISTS', 'Experiment(name=taken) already exists')
      await store.deleteExperiment(id)
      await rejectsWith(store.createExperiment({ name: 'taken' }), 'RESOURCE_ALREADY_EXISTS', 'taken')
      assert.equal((await store.getExperimentByName('taken'))?.lifecycleStage, 'deleted')
    })

    it('lets exactly one of several concurrent creations of a name succeed', async () => {
      const { store } = await open()
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => store.createExperiment({ name: 'race' })))
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
      for (const result of results) {
        if (result.status === 'rejected') assert.equal((result.reason as { code?: string }).code, 'RESOURCE_ALREADY_EXISTS')
      }
    })

    it('reports unknown experiment ids as RESOURCE_DOES_NOT_EXIST', async () => {
      const { store } = await open()
      await rejectsWith(store.getExperiment('999'), 'RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=999 exists')
      await rejectsWith(store.getExperiment('abc'), 'RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=abc exists')
      await rejectsWith(store.getExperiment('99999999999'), 'RESOURCE_DOES_NOT_EXIST', 'id=99999999999')
      assert.equal(await store.getExperimentByName('nope'), undefined)
    })

    it('renames an active experiment and refuses taken names and deleted experiments', async () => {
      const { store, clock } = await open()
      const id = await store.createExperiment({ name: 'old' })
      await store.createExperiment({ name: 'other' })
      clock.advance(5)
      await store.renameExperiment(id, 'new')
      const renamed = await store.getExperiment(id)
      assert.equal(renamed.name, 'new')
      assert.equal(renamed.lastUpdateTime, clock.time)
      await store.renameExperiment(id, 'new')
      await rejectsWith(store.renameExperiment(id, 'other'), 'RESOURCE_ALREADY_EXISTS', 'other')
      await store.deleteExperiment(id)
      await rejectsWith(store.renameExperiment(id, 'newer'), 'INVALID_STATE', 'Cannot rename a non-active experiment')
      await rejectsWith(store.renameExperiment('404', 'x'), 'RESOURCE_DOES_NOT_EXIST', 'id=404')
    })

    it('deletes and restores an experiment together with its runs', async () => {
      const { store } = await open()
      const id = await store.createExperiment({ name: 'lifecycle' })
      const run = await store.createRun({ experimentId: id })
      await store.deleteExperiment(id)
      assert.equal((await store.getExperiment(id)).lifecycleStage, 'deleted')
      assert.equal((await store.getRun(run.info.runId)).info.lifecycleStage, 'deleted')
      await rejectsWith(store.deleteExperiment(id), 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`)
      await store.restoreExperiment(id)
      assert.equal((await store.getExperiment(id)).lifecycleStage, 'active')
      assert.equal((await store.getRun(run.info.runId)).info.lifecycleStage, 'active')
      await rejectsWith(store.restoreExperiment(id), 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`)
      await rejectsWith(store.deleteExperiment('777'), 'RESOURCE_DOES_NOT_EXIST', 'id=777')
    })

    it('sets, overwrites and deletes experiment tags on active experiments only', async () => {
      const { store } = await open()
      const id = await store.createExperiment({ name: 'tagged' })
      await store.setExperimentTag(id, { key: 'k', value: 'v1' })
      await store.setExperimentTag(id, { key: 'k', value: 'v2' })
      await store.setExperimentTag(id, { key: 'a', value: 'x' })
      assert.deepEqual((await store.getExperiment(id)).tags, [
        { key: 'a', value: 'x' },
        { key: 'k', value: 'v2' },
      ])
      await store.deleteExperimentTag(id, 'k')
      assert.deepEqual((await store.getExperiment(id)).tags, [{ key: 'a', value: 'x' }])
      await rejectsWith(store.deleteExperimentTag(id, 'k'), 'RESOURCE_DOES_NOT_EXIST', `No tag with name: k in experiment with id ${id}`)
      await store.deleteExperiment(id)
      await rejectsWith(store.setExperimentTag(id, { key: 'k', value: 'v' }), 'INVALID_PARAMETER_VALUE', "must be in the 'active' state")
      await rejectsWith(store.deleteExperimentTag(id, 'a'), 'INVALID_PARAMETER_VALUE', "must be in the 'active' state")
      await rejectsWith(store.setExperimentTag('555', { key: 'k', value: 'v' }), 'RESOURCE_DOES_NOT_EXIST', 'id=555')
    })
  })
}
