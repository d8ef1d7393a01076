import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rejectsWith } from '../suite/harness.ts'
import type { Open } from './opener.ts'

export function describeModelUris(open: Open): void {
  describe('model URIs', () => {
    it('resolves models:/ URIs by version, stage, latest and alias to the version and its source', async () => {
      const { store } = await open()
      await store.createRegisteredModel({ name: 'm' })
      for (let i = 1; i <= 4; i++) await store.createModelVersion({ name: 'm', source: `s3://b/m/${i}` })
      await store.transitionModelVersionStage('m', '2', 'Production', false)
      await store.transitionModelVersionStage('m', '3', 'Production', false)
      await store.setRegisteredModelAlias('m', 'champion', '1')
      const source = async (uri: string) => (await store.resolveModelUri(uri)).source
      assert.equal(await source('models:/m/2'), 's3://b/m/2')
      assert.equal(await source('models:/m/production'), 's3://b/m/3')
      assert.equal(await source('models:/m/latest'), 's3://b/m/4')
      assert.equal(await source('models:/m@champion'), 's3://b/m/1')
      await rejectsWith(store.resolveModelUri('models:/m/Staging'), 'RESOURCE_DOES_NOT_EXIST', "No versions of model with name 'm' and stage 'Staging' found")
      await rejectsWith(store.resolveModelUri('models:/m/Live'), 'INVALID_PARAMETER_VALUE', 'Invalid Model Version stage: Live')
      await rejectsWith(store.resolveModelUri('models:/m/9'), 'RESOURCE_DOES_NOT_EXIST', 'version=9')
      await rejectsWith(store.resolveModelUri('models:/x/latest'), 'RESOURCE_DOES_NOT_EXIST', 'name=x not found')
      await rejectsWith(store.resolveModelUri('models:/m@nobody'), 'INVALID_PARAMETER_VALUE', 'alias nobody not found')
      await rejectsWith(store.resolveModelUri('models:/m-abc'), 'INVALID_PARAMETER_VALUE', 'names a logged model')
      await rejectsWith(store.resolveModelUri('runs:/abc/model'), 'INVALID_PARAMETER_VALUE', 'Not a proper models:/ URI')
    })
  })
}
