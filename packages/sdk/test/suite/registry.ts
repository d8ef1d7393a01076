import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SuiteContext } from './context.ts'
import { rejectsWith, uniqueName } from '../harness.ts'

// The registry through OrchardClient: the same entities, pages and typed errors on every transport.
export function describeRegistry(ctx: SuiteContext): void {
  /** A finished run, and the artifact URI of its `model` folder (a source every transport accepts). */
  const newRun = async () => {
    const experimentId = await ctx.client.createExperiment(uniqueName('registry'))
    const run = await ctx.client.createRun(experimentId)
    await ctx.client.setTerminated(run.info.runId)
    return { runId: run.info.runId, source: `${run.info.artifactUri}/model` }
  }

  test('registered models are created, read, renamed, described, tagged, searched and deleted', async () => {
    const name = uniqueName('model')
    const created = await ctx.client.createRegisteredModel(name, { tags: { team: 'risk' }, description: 'scores fraud' })
    assert.equal(created.name, name)
    assert.equal(created.description, 'scores fraud')
    assert.deepEqual(created.tags, [{ key: 'team', value: 'risk' }])
    assert.deepEqual(created.latestVersions, [])
    assert.ok(created.creationTimestamp > 0)

    await ctx.client.setRegisteredModelTag(name, 'owner', 'ana')
    await ctx.client.deleteRegisteredModelTag(name, 'team')
    const updated = await ctx.client.updateRegisteredModel(name, 'scores card fraud')
    assert.equal(updated.description, 'scores card fraud')
    const renamed = await ctx.client.renameRegisteredModel(name, `${name}-v2`)
    assert.equal(renamed.name, `${name}-v2`)
    assert.deepEqual((await ctx.client.getRegisteredModel(`${name}-v2`)).tags, [{ key: 'owner', value: 'ana' }])
    await rejectsWith(ctx.client.getRegisteredModel(name), 'RESOURCE_DOES_NOT_EXIST', name)

    const found = await ctx.client.searchRegisteredModels({ filterString: `name = '${name}-v2'` })
    assert.deepEqual(found.items.map((m) => m.name), [`${name}-v2`])
    await ctx.client.deleteRegisteredModel(`${name}-v2`)
    await rejectsWith(ctx.client.getRegisteredModel(`${name}-v2`), 'RESOURCE_DOES_NOT_EXIST')
  })

  test('registering runs:/ with files copies them into the registry, so the version outlives the run’s folder', async () => {
    const { runId } = await newRun()
    await ctx.client.logText(runId, '{"weights": [1, 2]}', 'model/model.json')
    const name = uniqueName('copied')
    const version = await ctx.client.registerModel(`runs:/${runId}/model`, name)
    const uri = await ctx.client.getModelVersionDownloadUri(name, version.version)
    assert.match(uri, new RegExp(`/registry/${name}/[0-9a-f-]{36}$`), uri)
    const run = await ctx.client.getRun(runId)
    assert.ok(!uri.startsWith(run.info.artifactUri), 'the version’s files are not the run’s')
    const resolved = await ctx.client.resolveModelUri(`models:/${name}/${version.version}`)
    assert.equal(resolved.artifactUri, uri)
    assert.equal(version.runId, runId)
  })

  test('a taken name is RESOURCE_ALREADY_EXISTS and a bad filter INVALID_PARAMETER_VALUE', async () => {
    const name = uniqueName('taken')
    await ctx.client.createRegisteredModel(name)
    await rejectsWith(ctx.client.createRegisteredModel(name), 'RESOURCE_ALREADY_EXISTS', `name=${name}`)
    await rejectsWith(ctx.client.searchRegisteredModels({ filterString: 'flavor = 1' }), 'INVALID_PARAMETER_VALUE')
  })

  test('searchAllRegisteredModels walks every page', async () => {
    const prefix = uniqueName('paged')
    for (let i = 0; i < 5; i++) await ctx.client.createRegisteredModel(`${prefix}-${i}`)
    const names: string[] = []
    for await (const model of ctx.client.searchAllRegisteredModels({ filterString: `name LIKE '${prefix}-%'`, maxResults: 2, orderBy: ['name ASC'] })) {
      names.push(model.name)
    }
    assert.deepEqual(names, [0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`))
  })

  test('versions are numbered per model, carry their run and source, and are searched by name and run_id', async () => {
    const name = uniqueName('versions')
    await ctx.client.createRegisteredModel(name)
    const { runId, source } = await newRun()
    const v1 = await ctx.client.createModelVersion(name, source, { runId, tags: { data: '2024-05' }, description: 'first' })
    const v2 = await ctx.client.createModelVersion(name, source, { runId })
    assert.deepEqual([v1.version, v2.version], ['1', '2'])
    assert.equal(v1.source, source)
    assert.equal(v1.runId, runId)
    assert.equal(v1.status, 'READY')
    assert.equal(v1.currentStage, 'None')
    assert.deepEqual(v1.tags, [{ key: 'data', value: '2024-05' }])
    assert.equal((await ctx.client.getModelVersion(name, 1)).description, 'first')
    assert.equal((await ctx.client.updateModelVersion(name, '2', 'second')).description, 'second')
    await ctx.client.setModelVersionTag(name, 2, 'checked', 'yes')
    await ctx.client.deleteModelVersionTag(name, 1, 'data')
    assert.deepEqual((await ctx.client.getModelVersion(name, 2)).tags, [{ key: 'checked', value: 'yes' }])
    assert.equal(await ctx.client.getModelVersionDownloadUri(name, 1), source)

    const byRun = await ctx.client.searchModelVersions({ filterString: `run_id = '${runId}'`, orderBy: ['version_number ASC'] })
    assert.deepEqual(byRun.items.map((v) => v.version), ['1', '2'])
    const all: string[] = []
    for await (const v of ctx.client.searchAllModelVersions({ filterString: `name = '${name}'`, maxResults: 1 })) all.push(v.version)
    assert.deepEqual(all.sort(), ['1', '2'])

    await ctx.client.deleteModelVersion(name, 1)
    await rejectsWith(ctx.client.getModelVersion(name, 1), 'RESOURCE_DOES_NOT_EXIST', `version=1`)
    assert.equal((await ctx.client.createModelVersion(name, source, { runId })).version, '3')
  })

  test('stage transitions archive the previous Production version when asked, and getLatestVersions follows', async () => {
    const name = uniqueName('stages')
    await ctx.client.createRegisteredModel(name)
    const { runId, source } = await newRun()
    await ctx.client.createModelVersion(name, source, { runId })
    await ctx.client.createModelVersion(name, source, { runId })
    assert.equal((await ctx.client.transitionModelVersionStage(name, 1, 'production')).currentStage, 'Production')
    const promoted = await ctx.client.transitionModelVersionStage(name, 2, 'Production', { archiveExistingVersions: true })
    assert.equal(promoted.currentStage, 'Production')
    assert.equal((await ctx.client.getModelVersion(name, 1)).currentStage, 'Archived')
    const latest = await ctx.client.getLatestVersions(name, ['Production', 'archived'])
    assert.deepEqual(latest.map((v) => [v.version, v.currentStage]).sort(), [['1', 'Archived'], ['2', 'Production']])
    await rejectsWith(ctx.client.transitionModelVersionStage(name, 1, 'Retired'), 'INVALID_PARAMETER_VALUE', 'Invalid Model Version stage: Retired')
    await rejectsWith(
      ctx.client.transitionModelVersionStage(name, 1, 'Archived', { archiveExistingVersions: true }),
      'INVALID_PARAMETER_VALUE',
      'not an Active stage',
    )
  })

  test('aliases point at versions, move, and are deleted; reserved names are refused', async () => {
    const name = uniqueName('aliases')
    await ctx.client.createRegisteredModel(name)
    const { runId, source } = await newRun()
    await ctx.client.createModelVersion(name, source, { runId })
    await ctx.client.createModelVersion(name, source, { runId })
    await ctx.client.setRegisteredModelAlias(name, 'champion', 1)
    assert.equal((await ctx.client.getModelVersionByAlias(name, 'champion')).version, '1')
    await ctx.client.setRegisteredModelAlias(name, 'champion', '2')
    const moved = await ctx.client.getModelVersionByAlias(name, 'champion')
    assert.equal(moved.version, '2')
    assert.deepEqual(moved.aliases, ['champion'])
    assert.deepEqual((await ctx.client.getRegisteredModel(name)).aliases, [{ alias: 'champion', version: '2' }])
    await ctx.client.deleteRegisteredModelAlias(name, 'champion')
    // MLflow reports an unknown alias as INVALID_PARAMETER_VALUE, not RESOURCE_DOES_NOT_EXIST.
    await rejectsWith(ctx.client.getModelVersionByAlias(name, 'champion'), 'INVALID_PARAMETER_VALUE', 'alias champion not found')
    await rejectsWith(ctx.client.setRegisteredModelAlias(name, 'Latest', 1), 'INVALID_PARAMETER_VALUE', "'latest' alias name")
    await rejectsWith(ctx.client.setRegisteredModelAlias(name, 'v7', 1), 'INVALID_PARAMETER_VALUE', 'reserved')
    await rejectsWith(ctx.client.setRegisteredModelAlias(name, 'champion', 'two'), 'INVALID_PARAMETER_VALUE', "'version' must be an integer")
  })

  test('the audit trail records who changed what, from what to what, with the comment, newest first', async () => {
    const name = uniqueName('audit')
    await ctx.client.createRegisteredModel(name, { comment: 'new scorer' })
    const { runId, source } = await newRun()
    await ctx.client.createModelVersion(name, source, { runId })
    await ctx.client.transitionModelVersionStage(name, 1, 'Staging', { comment: 'passed offline eval' })
    await ctx.client.transitionModelVersionStage(name, 1, 'Production', { comment: 'A/B win' })
    const { items } = await ctx.client.searchRegistryEvents({ name })
    assert.deepEqual(
      items.map((e) => [e.entityType, e.action, e.version ?? '', e.fromValue ?? '', e.toValue ?? '', e.comment ?? '']),
      [
        ['MODEL_VERSION', 'TRANSITION_STAGE', '1', 'Staging', 'Production', 'A/B win'],
        ['MODEL_VERSION', 'TRANSITION_STAGE', '1', 'None', 'Staging', 'passed offline eval'],
        ['MODEL_VERSION', 'CREATE', '1', '', source, ''],
        ['REGISTERED_MODEL', 'CREATE', '', '', '', 'new scorer'],
      ],
    )
    assert.ok(items.every((e) => e.timestamp > 0 && e.eventId !== ''))
    const ofVersion: string[] = []
    for await (const event of ctx.client.searchAllRegistryEvents({ name, version: 1, maxResults: 1 })) ofVersion.push(event.action)
    assert.deepEqual(ofVersion, ['TRANSITION_STAGE', 'TRANSITION_STAGE', 'CREATE'])
    await rejectsWith(ctx.client.searchRegistryEvents({ version: 1 }), 'INVALID_PARAMETER_VALUE', "needs 'name'")
  })
}
