import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Open } from './opener.ts'

export function describeRegistryAudit(open: Open): void {
  describe('audit trail', () => {
    it('records every change with who, when, from, to and the comment, newest first', async () => {
      const { store, clock } = await open()
      const note = { userId: 'ada', comment: 'why' }
      await store.createRegisteredModel({ name: 'm', description: 'd0' }, note)
      await store.updateRegisteredModel('m', 'd1')
      await store.setRegisteredModelTag('m', { key: 'k', value: '1' })
      await store.setRegisteredModelTag('m', { key: 'k', value: '1' })
      await store.setRegisteredModelTag('m', { key: 'k', value: '2' })
      await store.deleteRegisteredModelTag('m', 'k')
      await store.createModelVersion({ name: 'm', source: 's1' })
      await store.createModelVersion({ name: 'm', source: 's2' })
      await store.updateModelVersion('m', '1', 'v-desc')
      await store.setModelVersionTag('m', '1', { key: 't', value: 'x' })
      await store.deleteModelVersionTag('m', '1', 't')
      await store.transitionModelVersionStage('m', '1', 'Production', false)
      clock.advance(7)
      await store.transitionModelVersionStage('m', '2', 'Production', true, { comment: 'promote' })
      await store.setRegisteredModelAlias('m', 'champion', '1')
      await store.setRegisteredModelAlias('m', 'champion', '2')
      await store.setRegisteredModelAlias('m', 'old', '1')
      await store.deleteRegisteredModelAlias('m', 'champion')
      await store.deleteModelVersion('m', '1')
      await store.renameRegisteredModel('m', 'n')
      await store.deleteRegisteredModel('n', { userId: 'bob' })
      const events = (await store.searchRegistryEvents({ name: 'n', maxResults: 100 })).items
      const summary = events.map((e) => [e.action, e.name, e.version ?? '', e.key ?? '', e.fromValue ?? '', e.toValue ?? ''].join(' ').trim())
      assert.deepEqual(summary.reverse(), [
        'CREATE m    d0',
        'UPDATE_DESCRIPTION m   d0 d1',
        'SET_TAG m  k  1',
        'SET_TAG m  k 1 2',
        'DELETE_TAG m  k 2',
        'CREATE m 1   s1',
        'CREATE m 2   s2',
        'UPDATE_DESCRIPTION m 1   v-desc',
        'SET_TAG m 1 t  x',
        'DELETE_TAG m 1 t x',
        'TRANSITION_STAGE m 1  None Production',
        'TRANSITION_STAGE m 1  Production Archived',
        'TRANSITION_STAGE m 2  None Production',
        'SET_ALIAS m  champion  1',
        'MOVE_ALIAS m  champion 1 2',
        'SET_ALIAS m  old  1',
        'DELETE_ALIAS m  champion 2',
        'DELETE_ALIAS m  old 1',
        'DELETE m 1  s1',
        'RENAME m   m n',
        'DELETE n',
      ])
      const [deleted] = events
      assert.equal(deleted?.userId, 'bob')
      const created = events.at(-1)
      assert.deepEqual([created?.userId, created?.comment, created?.entityType], ['ada', 'why', 'REGISTERED_MODEL'])
      const archived = events.find((e) => e.toValue === 'Archived')
      assert.deepEqual([archived?.comment, archived?.timestamp, archived?.entityType], ['promote', clock.time, 'MODEL_VERSION'])
    })

    it('filters by version and pages newest first', async () => {
      const { store } = await open()
      await store.createRegisteredModel({ name: 'm' })
      await store.createModelVersion({ name: 'm', source: 's' })
      for (let i = 0; i < 5; i++) await store.setModelVersionTag('m', '1', { key: 'k', value: String(i) })
      const first = await store.searchRegistryEvents({ name: 'm', version: '1', maxResults: 4 })
      assert.deepEqual(first.items.map((e) => e.toValue), ['4', '3', '2', '1'])
      const second = await store.searchRegistryEvents({ name: 'm', version: '1', maxResults: 4, pageToken: first.nextPageToken as string })
      assert.deepEqual(second.items.map((e) => e.toValue), ['0', 's'])
      assert.equal(second.nextPageToken, undefined)
      assert.equal((await store.searchRegistryEvents({ name: 'other', maxResults: 4 })).items.length, 0)
    })
  })
}
