import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Transport } from '../../src/index.ts'
import type { SuiteContext } from './context.ts'
import { rejectsWith, uniqueName } from '../harness.ts'

// Model URIs, registerModel, and the registry input checks of the bare Transport, on every transport.
export function describeModelUris(ctx: SuiteContext): void {
  const newRun = async () => {
    const run = await ctx.client.createRun(await ctx.client.createExperiment(uniqueName('uri')))
    return run.info
  }

  test('models:/ URIs by version, stage, latest and alias resolve to the version and its files', async () => {
    const name = uniqueName('resolve')
    const info = await newRun()
    const first = await ctx.client.registerModel(`runs:/${info.runId}/model`, name)
    const second = await ctx.client.registerModel(`runs:/${info.runId}/model-b`, name)
    await ctx.client.transitionModelVersionStage(name, first.version, 'Production')
    await ctx.client.setRegisteredModelAlias(name, 'champion', first.version)
    const cases: [string, string][] = [
      [`models:/${name}/1`, '1'],
      [`models:/${name}/2`, '2'],
      [`models:/${name}/production`, '1'],
      [`models:/${name}/latest`, '2'],
      [`models:/${name}@champion`, '1'],
    ]
    for (const [uri, version] of cases) {
      const resolved = await ctx.client.resolveModelUri(uri)
      assert.equal(resolved.modelVersion?.version, version, uri)
      assert.equal(resolved.artifactUri, version === '1' ? first.source : second.source, uri)
      assert.equal(resolved.runId, info.runId)
      assert.equal(resolved.uri, uri)
    }
    await rejectsWith(ctx.client.resolveModelUri(`models:/${name}/Staging`), 'RESOURCE_DOES_NOT_EXIST', `'${name}' and stage 'Staging'`)
    await rejectsWith(ctx.client.resolveModelUri(`models:/${name}/Shelved`), 'INVALID_PARAMETER_VALUE', 'Invalid Model Version stage')
    await rejectsWith(ctx.client.resolveModelUri(`models:/${name}@nobody`), 'INVALID_PARAMETER_VALUE', 'alias nobody not found')
    await rejectsWith(ctx.client.resolveModelUri(`models:/${name}/9`), 'RESOURCE_DOES_NOT_EXIST', 'version=9')
    await rejectsWith(ctx.client.resolveModelUri(`models:/${uniqueName('none')}/latest`), 'RESOURCE_DOES_NOT_EXIST')
  })

  test('runs:/ URIs resolve to the run artifact URI joined with the path', async () => {
    const info = await newRun()
    const resolved = await ctx.client.resolveModelUri(`runs:/${info.runId}/model/MLmodel`)
    assert.deepEqual(resolved, { uri: `runs:/${info.runId}/model/MLmodel`, runId: info.runId, artifactUri: `${info.artifactUri}/model/MLmodel` })
    assert.equal((await ctx.client.resolveModelUri(`runs:/${info.runId}`)).artifactUri, info.artifactUri)
    await rejectsWith(ctx.client.resolveModelUri(`runs:/${info.runId}/../other`), 'INVALID_PARAMETER_VALUE', "remove '..'")
    await rejectsWith(ctx.client.resolveModelUri('runs:/'), 'INVALID_PARAMETER_VALUE', 'Not a proper runs:/ URI')
    await rejectsWith(ctx.client.resolveModelUri('runs:/0123456789abcdef0123456789abcdef/model'), 'RESOURCE_DOES_NOT_EXIST')
  })

  test('other URIs are refused with the forms that work', async () => {
    await rejectsWith(ctx.client.resolveModelUri('s3://bucket/model'), 'INVALID_PARAMETER_VALUE', 'models:/<name>@<alias> or runs:/<run_id>/<path>')
    await rejectsWith(ctx.client.resolveModelUri('models:/a/b/c'), 'INVALID_PARAMETER_VALUE', 'Not a proper models:/ URI')
    await rejectsWith(ctx.client.resolveModelUri('models:/m-abc123'), 'INVALID_PARAMETER_VALUE', 'logged model')
  })

  test('registerModel creates the model once, takes the source and run from a runs:/ URI, and tags the version', async () => {
    const name = uniqueName('register')
    const info = await newRun()
    const v1 = await ctx.client.registerModel(`runs:/${info.runId}/model`, name, { tags: { data: '2024-05' }, description: 'baseline' })
    assert.equal(v1.version, '1')
    assert.equal(v1.status, 'READY')
    assert.equal(v1.source, `${info.artifactUri}/model`)
    assert.equal(v1.runId, info.runId)
    assert.equal(v1.description, 'baseline')
    assert.deepEqual(v1.tags, [{ key: 'data', value: '2024-05' }])
    const v2 = await ctx.client.registerModel(`models:/${name}/1`, name, { awaitReadyMs: 0 })
    assert.equal(v2.version, '2')
    assert.equal(v2.source, `models:/${name}/1`)
    assert.equal((await ctx.client.resolveModelUri(`models:/${name}/2`)).artifactUri, v1.source, 'a models:/ source records where the files are')
  })

  test('concurrent registerModel calls on a new name both succeed, as two versions', async () => {
    const name = uniqueName('race')
    const info = await newRun()
    const other = ctx.newClient()
    const versions = await Promise.all([
      ctx.client.registerModel(`runs:/${info.runId}/model`, name),
      other.registerModel(`runs:/${info.runId}/model`, name),
    ])
    assert.deepEqual(versions.map((v) => v.version).sort(), ['1', '2'])
  })

  test('registerModel of an unknown run fails before creating a version', async () => {
    const name = uniqueName('no-run')
    await rejectsWith(ctx.client.registerModel('runs:/0123456789abcdef0123456789abcdef/model', name), 'RESOURCE_DOES_NOT_EXIST')
    assert.deepEqual((await ctx.client.searchModelVersions({ filterString: `name = '${name}'` })).items, [])
  })

  describeRegistryTransportChecks(ctx)
}

function describeRegistryTransportChecks(ctx: SuiteContext): void {
  let transport: Transport
  before(async () => {
    transport = await ctx.target.openTransport()
  })
  after(() => transport.close())

  test('registry requests with an empty required field name it in MLflow’s words', async () => {
    const missing = (field: string) => `Missing value for required parameter '${field}'`
    await rejectsWith(transport.createRegisteredModel({ name: '' }), 'INVALID_PARAMETER_VALUE', missing('name'))
    await rejectsWith(transport.getModelVersion('m', ''), 'INVALID_PARAMETER_VALUE', missing('version'))
    await rejectsWith(transport.createModelVersion({ name: 'm', source: '' }), 'INVALID_PARAMETER_VALUE', missing('source'))
    await rejectsWith(transport.renameRegisteredModel('m', ''), 'INVALID_PARAMETER_VALUE', missing('new_name'))
  })

  test('a version that is not an integer, a bad page size and a relative source are INVALID_PARAMETER_VALUE', async () => {
    await rejectsWith(transport.getModelVersion('m', 'one'), 'INVALID_PARAMETER_VALUE', "'version' must be an integer")
    await rejectsWith(transport.searchModelVersions({ maxResults: 0 }), 'INVALID_PARAMETER_VALUE', 'max_results')
    await rejectsWith(transport.searchRegisteredModels({ maxResults: 1001 }), 'INVALID_PARAMETER_VALUE', "Invalid value 1001 for parameter 'max_results' supplied")
    const name = uniqueName('checks')
    await transport.createRegisteredModel({ name })
    await rejectsWith(transport.createModelVersion({ name, source: 's3://bucket/a/../../b' }), 'INVALID_PARAMETER_VALUE', 'relative path')
  })

  test('a local path source needs the run whose artifacts hold it', async () => {
    const name = uniqueName('local')
    await transport.createRegisteredModel({ name })
    await rejectsWith(transport.createModelVersion({ name, source: '/etc' }), 'INVALID_PARAMETER_VALUE', 'has to be specified')
  })
}
