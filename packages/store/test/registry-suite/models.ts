import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rejectsWith } from '../suite/harness.ts'
import type { Open } from './opener.ts'

export function describeRegisteredModels(open: Open): void {
  describe('registered models', () => {
    it('creates a model with tags and a description and reads it back', async () => {
      const { store, clock } = await open()
      const created = await store.createRegisteredModel({ name: 'fraud', description: 'd', tags: [{ key: 'b', value: '2' }, { key: 'a', value: '1' }] })
      assert.deepEqual(created, {
        name: 'fraud',
        creationTimestamp: clock.time,
        lastUpdatedTimestamp: clock.time,
        description: 'd',
        latestVersions: [],
        tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }],
        aliases: [],
      })
      assert.deepEqual(await store.getRegisteredModel('fraud'), created)
    })

    it('refuses a duplicate name and reports unknown models', async () => {
      const { store } = await open()
      await store.createRegisteredModel({ name: 'm' })
      await rejectsWith(store.createRegisteredModel({ name: 'm' }), 'RESOURCE_ALREADY_EXISTS', 'Registered Model (name=m) already exists')
      await rejectsWith(store.getRegisteredModel('nope'), 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=nope not found')
      await rejectsWith(store.deleteRegisteredModel('nope'), 'RESOURCE_DOES_NOT_EXIST', 'name=nope not found')
    })

    it('lets exactly one of several concurrent creates of a name win', async () => {
      const { store } = await open()
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => store.createRegisteredModel({ name: 'race' })))
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
      for (const result of results) {
        if (result.status === 'rejected') {
          assert.match(String(result.reason.message), /^Registered Model \(name=race\) already exists\.$/)
          assert.equal(result.reason.code, 'RESOURCE_ALREADY_EXISTS')
        }
      }
    })

    it('renames a model; its versions follow and the old name is free', async () => {
      const { store, clock } = await open()
      await store.createRegisteredModel({ name: 'old' })
      await store.createModelVersion({ name: 'old', source: 's3://b/1' })
      await store.createRegisteredModel({ name: 'taken' })
      await rejectsWith(store.renameRegisteredModel('old', 'taken'), 'RESOURCE_ALREADY_EXISTS', 'name=taken')
      clock.advance(10)
      const renamed = await store.renameRegisteredModel('old', 'new')
      assert.equal(renamed.name, 'new')
      assert.equal(renamed.lastUpdatedTimestamp, clock.time)
      const version = await store.getModelVersion('new', '1')
      assert.equal(version.name, 'new')
      assert.equal(version.lastUpdatedTimestamp, clock.time)
      await rejectsWith(store.getRegisteredModel('old'), 'RESOURCE_DOES_NOT_EXIST', 'name=old')
      await store.createRegisteredModel({ name: 'old' })
    })

    it('updates the description and deletes a model with everything in it', async () => {
      const { store } = await open()
      await store.createRegisteredModel({ name: 'm', description: 'first' })
      assert.equal((await store.updateRegisteredModel('m', 'second')).description, 'second')
      await store.createModelVersion({ name: 'm', source: 'x', tags: [{ key: 'k', value: 'v' }] })
      await store.setRegisteredModelAlias('m', 'champion', '1')
      await store.deleteRegisteredModel('m')
      await rejectsWith(store.getModelVersion('m', '1'), 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=m, version=1) not found')
      await store.createRegisteredModel({ name: 'm' })
      assert.equal((await store.createModelVersion({ name: 'm', source: 'y' })).version, '1', 'a new model starts again at 1')
    })

    it('sets, overwrites and deletes tags; deleting a missing tag is a no-op', async () => {
      const { store } = await open()
      await store.createRegisteredModel({ name: 'm' })
      await store.setRegisteredModelTag('m', { key: 'k', value: '1' })
      await store.setRegisteredModelTag('m', { key: 'k', value: '2' })
      assert.deepEqual((await store.getRegisteredModel('m')).tags, [{ key: 'k', value: '2' }])
      await store.deleteRegisteredModelTag('m', 'k')
      await store.deleteRegisteredModelTag('m', 'k')
      assert.deepEqual((await store.getRegisteredModel('m')).tags, [])
      await rejectsWith(store.setRegisteredModelTag('x', { key: 'k', value: '1' }), 'RESOURCE_DOES_NOT_EXIST', 'name=x')
    })
  })
}
