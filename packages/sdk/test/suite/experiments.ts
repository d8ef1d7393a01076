import assert from 'node:assert/strict'
import { test } from 'node:test'
import { OrchardError } from '@orchard/protocol'
import type { SuiteContext } from './context.ts'
import { rejectsWith, uniqueName } from '../harness.ts'

export function describeExperiments(ctx: SuiteContext): void {
  test('createExperiment returns an id that getExperiment and getExperimentByName find', async () => {
    const name = uniqueName('exp')
    const id = await ctx.client.createExperiment(name, { tags: { team: 'pricing' } })
    const experiment = await ctx.client.getExperiment(id)
    assert.equal(experiment.experimentId, id)
    assert.equal(experiment.name, name)
    assert.equal(experiment.lifecycleStage, 'active')
    assert.deepEqual(experiment.tags, [{ key: 'team', value: 'pricing' }])
    assert.ok(experiment.artifactLocation.length > 0)
    assert.ok(experiment.creationTime > 0)
    assert.deepEqual(await ctx.client.getExperimentByName(name), experiment)
  })

  test('getExperimentByName gives undefined for an unknown name', async () => {
    assert.equal(await ctx.client.getExperimentByName(uniqueName('missing')), undefined)
  })

  test('a second experiment with the same name is RESOURCE_ALREADY_EXISTS with status 400', async () => {
    const name = uniqueName('dup')
    await ctx.client.createExperiment(name)
    await assert.rejects(ctx.client.createExperiment(name), (error: unknown) => {
      assert.ok(error instanceof OrchardError)
      assert.equal(error.code, 'RESOURCE_ALREADY_EXISTS')
      assert.equal(error.status, 400)
      return true
    })
  })

  test('an empty experiment name is INVALID_PARAMETER_VALUE', async () => {
    await rejectsWith(ctx.client.createExperiment(''), 'INVALID_PARAMETER_VALUE', "'name'")
  })

  test('an unknown experiment id is RESOURCE_DOES_NOT_EXIST with status 404', async () => {
    await assert.rejects(ctx.client.getExperiment('987654'), (error: unknown) => {
      assert.ok(error instanceof OrchardError)
      assert.equal(error.code, 'RESOURCE_DOES_NOT_EXIST')
      assert.equal(error.status, 404)
      return true
    })
  })

  test('a malformed experiment id is INVALID_PARAMETER_VALUE', async () => {
    await rejectsWith(ctx.client.getExperiment('not an id!'), 'INVALID_PARAMETER_VALUE', 'Invalid experiment ID')
  })

  test('renameExperiment, setExperimentTag and deleteExperimentTag change the experiment', async () => {
    const id = await ctx.client.createExperiment(uniqueName('rename'))
    const newName = uniqueName('renamed')
    await ctx.client.renameExperiment(id, newName)
    await ctx.client.setExperimentTag(id, 'stage', 'draft')
    await ctx.client.setExperimentTag(id, 'stage', 'final')
    await ctx.client.setExperimentTag(id, 'owner', 'ana')
    await ctx.client.deleteExperimentTag(id, 'owner')
    const experiment = await ctx.client.getExperiment(id)
    assert.equal(experiment.name, newName)
    assert.deepEqual(experiment.tags, [{ key: 'stage', value: 'final' }])
  })

  test('renaming onto an existing name is RESOURCE_ALREADY_EXISTS', async () => {
    const taken = uniqueName('taken')
    await ctx.client.createExperiment(taken)
    const id = await ctx.client.createExperiment(uniqueName('other'))
    await rejectsWith(ctx.client.renameExperiment(id, taken), 'RESOURCE_ALREADY_EXISTS')
  })

  test('deleteExperiment and restoreExperiment move it between view types', async () => {
    const id = await ctx.client.createExperiment(uniqueName('lifecycle'))
    const ids = async (viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY') => {
      const found: string[] = []
      for await (const e of ctx.client.searchAllExperiments({ viewType })) found.push(e.experimentId)
      return found
    }
    await ctx.client.deleteExperiment(id)
    assert.equal((await ctx.client.getExperiment(id)).lifecycleStage, 'deleted')
    assert.ok(!(await ids('ACTIVE_ONLY')).includes(id))
    assert.ok((await ids('DELETED_ONLY')).includes(id))
    await ctx.client.restoreExperiment(id)
    assert.equal((await ctx.client.getExperiment(id)).lifecycleStage, 'active')
    assert.ok((await ids('ACTIVE_ONLY')).includes(id))
  })

  test('searchExperiments pages with a token and searchAllExperiments yields every page once', async () => {
    for (let i = 0; i < 5; i++) await ctx.client.createExperiment(uniqueName('page'))
    const everything = (await ctx.client.searchExperiments()).items.map((e) => e.experimentId)
    assert.ok(everything.length >= 5)
    const first = await ctx.client.searchExperiments({ maxResults: 2 })
    assert.equal(first.items.length, 2)
    assert.ok(first.nextPageToken)
    const second = await ctx.client.searchExperiments({ maxResults: 2, pageToken: first.nextPageToken })
    assert.deepEqual(
      [...first.items, ...second.items].map((e) => e.experimentId),
      everything.slice(0, 4),
    )
    const paged: string[] = []
    for await (const experiment of ctx.client.searchAllExperiments({ maxResults: 2 })) paged.push(experiment.experimentId)
    assert.deepEqual(paged, everything)
  })

  test('searchExperiments filters and orders', async () => {
    const prefix = uniqueName('filter')
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push(await ctx.client.createExperiment(`${prefix}-${i}`))
    const found = await ctx.client.searchExperiments({ filterString: `name LIKE '${prefix}-%'`, orderBy: ['name DESC'] })
    assert.deepEqual(
      found.items.map((e) => e.experimentId),
      [...ids].reverse(),
    )
  })

  test('a malformed experiment filter is INVALID_PARAMETER_VALUE', async () => {
    await rejectsWith(ctx.client.searchExperiments({ filterString: 'name ===' }), 'INVALID_PARAMETER_VALUE')
  })

  test('maxResults beyond the limit is INVALID_PARAMETER_VALUE', async () => {
    await rejectsWith(ctx.client.searchExperiments({ maxResults: 50_001 }), 'INVALID_PARAMETER_VALUE', 'max_results')
  })
}
