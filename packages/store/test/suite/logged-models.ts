import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Comparison, FilterNode, LoggedModel } from '@orchard/core'
import { searchLoggedModelsParsed } from '../../src/sql/logged-model-search.ts'
import type { SearchLoggedModelsQuery } from '../../src/tracking-store.ts'
import { rejectsWith, storeOpener } from './harness.ts'
import type { OpenedStore, StoreHarness } from './harness.ts'

const cmp = (entity: Comparison['entity'], key: string, operator: Comparison['operator'], value: Comparison['value']): Comparison => ({
  type: 'comparison',
  entity,
  key,
  operator,
  value,
})
const names = (items: readonly LoggedModel[]) => items.map((m) => m.name)

/** A model metric written directly, with a dataset name and no run (as an evaluation would record it). */
async function insertModelMetric(
  { ctx }: OpenedStore,
  modelId: string,
  metric: { key: string; value: number; timestamp: number; step?: number; datasetName?: string },
) {
  await ctx.db.run(
    `INSERT INTO logged_model_metrics (model_key, key, timestamp, step, value, is_nan, dataset_name)
     SELECT model_key, ?, ?, ?, ?, 0, ? FROM logged_models WHERE model_id = ?`,
    [metric.key, metric.timestamp, metric.step ?? 0, metric.value, metric.datasetName ?? '', modelId],
  )
}

export function describeLoggedModels(harness: StoreHarness): void {
  describe('logged models', () => {
    const open = storeOpener(harness)

    it('creates a pending model with MLflow ids and artifact layout', async () => {
      const { store, clock } = await open()
      const experimentId = await store.createExperiment({ name: 'models' })
      const run = await store.createRun({ experimentId })
      const model = await store.createLoggedModel({
        experimentId,
        name: 'clf',
        modelType: 'sklearn',
        sourceRunId: run.info.runId,
        params: [{ key: 'alpha', value: '0.1' }],
        tags: [{ key: 'k', value: 'v' }],
      })
      assert.match(model.modelId, /^m-[0-9a-f]{32}$/)
      assert.deepEqual(model, {
        modelId: model.modelId,
        experimentId,
        name: 'clf',
        artifactUri: `mlflow-artifacts:/${experimentId}/models/${model.modelId}/artifacts`,
        creationTimestampMs: clock.time,
        lastUpdatedTimestampMs: clock.time,
        status: 'LOGGED_MODEL_PENDING',
        modelType: 'sklearn',
        sourceRunId: run.info.runId,
        lifecycleStage: 'active',
        tags: [{ key: 'k', value: 'v' }],
        params: [{ key: 'alpha', value: '0.1' }],
        metrics: [],
      })
      assert.deepEqual(await store.getLoggedModel(model.modelId), model)
      const unnamed = await store.createLoggedModel({ experimentId: '0' })
      assert.match(unnamed.name, /^[a-z]+-[a-z]+-\d+$/)
    })

    it('links runs to models (outputs with their step, inputs once) and keeps metrics logged with a model_id on the model', async () => {
      const { store } = await open()
      const experimentId = await store.createExperiment({ name: 'links' })
      const run = await store.createRun({ experimentId })
      const runId = run.info.runId
      const model = await store.createLoggedModel({ experimentId, name: 'm', sourceRunId: runId })
      await store.logOutputs(runId, [{ modelId: model.modelId, step: 3 }])
      // MLflow does not look the model up: a registry or another server may hold it.
      await store.logOutputs(runId, [{ modelId: 'm-elsewhere', step: 0 }])
      await store.logInputs(runId, [], [{ modelId: model.modelId }, { modelId: model.modelId }])
      await store.logInputs(runId, [], [{ modelId: model.modelId }])
      const got = await store.getRun(runId)
      assert.deepEqual(got.outputs.modelOutputs, [
        { modelId: model.modelId, step: 3 },
        { modelId: 'm-elsewhere', step: 0 },
      ])
      assert.deepEqual(got.inputs.modelInputs, [{ modelId: model.modelId }])
      const searched = await store.searchRuns({ experimentIds: [experimentId], maxResults: 10, runViewType: 'ACTIVE_ONLY' })
      assert.deepEqual(searched.items[0]?.outputs.modelOutputs.length, 2)

      await store.logBatch(runId, {
        metrics: [
          { key: 'rmse', value: 0.5, timestamp: 10, step: 3, modelId: model.modelId, datasetName: 'eval', datasetDigest: 'abc' },
          { key: 'rmse', value: 0.5, timestamp: 10, step: 3, modelId: model.modelId, datasetName: 'eval', datasetDigest: 'abc' },
          { key: 'loss', value: Number.NaN, timestamp: 10, step: 3, modelId: model.modelId },
          { key: 'plain', value: 1, timestamp: 10, step: 3 },
          { key: 'lost', value: 1, timestamp: 10, step: 3, modelId: 'm-unknown' },
        ],
      })
      await store.logMetric(runId, { key: 'acc', value: 0.9, timestamp: 11, step: 3, modelId: model.modelId })
      const metrics = (await store.getLoggedModel(model.modelId)).metrics
      assert.deepEqual(
        metrics.map((m) => [m.key, m.step, m.runId, m.datasetName, m.datasetDigest]).sort(),
        [
          ['acc', 3, runId, undefined, undefined],
          ['loss', 3, runId, undefined, undefined],
          ['rmse', 3, runId, 'eval', 'abc'],
        ],
      )
      assert.ok(Number.isNaN(metrics.find((m) => m.key === 'loss')?.value))
      assert.deepEqual((await store.getRun(runId)).data.metrics.map((m) => m.key), ['acc', 'loss', 'lost', 'plain', 'rmse'])

      await store.deleteRun(runId)
      await rejectsWith(store.logOutputs(runId, [{ modelId: model.modelId, step: 0 }]), 'INVALID_PARAMETER_VALUE', "must be in the 'active' state")
      await rejectsWith(store.logOutputs('0'.repeat(32), []), 'RESOURCE_DOES_NOT_EXIST', 'not found')
    })

    it('refuses models in unknown or deleted experiments', async () => {
      const { store } = await open()
      await rejectsWith(store.createLoggedModel({ experimentId: '42' }), 'RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=42 exists')
      const id = await store.createExperiment({ name: 'gone' })
      await store.deleteExperiment(id)
      await rejectsWith(store.createLoggedModel({ experimentId: id }), 'INVALID_PARAMETER_VALUE', "must be in the 'active' state")
    })

    it('finalizes, tags, logs params and deletes models', async () => {
      const { store, clock } = await open()
      const { modelId } = await store.createLoggedModel({ experimentId: '0', name: 'm' })
      clock.advance(10)
      const ready = await store.finalizeLoggedModel(modelId, 'LOGGED_MODEL_READY')
      assert.equal(ready.status, 'LOGGED_MODEL_READY')
      assert.equal(ready.lastUpdatedTimestampMs, clock.time)
      await store.setLoggedModelTags(modelId, [{ key: 'a', value: '1' }, { key: 'b', value: '2' }])
      await store.setLoggedModelTags(modelId, [{ key: 'a', value: '3' }])
      await store.deleteLoggedModelTag(modelId, 'b')
      await rejectsWith(store.deleteLoggedModelTag(modelId, 'b'), 'RESOURCE_DOES_NOT_EXIST', "No tag with key 'b'")
      await store.logLoggedModelParams(modelId, [{ key: 'p', value: '1' }])
      await store.logLoggedModelParams(modelId, [{ key: 'p', value: '1' }, { key: 'q', value: '2' }])
      await rejectsWith(store.logLoggedModelParams(modelId, [{ key: 'p', value: '9' }]), 'INVALID_PARAMETER_VALUE', "key='p'")
      const model = await store.getLoggedModel(modelId)
      assert.deepEqual(model.tags, [{ key: 'a', value: '3' }])
      assert.deepEqual(model.params, [{ key: 'p', value: '1' }, { key: 'q', value: '2' }])
      await store.deleteLoggedModel(modelId)
      await rejectsWith(store.getLoggedModel(modelId), 'RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${modelId}' not found.`)
      const missing = 'm-' + '0'.repeat(32)
      for (const attempt of [
        () => store.getLoggedModel(missing),
        () => store.finalizeLoggedModel(missing, 'LOGGED_MODEL_READY'),
        () => store.deleteLoggedModel(missing),
        () => store.setLoggedModelTags(missing, []),
        () => store.deleteLoggedModelTag(missing, 'k'),
        () => store.logLoggedModelParams(missing, []),
      ]) {
        await rejectsWith(attempt(), 'RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${missing}' not found.`)
      }
    })

    it('searches by experiment, filter and datasets, ordered and paged', async () => {
      const opened = await open()
      const { store, clock, ctx } = opened
      const experimentId = await store.createExperiment({ name: 'search-models' })
      const ids: Record<string, string> = {}
      for (const [name, type] of [
        ['a', 'sklearn'],
        ['b', 'torch'],
        ['c', 'sklearn'],
        ['d', 'torch'],
      ] as const) {
        clock.advance(1)
        ids[name] = (await store.createLoggedModel({ experimentId, name, modelType: type, params: [{ key: 'lr', value: name }] })).modelId
      }
      await store.deleteLoggedModel(ids.d as string)
      await insertModelMetric(opened, ids.a as string, { key: 'acc', value: 0.5, timestamp: 1, datasetName: 'eval' })
      await insertModelMetric(opened, ids.a as string, { key: 'acc', value: 0.9, timestamp: 2, datasetName: 'train' })
      await insertModelMetric(opened, ids.b as string, { key: 'acc', value: 0.7, timestamp: 1, datasetName: 'eval' })
      const search = async (filter?: FilterNode, extra: Partial<SearchLoggedModelsQuery> = {}) =>
        names((await searchLoggedModelsParsed(ctx, { experimentIds: [experimentId], maxResults: 50, ...extra }, filter)).items)
      assert.deepEqual(await search(), ['c', 'b', 'a'])
      assert.deepEqual(await search(cmp('attribute', 'model_type', '=', 'sklearn')), ['c', 'a'])
      assert.deepEqual(await search(cmp('param', 'lr', 'IN', ['a', 'b'])), ['b', 'a'])
      assert.deepEqual(await search(cmp('metric', 'acc', '>', 0.6)), ['b', 'a'])
      assert.deepEqual(await search(cmp('metric', 'acc', '>', 0.6), { datasets: [{ datasetName: 'eval' }] }), ['b'])
      assert.deepEqual(await search(undefined, { datasets: [{ datasetName: 'train', datasetDigest: '' }] }), ['a'])
      assert.deepEqual(await search(undefined, { orderBy: [{ fieldName: 'metrics.acc', ascending: false }] }), ['a', 'b', 'c'])
      assert.deepEqual(
        await search(undefined, { orderBy: [{ fieldName: 'metrics.acc', ascending: true, datasetName: 'eval' }] }),
        ['a', 'b', 'c'],
      )
      assert.deepEqual(await search(undefined, { orderBy: [{ fieldName: 'name', ascending: true }] }), ['a', 'b', 'c'])
      assert.deepEqual(await search(undefined, { orderBy: [{ fieldName: 'creation_timestamp', ascending: true }] }), ['a', 'b', 'c'])
      await rejectsWith(search(undefined, { orderBy: [{ fieldName: 'params.lr' }] }), 'INVALID_PARAMETER_VALUE', 'Only metrics are supported')
      await rejectsWith(search(undefined, { orderBy: [{ fieldName: 'bogus' }] }), 'INVALID_PARAMETER_VALUE', 'bogus')
      await rejectsWith(search(undefined, { datasets: [{ datasetName: '' }] }), 'INVALID_PARAMETER_VALUE', 'dataset_name')
      await rejectsWith(search(cmp('dataset', 'name', '=', 'x')), 'INVALID_PARAMETER_VALUE', 'dataset.name')

      const first = await store.searchLoggedModels({ experimentIds: [experimentId], maxResults: 2 })
      assert.deepEqual(names(first.items), ['c', 'b'])
      const second = await store.searchLoggedModels({ experimentIds: [experimentId], maxResults: 2, pageToken: first.nextPageToken as string })
      assert.deepEqual(names(second.items), ['a'])
      assert.equal(second.nextPageToken, undefined)
      assert.deepEqual((await store.searchLoggedModels({ experimentIds: ['x'], maxResults: 2 })).items, [])
      const withMetrics = (await store.searchLoggedModels({ experimentIds: [experimentId], maxResults: 50 })).items.find((m) => m.name === 'a')
      assert.deepEqual(withMetrics?.metrics.map((m) => [m.key, m.value, m.datasetName]), [
        ['acc', 0.5, 'eval'],
        ['acc', 0.9, 'train'],
      ])
    })
  })
}
