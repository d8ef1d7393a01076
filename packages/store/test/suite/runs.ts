import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rejectsWith, storeOpener } from './harness.ts'
import type { StoreHarness } from './harness.ts'

export function describeRuns(harness: StoreHarness): void {
  describe('runs', () => {
    const open = storeOpener(harness)

    it('creates a RUNNING run with a uuid hex id, a generated name mirrored in mlflow.runName and MLflow artifact layout', async () => {
      const { store, clock } = await open()
      const experimentId = await store.createExperiment({ name: 'e' })
      const run = await store.createRun({ experimentId, userId: 'ada', tags: [{ key: 'k', value: 'v' }] })
      assert.match(run.info.runId, /^[0-9a-f]{32}$/)
      assert.match(run.info.runName, /^[a-z]+-[a-z]+-\d{1,3}$/)
      assert.deepEqual(run.info, {
        runId: run.info.runId,
        runName: run.info.runName,
        experimentId,
        userId: 'ada',
        status: 'RUNNING',
        startTime: clock.time,
        endTime: null,
        artifactUri: `mlflow-artifacts:/${experimentId}/${run.info.runId}/artifacts`,
        lifecycleStage: 'active',
      })
      assert.deepEqual(run.data, {
        metrics: [],
        params: [],
        tags: [
          { key: 'k', value: 'v' },
          { key: 'mlflow.runName', value: run.info.runName },
          { key: 'mlflow.user', value: 'ada' },
        ],
      })
      assert.deepEqual(run.inputs, { datasetInputs: [], modelInputs: [] })
      assert.deepEqual(run.outputs, { modelOutputs: [] })
      assert.deepEqual(await store.getRun(run.info.runId), run)
    })

    it('takes the name from run_name or the mlflow.runName tag, and the user from the mlflow.user tag', async () => {
      const { store } = await open()
      const named = await store.createRun({ experimentId: '0', runName: 'given', startTime: 42 })
      assert.equal(named.info.runName, 'given')
      assert.equal(named.info.startTime, 42)
      assert.equal(named.info.userId, '')
      const tagged = await store.createRun({
        experimentId: '0',
        tags: [
          { key: 'mlflow.runName', value: 'from-tag' },
          { key: 'mlflow.user', value: 'grace' },
        ],
      })
      assert.equal(tagged.info.runName, 'from-tag')
      assert.equal(tagged.info.userId, 'grace')
      await rejectsWith(
        store.createRun({ experimentId: '0', runName: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] }),
        'INVALID_PARAMETER_VALUE',
        "run_name='a', mlflow.runName='b'",
      )
    })

    it('refuses runs in unknown or deleted experiments', async () => {
      const { store } = await open()
      await rejectsWith(store.createRun({ experimentId: '31' }), 'RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=31 exists')
      const id = await store.createExperiment({ name: 'gone' })
      await store.deleteExperiment(id)
      await rejectsWith(store.createRun({ experimentId: id }), 'INVALID_PARAMETER_VALUE', `The experiment ${id} must be in the 'active' state`)
    })

    it('reports unknown run ids as MLflow does', async () => {
      const { store } = await open()
      const missing = 'f'.repeat(32)
      await rejectsWith(store.getRun(missing), 'RESOURCE_DOES_NOT_EXIST', `Run with id=${missing} not found`)
      await rejectsWith(store.updateRun(missing, { status: 'FINISHED' }), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      await rejectsWith(store.deleteRun(missing), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      await rejectsWith(store.restoreRun(missing), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      await rejectsWith(store.logMetric(missing, { key: 'm', value: 1, timestamp: 1, step: 0 }), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      await rejectsWith(store.logParam(missing, { key: 'p', value: '1' }), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      await rejectsWith(store.setTag(missing, { key: 't', value: '1' }), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      await rejectsWith(store.deleteTag(missing, 't'), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      await rejectsWith(store.logBatch(missing, {}), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      await rejectsWith(store.logInputs(missing, []), 'RESOURCE_DOES_NOT_EXIST', 'not found')
      await rejectsWith(store.getMetricHistory(missing, 'm'), 'RESOURCE_DOES_NOT_EXIST', 'not found')
    })

    it('updates status, end time and name; the name tag follows', async () => {
      const { store } = await open()
      const run = await store.createRun({ experimentId: '0' })
      const info = await store.updateRun(run.info.runId, { status: 'FINISHED', endTime: 99, runName: 'renamed' })
      assert.deepEqual(info, { ...run.info, status: 'FINISHED', endTime: 99, runName: 'renamed' })
      const stored = await store.getRun(run.info.runId)
      assert.deepEqual(stored.info, info)
      assert.deepEqual(
        stored.data.tags.find((t) => t.key === 'mlflow.runName'),
        { key: 'mlflow.runName', value: 'renamed' },
      )
      assert.deepEqual(await store.updateRun(run.info.runId, {}), info)
    })

    it('renames the run when mlflow.runName is set and changes the user with mlflow.user', async () => {
      const { store } = await open()
      const run = await store.createRun({ experimentId: '0' })
      await store.setTag(run.info.runId, { key: 'mlflow.runName', value: 'via-tag' })
      await store.logBatch(run.info.runId, { tags: [{ key: 'mlflow.user', value: 'linus' }] })
      const info = (await store.getRun(run.info.runId)).info
      assert.equal(info.runName, 'via-tag')
      assert.equal(info.userId, 'linus')
    })

    it('sets, overwrites and deletes run tags', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0', runName: 'r' })).info
      await store.setTag(runId, { key: 'k', value: '1' })
      await store.setTag(runId, { key: 'k', value: '2' })
      await store.logBatch(runId, { tags: [{ key: 'b', value: 'first' }, { key: 'b', value: 'last' }] })
      const tags = (await store.getRun(runId)).data.tags
      assert.deepEqual(tags, [
        { key: 'b', value: 'last' },
        { key: 'k', value: '2' },
        { key: 'mlflow.runName', value: 'r' },
      ])
      await store.deleteTag(runId, 'k')
      assert.equal((await store.getRun(runId)).data.tags.length, 2)
      await rejectsWith(store.deleteTag(runId, 'k'), 'RESOURCE_DOES_NOT_EXIST', `No tag with name: k in run with id ${runId}`)
    })

    it('deletes and restores runs, recording nothing new while deleted', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      await store.deleteRun(runId)
      assert.equal((await store.getRun(runId)).info.lifecycleStage, 'deleted')
      const inactive = `The run ${runId} must be in the 'active' state. Current state is deleted.`
      await rejectsWith(store.logMetric(runId, { key: 'm', value: 1, timestamp: 1, step: 0 }), 'INVALID_PARAMETER_VALUE', inactive)
      await rejectsWith(store.logParam(runId, { key: 'p', value: 'v' }), 'INVALID_PARAMETER_VALUE', inactive)
      await rejectsWith(store.setTag(runId, { key: 't', value: 'v' }), 'INVALID_PARAMETER_VALUE', inactive)
      await rejectsWith(store.deleteTag(runId, 'mlflow.runName'), 'INVALID_PARAMETER_VALUE', inactive)
      await rejectsWith(store.logBatch(runId, { params: [{ key: 'p', value: 'v' }] }), 'INVALID_PARAMETER_VALUE', inactive)
      await rejectsWith(store.updateRun(runId, { status: 'KILLED' }), 'INVALID_PARAMETER_VALUE', inactive)
      await rejectsWith(store.logInputs(runId, []), 'INVALID_PARAMETER_VALUE', inactive)
      await store.restoreRun(runId)
      assert.equal((await store.getRun(runId)).info.lifecycleStage, 'active')
      await store.logParam(runId, { key: 'p', value: 'v' })
    })

    it('keeps params immutable: the same value again is fine, another value is refused with both values', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      await store.logParam(runId, { key: 'lr', value: '0.1' })
      await store.logParam(runId, { key: 'lr', value: '0.1' })
      await store.logBatch(runId, { params: [{ key: 'lr', value: '0.1' }, { key: 'depth', value: '3' }] })
      await rejectsWith(
        store.logParam(runId, { key: 'lr', value: '0.2' }),
        'INVALID_PARAMETER_VALUE',
        `Param with key='lr' was already logged with value='0.1' for run ID='${runId}'. Attempted logging new value '0.2'`,
      )
      await rejectsWith(
        store.logBatch(runId, { params: [{ key: 'depth', value: '4' }] }),
        'INVALID_PARAMETER_VALUE',
        "'key': 'depth', 'old_value': '3', 'new_value': '4'",
      )
      assert.deepEqual((await store.getRun(runId)).data.params, [
        { key: 'depth', value: '3' },
        { key: 'lr', value: '0.1' },
      ])
    })

    it('refuses one batch naming a param key twice with different values', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      await store.logBatch(runId, { params: [{ key: 'same', value: '1' }, { key: 'same', value: '1' }] })
      await rejectsWith(
        store.logBatch(runId, { params: [{ key: 'p', value: '1' }, { key: 'p', value: '2' }] }),
        'INVALID_PARAMETER_VALUE',
        "Duplicate parameter keys have been submitted with different values: 'p'",
      )
    })

    it('writes nothing from a batch whose last param conflicts', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      await store.logParam(runId, { key: 'fixed', value: 'a' })
      await rejectsWith(
        store.logBatch(runId, {
          metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }],
          tags: [{ key: 'new-tag', value: 'x' }],
          params: [
            { key: 'fresh', value: '1' },
            { key: 'fixed', value: 'b' },
          ],
        }),
        'INVALID_PARAMETER_VALUE',
        'fixed',
      )
      const run = await store.getRun(runId)
      assert.deepEqual(run.data.metrics, [])
      assert.deepEqual(run.data.params, [{ key: 'fixed', value: 'a' }])
      assert.equal(run.data.tags.find((t) => t.key === 'new-tag'), undefined)
      assert.deepEqual((await store.getMetricHistory(runId, 'loss')).items, [])
    })

    it('loses nothing when many batches reach one run at once', async () => {
      const { store } = await open()
      const { runId } = (await store.createRun({ experimentId: '0' })).info
      const writers = Array.from({ length: 20 }, (_, w) =>
        store.logBatch(runId, {
          metrics: Array.from({ length: 50 }, (_, i) => ({ key: `m${i % 5}`, value: w * 1000 + i, timestamp: w, step: i })),
          params: [{ key: `p${w}`, value: String(w) }, { key: 'shared', value: 'same' }],
          tags: [{ key: `t${w}`, value: String(w) }, { key: 'shared', value: String(w) }],
        }),
      )
      await Promise.all(writers)
      const run = await store.getRun(runId)
      assert.equal(run.data.params.length, 21)
      assert.equal(run.data.tags.filter((t) => t.key.startsWith('t')).length, 20)
      let points = 0
      for (let k = 0; k < 5; k++) points += (await store.getMetricHistory(runId, `m${k}`)).items.length
      assert.equal(points, 1000)
      // The latest point per key is the greatest step (45..49), then the greatest timestamp (writer 19).
      const m4 = run.data.metrics.find((m) => m.key === 'm4')
      assert.deepEqual(m4, { key: 'm4', value: 19_049, timestamp: 19, step: 49 })
    })
  })
}
