import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { expectError, openTestApp } from './harness.ts'
import type { TestApp } from './harness.ts'

describe('artifacts/list', () => {
  let t: TestApp
  let runId: string
  before(async () => {
    t = await openTestApp()
    const run = (await t.call('POST', 'runs/create', { experiment_id: '0' })).json.run
    runId = run.info.run_id
    const root = join(t.dir, 'artifacts', '0', runId, 'artifacts')
    await mkdir(join(root, 'model'), { recursive: true })
    await writeFile(join(root, 'model', 'MLmodel'), 'flavors: {}\n')
    await writeFile(join(root, 'notes.txt'), 'hello')
  })
  after(() => t.close())

  it('lists one level with sizes and directories', async () => {
    const reply = await t.call('GET', 'artifacts/list', { run_id: runId })
    assert.equal(reply.json.root_uri, `mlflow-artifacts:/0/${runId}/artifacts`)
    assert.deepEqual(reply.json.files, [
      { path: 'model', is_dir: true },
      { path: 'notes.txt', is_dir: false, file_size: 5 },
    ])
    const nested = await t.call('GET', 'artifacts/list', { run_id: runId, path: 'model' })
    assert.deepEqual(nested.json.files, [{ path: 'model/MLmodel', is_dir: false, file_size: 12 }])
  })

  it('returns an empty list for a path that does not exist', async () => {
    const reply = await t.call('GET', 'artifacts/list', { run_id: runId, path: 'nothing/here' })
    assert.deepEqual(reply.json, { root_uri: `mlflow-artifacts:/0/${runId}/artifacts` })
  })

  for (const path of ['../..', '../../../etc', '/etc', '%2e%2e/%2e%2e', 'a\\..\\..']) {
    it(`refuses to list ${JSON.stringify(path)}`, async () => {
      expectError(await t.call('GET', 'artifacts/list', { run_id: runId, path }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid path')
    })
  }
})
