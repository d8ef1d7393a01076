import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rejectsWith, storeOpener } from './harness.ts'
import type { StoreHarness } from './harness.ts'

export function describeMoveRuns(harness: StoreHarness): void {
  describe('moveRuns', () => {
    const open = storeOpener(harness)

    it('moves runs with their data to another experiment, keeping their artifact_uri', async () => {
      const { store } = await open()
      const from = await store.createExperiment({ name: 'from' })
      const to = await store.createExperiment({ name: 'to' })
      const a = await store.createRun({ experimentId: from })
      const b = await store.createRun({ experimentId: from })
      const stays = await store.createRun({ experimentId: from })
      await store.logBatch(a.info.runId, { metrics: [{ key: 'rmse', value: 1.5, timestamp: 1, step: 0 }], params: [{ key: 'alpha', value: '0.1' }] })
      await store.deleteRun(b.info.runId)
      await store.moveRuns([a.info.runId, b.info.runId, a.info.runId], to)
      const moved = await store.getRun(a.info.runId)
      assert.equal(moved.info.experimentId, to)
      assert.equal(moved.info.artifactUri, a.info.artifactUri)
      assert.deepEqual(moved.data.params, [{ key: 'alpha', value: '0.1' }])
      assert.equal(moved.data.metrics[0]?.value, 1.5)
      assert.equal((await store.getRun(b.info.runId)).info.experimentId, to)
      assert.equal((await store.getRun(b.info.runId)).info.lifecycleStage, 'deleted')
      const inTo = await store.searchRuns({ experimentIds: [to], filter: 'metrics.rmse < 2', runViewType: 'ALL', maxResults: 100 })
      assert.deepEqual(inTo.items.map((r) => r.info.runId), [a.info.runId])
      const inFrom = await store.searchRuns({ experimentIds: [from], runViewType: 'ALL', maxResults: 100 })
      assert.deepEqual(inFrom.items.map((r) => r.info.runId), [stays.info.runId])
    })

    it('moves nothing when one run does not exist', async () => {
      const { store } = await open()
      const from = await store.createExperiment({ name: 'from' })
      const to = await store.createExperiment({ name: 'to' })
      const a = await store.createRun({ experimentId: from })
      await rejectsWith(store.moveRuns([a.info.runId, 'f'.repeat(32)], to), 'RESOURCE_DOES_NOT_EXIST', `Run with id=${'f'.repeat(32)} not found`)
      assert.equal((await store.getRun(a.info.runId)).info.experimentId, from)
    })

    it('refuses a missing or deleted destination experiment', async () => {
      const { store } = await open()
      const from = await store.createExperiment({ name: 'from' })
      const gone = await store.createExperiment({ name: 'gone' })
      await store.deleteExperiment(gone)
      const a = await store.createRun({ experimentId: from })
      await rejectsWith(store.moveRuns([a.info.runId], '99999'), 'RESOURCE_DOES_NOT_EXIST', '99999')
      await rejectsWith(store.moveRuns([a.info.runId], gone), 'INVALID_PARAMETER_VALUE', `The experiment ${gone} must be in the 'active' state`)
      assert.equal((await store.getRun(a.info.runId)).info.experimentId, from)
    })
  })
}
