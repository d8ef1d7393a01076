import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rejectsWith } from '../suite/harness.ts'
import type { Open } from './opener.ts'

export function describeModelVersions(open: Open): void {
  describe('model versions', () => {
    it('numbers versions 1, 2, … per model and never reuses a deleted number', async () => {
      const { store } = await open()
      await store.createRegisteredModel({ name: 'a' })
      await store.createRegisteredModel({ name: 'b' })
      assert.equal((await store.createModelVersion({ name: 'a', source: 's' })).version, '1')
      assert.equal((await store.createModelVersion({ name: 'a', source: 's' })).version, '2')
      assert.equal((await store.createModelVersion({ name: 'b', source: 's' })).version, '1')
      await store.deleteModelVersion('a', '2')
      assert.equal((await store.createModelVersion({ name: 'a', source: 's' })).version, '3')
      await rejectsWith(store.getModelVersion('a', '2'), 'RESOURCE_DOES_NOT_EXIST', 'version=2')
      await rejectsWith(store.createModelVersion({ name: 'zz', source: 's' }), 'RESOURCE_DOES_NOT_EXIST', 'name=zz not found')
    })

    it('hands out distinct numbers to concurrent creates', async () => {
      const { store } = await open()
      await store.createRegisteredModel({ name: 'm' })
      const created = await Promise.all(Array.from({ length: 25 }, (_, i) => store.createModelVersion({ name: 'm', source: `s/${i}` })))
      assert.deepEqual(
        created.map((v) => Number(v.version)).sort((x, y) => x - y),
        Array.from({ length: 25 }, (_, i) => i + 1),
      )
    })

    it('stores every field of a version and bumps the model on create', async () => {
      const { store, clock } = await open()
      await store.createRegisteredModel({ name: 'm' })
      clock.advance(5)
      const version = await store.createModelVersion(
        { name: 'm', source: 'runs:/r1/model', runId: 'r1', runLink: 'http://x/r1', description: 'hello', tags: [{ key: 't', value: 'v' }] },
        { userId: 'ada' },
      )
      assert.deepEqual(version, {
        name: 'm',
        version: '1',
        creationTimestamp: clock.time,
        lastUpdatedTimestamp: clock.time,
        currentStage: 'None',
        source: 'runs:/r1/model',
        status: 'READY',
        userId: 'ada',
        description: 'hello',
        runId: 'r1',
        runLink: 'http://x/r1',
        tags: [{ key: 't', value: 'v' }],
        aliases: [],
      })
      assert.equal((await store.getRegisteredModel('m')).lastUpdatedTimestamp, clock.time)
      assert.equal(await store.getModelVersionDownloadUri('m', '1'), 'runs:/r1/model')
      assert.equal((await store.updateModelVersion('m', '1', 'bye')).description, 'bye')
      await rejectsWith(store.getModelVersion('m', 'x1'), 'INVALID_PARAMETER_VALUE', "Parameter 'version' must be an integer, got 'x1'")
    })

    it('tags versions; deleting a missing tag is a no-op', async () => {
      const { store } = await open()
      await store.createRegisteredModel({ name: 'm' })
      await store.createModelVersion({ name: 'm', source: 's' })
      await store.setModelVersionTag('m', '1', { key: 'k', value: 'v' })
      assert.deepEqual((await store.getModelVersion('m', '1')).tags, [{ key: 'k', value: 'v' }])
      await store.deleteModelVersionTag('m', '1', 'k')
      await store.deleteModelVersionTag('m', '1', 'k')
      assert.deepEqual((await store.getModelVersion('m', '1')).tags, [])
      await rejectsWith(store.setModelVersionTag('m', '9', { key: 'k', value: 'v' }), 'RESOURCE_DOES_NOT_EXIST', 'version=9')
    })
  })
  describe('stages', () => {
    it('transitions stages and archives the others in the target stage on request', async () => {
      const { store } = await open()
      await store.createRegisteredModel({ name: 'm' })
      for (let i = 0; i < 3; i++) await store.createModelVersion({ name: 'm', source: 's' })
      await store.transitionModelVersionStage('m', '1', 'Production', false)
      await store.transitionModelVersionStage('m', '2', 'Production', false)
      const third = await store.transitionModelVersionStage('m', '3', 'Production', true)
      assert.equal(third.currentStage, 'Production')
      assert.equal((await store.getModelVersion('m', '1')).currentStage, 'Archived')
      assert.equal((await store.getModelVersion('m', '2')).currentStage, 'Archived')
      await rejectsWith(store.transitionModelVersionStage('m', '1', 'Archived', true), 'INVALID_PARAMETER_VALUE', 'is not an Active stage')
    })

    it('reports the highest version per stage, optionally only some stages', async () => {
      const { store } = await open()
      await store.createRegisteredModel({ name: 'm' })
      for (let i = 0; i < 4; i++) await store.createModelVersion({ name: 'm', source: `s${i + 1}` })
      await store.transitionModelVersionStage('m', '1', 'Staging', false)
      await store.transitionModelVersionStage('m', '2', 'Production', false)
      const latest = await store.getLatestVersions('m')
      assert.deepEqual(latest.map((v) => [v.currentStage, v.version]), [['None', '4'], ['Staging', '1'], ['Production', '2']])
      assert.deepEqual((await store.getLatestVersions('m', ['production', 'ARCHIVED'])).map((v) => v.version), ['2'])
      assert.deepEqual((await store.getRegisteredModel('m')).latestVersions.map((v) => v.version), ['4', '1', '2'])
      await rejectsWith(store.getLatestVersions('m', ['Live']), 'INVALID_PARAMETER_VALUE', 'Invalid Model Version stage: Live')
      await rejectsWith(store.getLatestVersions('x'), 'RESOURCE_DOES_NOT_EXIST', 'name=x')
    })
  })
  describe('aliases', () => {
    it('sets, moves and deletes aliases, shown on the model and its versions', async () => {
      const { store } = await open()
      await store.createRegisteredModel({ name: 'm' })
      await store.createModelVersion({ name: 'm', source: 's1' })
      await store.createModelVersion({ name: 'm', source: 's2' })
      await store.setRegisteredModelAlias('m', 'champion', '1')
      await store.setRegisteredModelAlias('m', 'challenger', '1')
      assert.deepEqual((await store.getModelVersion('m', '1')).aliases, ['challenger', 'champion'])
      await store.setRegisteredModelAlias('m', 'champion', '2')
      assert.deepEqual((await store.getRegisteredModel('m')).aliases, [
        { alias: 'challenger', version: '1' },
        { alias: 'champion', version: '2' },
      ])
      assert.equal((await store.getModelVersionByAlias('m', 'champion')).version, '2')
      assert.equal((await store.getModelVersionByAlias('m', 'LATEST')).version, '2')
      await store.deleteRegisteredModelAlias('m', 'champion')
      await store.deleteRegisteredModelAlias('m', 'champion')
      await rejectsWith(store.getModelVersionByAlias('m', 'champion'), 'INVALID_PARAMETER_VALUE', 'Registered model alias champion not found')
      await rejectsWith(store.setRegisteredModelAlias('m', 'a', '7'), 'RESOURCE_DOES_NOT_EXIST', 'version=7')
    })

    it('drops the aliases of a deleted version', async () => {
      const { store } = await open()
      await store.createRegisteredModel({ name: 'm' })
      await store.createModelVersion({ name: 'm', source: 's1' })
      await store.setRegisteredModelAlias('m', 'champion', '1')
      await store.deleteModelVersion('m', '1')
      assert.deepEqual((await store.getRegisteredModel('m')).aliases, [])
      await rejectsWith(store.getModelVersionByAlias('m', 'latest'), 'RESOURCE_DOES_NOT_EXIST', 'Latest version not found')
    })
  })
}
