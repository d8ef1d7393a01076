// Orchard's orchard/runs/move (MLflow has no way to move runs): over the app's fetch handler, with
// access control off and on (SQLite and PostgreSQL).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ADMIN, openAuthTestApp } from './auth-harness.ts'
import type { AuthTestApp } from './auth-harness.ts'
import { expectError, openTestApp } from './harness.ts'
import type { TestApp } from './harness.ts'

const MOVE = '/api/2.0/orchard/runs/move'

describe('orchard/runs/move', () => {
  let t: TestApp
  let from: string
  let to: string
  const createRun = async (experimentId: string) => (await t.call('POST', 'runs/create', { experiment_id: experimentId })).json.run.info as { run_id: string; artifact_uri: string }
  before(async () => {
    t = await openTestApp()
    from = (await t.call('POST', 'experiments/create', { name: 'from' })).json.experiment_id
    to = (await t.call('POST', 'experiments/create', { name: 'to' })).json.experiment_id
  })
  after(() => t.close())

  it('moves runs on both prefixes and keeps their artifact_uri', async () => {
    const a = await createRun(from)
    const b = await createRun(from)
    const reply = await t.call('POST', MOVE, { run_ids: [a.run_id], experiment_id: to })
    assert.equal(reply.status, 200)
    assert.deepEqual(reply.json, {})
    assert.equal((await t.call('POST', '/ajax-api/2.0/orchard/runs/move', { run_ids: [b.run_id], experiment_id: to })).status, 200)
    for (const run of [a, b]) {
      const info = (await t.call('GET', 'runs/get', { run_id: run.run_id })).json.run.info
      assert.equal(info.experiment_id, to)
      assert.equal(info.artifact_uri, run.artifact_uri)
    }
  })

  it('moves nothing when a run is missing, and refuses bad input in MLflow’s error shape', async () => {
    const a = await createRun(from)
    const missing = 'a'.repeat(32)
    expectError(await t.call('POST', MOVE, { run_ids: [a.run_id, missing], experiment_id: to }), 404, 'RESOURCE_DOES_NOT_EXIST', `Run with id=${missing} not found`)
    assert.equal((await t.call('GET', 'runs/get', { run_id: a.run_id })).json.run.info.experiment_id, from)
    expectError(await t.call('POST', MOVE, { run_ids: [], experiment_id: to }), 400, 'INVALID_PARAMETER_VALUE', 'must specify at least one run_id')
    expectError(await t.call('POST', MOVE, { run_ids: [a.run_id] }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'experiment_id'")
    expectError(await t.call('POST', MOVE, { run_ids: [a.run_id], experiment_id: '424242' }), 404, 'RESOURCE_DOES_NOT_EXIST', '424242')
    expectError(await t.call('POST', MOVE, { run_ids: ['../x'], experiment_id: to }), 400, 'INVALID_PARAMETER_VALUE', 'run')
    expectError(await t.call('POST', MOVE, { run_ids: Array.from({ length: 1001 }, () => a.run_id), experiment_id: to }), 400, 'INVALID_PARAMETER_VALUE', 'cannot specify more than 1000 run_ids')
    const deleted = (await t.call('POST', 'experiments/create', { name: 'deleted' })).json.experiment_id
    await t.call('POST', 'experiments/delete', { experiment_id: deleted })
    expectError(await t.call('POST', MOVE, { run_ids: [a.run_id], experiment_id: deleted }), 400, 'INVALID_PARAMETER_VALUE', "must be in the 'active' state")
  })
})

const admin = { basic: ADMIN }
const alice = { basic: ['alice', 'alice-password-1'] as const }
const bob = { basic: ['bob', 'bob-password-12'] as const }

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`orchard/runs/move with access control (${backend})`, () => {
    let app: AuthTestApp
    before(async () => {
      app = await openAuthTestApp(backend)
      for (const [name, password] of [alice.basic, bob.basic]) assert.equal((await app.call('POST', 'users/create', { username: name, password }, admin)).status, 200)
    })
    after(() => app.close())

    it('needs EDIT on the runs’ experiment and on the destination', async () => {
      const alices = (await app.call('POST', 'experiments/create', { name: 'alice-exp' }, alice)).json.experiment_id
      const alicesOther = (await app.call('POST', 'experiments/create', { name: 'alice-other' }, alice)).json.experiment_id
      const bobs = (await app.call('POST', 'experiments/create', { name: 'bob-exp' }, bob)).json.experiment_id
      const run = (await app.call('POST', 'runs/create', { experiment_id: alices }, alice)).json.run.info.run_id
      const bobRun = (await app.call('POST', 'runs/create', { experiment_id: bobs }, bob)).json.run.info.run_id
      const where = async (runId: string) => (await app.call('GET', 'runs/get', { run_id: runId }, admin)).json.run.info.experiment_id
      // Alice may read Bob's experiment (default READ) but not write it: neither into it nor out of it.
      expectError(await app.call('POST', MOVE, { run_ids: [run], experiment_id: bobs }, alice), 403, 'PERMISSION_DENIED', 'Permission denied')
      expectError(await app.call('POST', MOVE, { run_ids: [run, bobRun], experiment_id: alicesOther }, alice), 403, 'PERMISSION_DENIED', 'Permission denied')
      assert.equal(await where(run), alices)
      assert.equal(await where(bobRun), bobs)
      assert.equal((await app.call('POST', MOVE, { run_ids: [run], experiment_id: alicesOther }, alice)).status, 200)
      assert.equal(await where(run), alicesOther)
      // With EDIT granted on Bob's experiment, Alice may move her run into it.
      assert.equal((await app.call('POST', 'experiments/permissions/create', { experiment_id: bobs, username: 'alice', permission: 'EDIT' }, bob)).status, 200)
      assert.equal((await app.call('POST', MOVE, { run_ids: [run], experiment_id: bobs }, alice)).status, 200)
      assert.equal(await where(run), bobs)
    })
  })
}
