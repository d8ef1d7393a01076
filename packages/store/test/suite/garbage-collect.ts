import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rejectsWith, storeOpener } from './harness.ts'
import type { StoreHarness } from './harness.ts'

const DAY = 86_400_000

export function describeGarbageCollect(harness: StoreHarness): void {
  describe('garbage collection', () => {
    const open = storeOpener(harness)

    it('removes deleted runs with all their rows, and returns their artifact locations', async () => {
      const { store } = await open()
      const kept = (await store.createRun({ experimentId: '0' })).info
      const gone = (await store.createRun({ experimentId: '0' })).info
      await store.logBatch(gone.runId, {
        metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
        params: [{ key: 'p', value: 'v' }],
      })
      await store.logInputs(gone.runId, [{ dataset: { name: 'd', digest: 'x', sourceType: 's', source: 's' }, tags: [] }])
      await store.deleteRun(gone.runId)
      const removed = await store.garbageCollect({})
      assert.deepEqual(removed, { runs: [{ runId: gone.runId, artifactUri: gone.artifactUri }], experimentIds: [] })
      await rejectsWith(store.getRun(gone.runId), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      assert.equal((await store.getRun(kept.runId)).info.lifecycleStage, 'active')
      assert.deepEqual(await store.garbageCollect({}), { runs: [], experimentIds: [] })
    })

    it('removes deleted experiments with their runs so their names can be used again', async () => {
      const { store } = await open()
      const experimentId = await store.createExperiment({ name: 'reuse-me' })
      const run = (await store.createRun({ experimentId })).info
      await store.logMetric(run.runId, { key: 'm', value: 1, timestamp: 1, step: 0 })
      await store.deleteExperiment(experimentId)
      const removed = await store.garbageCollect({ experimentIds: [experimentId] })
      assert.deepEqual(removed, { runs: [{ runId: run.runId, artifactUri: run.artifactUri }], experimentIds: [experimentId] })
      await rejectsWith(store.getExperiment(experimentId), 'RESOURCE_DOES_NOT_EXIST', 'No Experiment')
      const again = await store.createExperiment({ name: 'reuse-me' })
      assert.notEqual(again, experimentId)
    })

    it('honours olderThanMs using the time of deletion', async () => {
      const { store, clock } = await open()
      const old = (await store.createRun({ experimentId: '0' })).info.runId
      const oldExperiment = await store.createExperiment({ name: 'old' })
      await store.deleteRun(old)
      await store.deleteExperiment(oldExperiment)
      clock.advance(10 * DAY)
      const recent = (await store.createRun({ experimentId: '0' })).info.runId
      await store.deleteRun(recent)
      clock.advance(DAY)
      const removed = await store.garbageCollect({ olderThanMs: 5 * DAY })
      assert.deepEqual(removed.runs.map((r) => r.runId), [old])
      assert.deepEqual(removed.experimentIds, [oldExperiment])
      assert.equal((await store.getRun(recent)).info.lifecycleStage, 'deleted')
      await rejectsWith(
        store.garbageCollect({ olderThanMs: 5 * DAY, experimentIds: [await deletedExperiment()] }),
        'INVALID_PARAMETER_VALUE',
        'not older than the required age',
      )
      async function deletedExperiment() {
        const id = await store.createExperiment({ name: 'fresh' })
        await store.deleteExperiment(id)
        return id
      }
    })

    it('refuses named runs and experiments that are not deleted, removing nothing', async () => {
      const { store } = await open()
      const active = (await store.createRun({ experimentId: '0' })).info.runId
      const deleted = (await store.createRun({ experimentId: '0' })).info.runId
      await store.deleteRun(deleted)
      await rejectsWith(
        store.garbageCollect({ runIds: [deleted, active] }),
        'INVALID_PARAMETER_VALUE',
        `Run ${active} is not in \`deleted\` lifecycle stage`,
      )
      assert.equal((await store.getRun(deleted)).info.lifecycleStage, 'deleted')
      await rejectsWith(store.garbageCollect({ experimentIds: ['0'] }), 'INVALID_PARAMETER_VALUE', "Experiments ['0'] are not in the deleted lifecycle stage")
      await rejectsWith(store.garbageCollect({ experimentIds: ['999'] }), 'RESOURCE_DOES_NOT_EXIST', 'id=999')
      await rejectsWith(store.garbageCollect({ runIds: ['a'.repeat(32)] }), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      assert.deepEqual((await store.garbageCollect({ runIds: [deleted] })).runs.map((r) => r.runId), [deleted])
    })
  })
}
