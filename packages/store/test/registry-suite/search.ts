import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rejectsWith } from '../suite/harness.ts'
import type { Open } from './opener.ts'

export function describeRegistrySearch(open: Open): void {
  describe('search', () => {
    it('filters registered models on name and tags, orders and pages them', async () => {
      const { store, clock } = await open()
      for (const name of ['beta', 'Alpha', 'gamma', 'alpha-2']) {
        clock.advance(1)
        await store.createRegisteredModel({ name, tags: name.startsWith('a') || name.startsWith('A') ? [{ key: 'team', value: 'x' }] : [] })
      }
      const names = async (filter?: string, orderBy?: string[]) =>
        (await store.searchRegisteredModels({ maxResults: 100, ...(filter ? { filter } : {}), ...(orderBy ? { orderBy } : {}) })).items.map((m) => m.name)
      assert.deepEqual(await names(), ['Alpha', 'alpha-2', 'beta', 'gamma'])
      assert.deepEqual(await names("name LIKE 'alpha%'"), ['alpha-2'])
      assert.deepEqual(await names("name ILIKE 'alpha%'"), ['Alpha', 'alpha-2'])
      assert.deepEqual(await names("name = 'beta'"), ['beta'])
      assert.deepEqual(await names("tags.team = 'x'"), ['Alpha', 'alpha-2'])
      assert.deepEqual(await names(undefined, ['timestamp DESC']), ['alpha-2', 'gamma', 'Alpha', 'beta'])
      assert.deepEqual(await names(undefined, ['last_updated_timestamp ASC']), ['beta', 'Alpha', 'gamma', 'alpha-2'])
      assert.deepEqual(await names(undefined, ['name DESC']), ['gamma', 'beta', 'alpha-2', 'Alpha'])
      const first = await store.searchRegisteredModels({ maxResults: 3 })
      assert.ok(first.nextPageToken)
      const second = await store.searchRegisteredModels({ maxResults: 3, pageToken: first.nextPageToken })
      assert.deepEqual(second.items.map((m) => m.name), ['gamma'])
      assert.equal(second.nextPageToken, undefined)
      await rejectsWith(store.searchRegisteredModels({ maxResults: 3, filter: "creation_time > 1" }), 'INVALID_PARAMETER_VALUE', "invalid attribute key 'creation_time'")
      await rejectsWith(store.searchRegisteredModels({ maxResults: 3, orderBy: ['owner'] }), 'INVALID_PARAMETER_VALUE', "Invalid order by key 'owner'")
    })

    it('filters model versions on name, version_number, run_id, source_path and tags', async () => {
      const { store, clock } = await open()
      await store.createRegisteredModel({ name: 'a' })
      await store.createRegisteredModel({ name: 'b' })
      for (const [name, runId] of [['a', 'r1'], ['a', 'r2'], ['b', 'r3']] as const) {
        clock.advance(1)
        await store.createModelVersion({ name, source: `s3://bucket/${name}/${runId}`, runId, tags: [{ key: 'run', value: runId }] })
      }
      const found = async (filter?: string, orderBy?: string[]) =>
        (await store.searchModelVersions({ maxResults: 100, ...(filter ? { filter } : {}), ...(orderBy ? { orderBy } : {}) })).items.map(
          (v) => `${v.name}/${v.version}`,
        )
      assert.deepEqual(await found(), ['b/1', 'a/2', 'a/1'])
      assert.deepEqual(await found("name = 'a'"), ['a/2', 'a/1'])
      assert.deepEqual(await found("name = 'a' AND version_number > 1"), ['a/2'])
      assert.deepEqual(await found("run_id IN ('r1', 'r3')"), ['b/1', 'a/1'])
      assert.deepEqual(await found("source_path LIKE 's3://bucket/a/%'", ['version_number ASC']), ['a/1', 'a/2'])
      assert.deepEqual(await found("tags.run = 'r2'"), ['a/2'])
      assert.deepEqual(await found(undefined, ['name ASC', 'version_number ASC']), ['a/1', 'a/2', 'b/1'])
      const first = await store.searchModelVersions({ maxResults: 2 })
      const second = await store.searchModelVersions({ maxResults: 2, pageToken: first.nextPageToken as string })
      assert.deepEqual(second.items.map((v) => `${v.name}/${v.version}`), ['a/1'])
      await rejectsWith(store.searchModelVersions({ maxResults: 2, filter: "name IN ('a')" }), 'INVALID_PARAMETER_VALUE', 'IN')
      await rejectsWith(store.searchModelVersions({ maxResults: 2, orderBy: ['name', 'name DESC'] }), 'INVALID_PARAMETER_VALUE', 'duplicate fields')
    })
    it('leaves MLflow 3 prompts out of searches unless the filter asks for them', async () => {
      const { store } = await open()
      const prompt = [{ key: 'mlflow.prompt.is_prompt', value: 'true' }]
      await store.createRegisteredModel({ name: 'model' })
      await store.createRegisteredModel({ name: 'prompt', tags: prompt })
      await store.createModelVersion({ name: 'model', source: 's' })
      await store.createModelVersion({ name: 'prompt', source: 's', tags: prompt })
      const models = async (filter?: string) =>
        (await store.searchRegisteredModels({ maxResults: 10, ...(filter ? { filter } : {}) })).items.map((m) => m.name)
      const versions = async (filter?: string) =>
        (await store.searchModelVersions({ maxResults: 10, ...(filter ? { filter } : {}) })).items.map((v) => v.name)
      assert.deepEqual(await models(), ['model'])
      assert.deepEqual(await models("tags.`mlflow.prompt.is_prompt` = 'true'"), ['prompt'])
      assert.deepEqual(await models("tags.`mlflow.prompt.is_prompt` = 'false'"), ['model'])
      assert.deepEqual(await versions(), ['model'])
      assert.deepEqual(await versions("tags.`mlflow.prompt.is_prompt` = 'true'"), ['prompt'])
    })
  })
}
