import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SuiteContext } from './context.ts'
import { rejectsWith, uniqueName } from '../harness.ts'

export function describeRuns(ctx: SuiteContext): void {
  const newExperiment = () => ctx.client.createExperiment(uniqueName('runs'))

  test('createRun starts a RUNNING run with its name, tags and user, and getRun reads it back', async () => {
    const experimentId = await newExperiment()
    const run = await ctx.client.createRun(experimentId, { runName: 'baseline', tags: { model: 'tree' }, userId: 'ana', startTime: 1_700_000_000_000 })
    assert.equal(run.info.experimentId, experimentId)
    assert.equal(run.info.runName, 'baseline')
    assert.equal(run.info.status, 'RUNNING')
    assert.equal(run.info.userId, 'ana')
    assert.equal(run.info.startTime, 1_700_000_000_000)
    assert.equal(run.info.endTime, null)
    assert.equal(run.info.lifecycleStage, 'active')
    assert.ok(run.data.tags.some((t) => t.key === 'model' && t.value === 'tree'))
    const read = await ctx.client.getRun(run.info.runId)
    assert.deepEqual(read.info, run.info)
  })

  test('an unnamed run gets a generated name', async () => {
    const run = await ctx.client.createRun(await newExperiment())
    assert.match(run.info.runName, /\S+/)
  })

  test('createRun in an unknown experiment is RESOURCE_DOES_NOT_EXIST', async () => {
    await rejectsWith(ctx.client.createRun('987654'), 'RESOURCE_DOES_NOT_EXIST')
  })

  test('getRun of an unknown run is RESOURCE_DOES_NOT_EXIST and of a malformed id INVALID_PARAMETER_VALUE', async () => {
    await rejectsWith(ctx.client.getRun('0123456789abcdef0123456789abcdef'), 'RESOURCE_DOES_NOT_EXIST')
    await rejectsWith(ctx.client.getRun('not a run id!'), 'INVALID_PARAMETER_VALUE', 'run_id')
  })

  test('setTerminated ends a run FINISHED by default, or with the status given', async () => {
    const experimentId = await newExperiment()
    const run = await ctx.client.createRun(experimentId)
    const info = await ctx.client.setTerminated(run.info.runId)
    assert.equal(info.status, 'FINISHED')
    assert.ok(info.endTime !== null && info.endTime >= (run.info.startTime ?? 0))
    const failed = await ctx.client.createRun(experimentId)
    await ctx.client.setTerminated(failed.info.runId, 'FAILED', 1_800_000_000_000)
    const read = await ctx.client.getRun(failed.info.runId)
    assert.equal(read.info.status, 'FAILED')
    assert.equal(read.info.endTime, 1_800_000_000_000)
  })

  test('updateRun renames a run', async () => {
    const run = await ctx.client.createRun(await newExperiment(), { runName: 'before' })
    const info = await ctx.client.updateRun(run.info.runId, { runName: 'after' })
    assert.equal(info.runName, 'after')
    assert.equal((await ctx.client.getRun(run.info.runId)).info.runName, 'after')
  })

  test('deleteRun and restoreRun move a run between view types', async () => {
    const experimentId = await newExperiment()
    const run = await ctx.client.createRun(experimentId)
    await ctx.client.deleteRun(run.info.runId)
    assert.equal((await ctx.client.getRun(run.info.runId)).info.lifecycleStage, 'deleted')
    assert.deepEqual((await ctx.client.searchRuns(experimentId)).items, [])
    const deleted = await ctx.client.searchRuns(experimentId, { runViewType: 'DELETED_ONLY' })
    assert.deepEqual(
      deleted.items.map((r) => r.info.runId),
      [run.info.runId],
    )
    await ctx.client.restoreRun(run.info.runId)
    assert.equal((await ctx.client.getRun(run.info.runId)).info.lifecycleStage, 'active')
  })

  test('searchRuns pages with a token and searchAllRuns yields every page once', async () => {
    const experimentId = await newExperiment()
    const created: string[] = []
    for (let i = 0; i < 5; i++) created.push((await ctx.client.createRun(experimentId, { runName: `r${i}` })).info.runId)
    const everything = (await ctx.client.searchRuns(experimentId)).items.map((r) => r.info.runId)
    assert.deepEqual([...everything].sort(), [...created].sort())
    const first = await ctx.client.searchRuns(experimentId, { maxResults: 2 })
    assert.ok(first.nextPageToken)
    const second = await ctx.client.searchRuns(experimentId, { maxResults: 2, pageToken: first.nextPageToken })
    assert.deepEqual(
      [...first.items, ...second.items].map((r) => r.info.runId),
      everything.slice(0, 4),
    )
    const paged: string[] = []
    for await (const run of ctx.client.searchAllRuns([experimentId], { maxResults: 2 })) paged.push(run.info.runId)
    assert.deepEqual(paged, everything)
  })

  test('searchRuns filters on params and orders by metrics', async () => {
    const experimentId = await newExperiment()
    for (let i = 0; i < 4; i++) {
      const run = await ctx.client.createRun(experimentId, { runName: `r${i}` })
      await ctx.client.logMetric(run.info.runId, 'rmse', i / 10)
      await ctx.client.logParam(run.info.runId, 'model', i % 2 ? 'tree' : 'linear')
    }
    const trees = await ctx.client.searchRuns([experimentId], { filterString: "params.model = 'tree'", orderBy: ['metrics.rmse DESC'] })
    assert.deepEqual(
      trees.items.map((r) => r.info.runName),
      ['r3', 'r1'],
    )
    assert.equal(trees.items[0]?.data.metrics.find((m) => m.key === 'rmse')?.value, 0.3)
  })

  test('a malformed run filter is INVALID_PARAMETER_VALUE', async () => {
    const experimentId = await newExperiment()
    await rejectsWith(ctx.client.searchRuns(experimentId, { filterString: 'metrics.rmse <' }), 'INVALID_PARAMETER_VALUE')
  })
}
