import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { DatasetInput } from '@orchard/core'
import { storeOpener } from './harness.ts'
import type { StoreHarness } from './harness.ts'

const input = (name: string, digest: string, context?: string, extra: object = {}): DatasetInput => ({
  dataset: { name, digest, sourceType: 'local', source: `{"uri": "/data/${name}"}`, ...extra },
  tags: context ? [{ key: 'mlflow.data.context', value: context }] : [],
})

export function describeDatasets(harness: StoreHarness): void {
  describe('datasets and inputs', () => {
    const open = storeOpener(harness)

    it('links datasets to runs with input tags, once per run', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      const withSchema = input('iris', 'abc', 'training', { schema: '{"cols": []}', profile: '{"rows": 150}' })
      await store.logInputs(runId, [withSchema, input('iris', 'abc', 'eval'), input('wine', 'def')])
      await store.logInputs(runId, [input('iris', 'abc', 'eval')])
      const { datasetInputs } = (await store.getRun(runId)).inputs
      assert.deepEqual(datasetInputs, [withSchema, input('wine', 'def')])
    })

    it('shares one dataset between runs of an experiment and summarises them by context', async () => {
      const { store } = await open()
      const experimentId = await store.createExperiment({ name: 'data' })
      const a = (await store.createRun({ experimentId })).info.runId
      const b = (await store.createRun({ experimentId })).info.runId
      const other = (await store.createRun({ experimentId: '0' })).info.runId
      await store.logInputs(a, [input('iris', 'abc', 'training'), input('wine', 'def')])
      await store.logInputs(b, [input('iris', 'abc', 'eval'), input('iris', 'abc2', 'training')])
      await store.logInputs(other, [input('iris', 'abc', 'training')])
      assert.deepEqual(await store.searchDatasets([experimentId]), [
        { experimentId, name: 'iris', digest: 'abc', context: 'eval' },
        { experimentId, name: 'iris', digest: 'abc', context: 'training' },
        { experimentId, name: 'iris', digest: 'abc2', context: 'training' },
        { experimentId, name: 'wine', digest: 'def' },
      ])
      assert.equal((await store.searchDatasets([experimentId, '0'])).length, 5)
      assert.deepEqual(await store.searchDatasets(['404', 'x']), [])
      assert.deepEqual(await store.searchDatasets([]), [])
    })
  })
}
