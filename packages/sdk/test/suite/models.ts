import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { LinearModel } from '@orchard/models'
import type { LinearModelData } from '@orchard/models'
import type { SuiteContext } from './context.ts'
import { rejectsWith, uniqueName } from '../harness.ts'

const MODEL: LinearModelData = {
  intercept: 3,
  coefficients: [1.5, -2, 0.25],
  feature_names: ['zone=A', 'zone=B', 'distance'],
  vectorizer: { kind: 'dict', categorical: ['zone'], numeric: ['distance'] },
  target: 'minutes',
}
const ROWS = [
  { zone: 'A', distance: 4 },
  { zone: 'B', distance: 10 },
  { zone: 'C', distance: 1 },
]

export function describeModels(ctx: SuiteContext): void {
  const newRun = async () => (await ctx.client.createRun(await ctx.client.createExperiment(uniqueName('models')))).info.runId

  test('logModel uploads the model and records it; loadModel by runs:/ URI predicts as in process', async () => {
    const runId = await newRun()
    const info = await ctx.client.logModel(runId, 'orchard.linear', MODEL, { inputExample: ROWS.slice(0, 2) })
    assert.equal(info.modelUri, `runs:/${runId}/model`)
    assert.equal(info.mlModel.runId, runId)
    assert.equal(info.mlModel.artifactPath, 'model')
    const history = JSON.parse((await ctx.client.getRun(runId)).data.tags.find((t) => t.key === 'mlflow.log-model.history')!.value)
    assert.equal(history.length, 1)
    assert.equal(history[0].model_uuid, info.mlModel.modelUuid)
    assert.deepEqual(Object.keys(history[0].flavors).sort(), ['js_function', 'orchard.linear'])
    const model = await ctx.client.loadModel(info.modelUri)
    try {
      assert.deepEqual(await model.predict(ROWS), new LinearModel(MODEL).predict(ROWS))
      assert.equal(model.metadata.modelUuid, info.mlModel.modelUuid)
    } finally {
      await model.close()
    }
  })

  test('a second model under another artifact path joins the run’s model history', async () => {
    const runId = await newRun()
    await ctx.client.logModel(runId, 'orchard.linear', MODEL)
    const info = await ctx.client.logModel(runId, 'orchard.linear', { ...MODEL, intercept: 0 }, { artifactPath: 'models/zero' })
    const history = JSON.parse((await ctx.client.getRun(runId)).data.tags.find((t) => t.key === 'mlflow.log-model.history')!.value)
    assert.deepEqual(history.map((m: { artifact_path: string }) => m.artifact_path), ['model', 'models/zero'])
    const model = await ctx.client.loadModel(info.modelUri)
    assert.deepEqual(await model.predict([{ zone: 'A', distance: 0 }]), [1.5])
    await model.close()
  })

  test('logArtifacts and downloadArtifacts copy folders both ways', async () => {
    const runId = await newRun()
    const dir = await mkdtemp(join(tmpdir(), 'orchard-sdk-artifacts-'))
    try {
      await writeFile(join(dir, 'notes.txt'), 'hello')
      await ctx.client.logArtifacts(runId, dir, 'docs')
      const local = await ctx.client.downloadArtifacts(runId, 'docs', join(dir, 'out'))
      assert.equal(await readFile(join(local, 'notes.txt'), 'utf8'), 'hello')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('logModel refuses an escaping artifact path and an unknown run', async () => {
    const runId = await newRun()
    await rejectsWith(ctx.client.logModel(runId, 'orchard.linear', MODEL, { artifactPath: '../up' }), 'INVALID_PARAMETER_VALUE', "Invalid artifact path '../up'")
    await rejectsWith(ctx.client.logModel('0123456789abcdef0123456789abcdef', 'orchard.linear', MODEL), 'RESOURCE_DOES_NOT_EXIST')
    await rejectsWith(ctx.client.logModel(runId, 'orchard.linear', { ...MODEL, coefficients: [1] }), 'INVALID_PARAMETER_VALUE', '1 coefficients but 3 feature_names')
  })

  test('loadModel of a runs:/ path with no model is RESOURCE_DOES_NOT_EXIST', async () => {
    const runId = await newRun()
    await rejectsWith(ctx.client.loadModel(`runs:/${runId}/nothing`), 'RESOURCE_DOES_NOT_EXIST')
    await rejectsWith(ctx.client.loadModel('runs:/'), 'INVALID_PARAMETER_VALUE', 'Invalid runs URI')
  })
}
