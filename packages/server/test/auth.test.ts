import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ADMIN, openAuthTestApp } from './auth-harness.ts'
import type { AuthTestApp } from './auth-harness.ts'

const admin = { basic: ADMIN }
const alice = { basic: ['alice', 'alice-password-1'] as const }
const bob = { basic: ['bob', 'bob-password-12'] as const }

for (const backend of ['sqlite', 'postgres'] as const) describe(`access control (${backend})`, () => {
  let app: AuthTestApp
  before(async () => {
    app = await openAuthTestApp(backend)
    for (const [name, password] of [alice.basic, bob.basic]) {
      assert.equal((await app.call('POST', 'users/create', { username: name, password }, admin)).status, 200)
    }
  })
  after(() => app.close())

  test('answers 401 with WWW-Authenticate: Basic without credentials or with a wrong password', async () => {
    const none = await app.call('GET', 'experiments/search')
    assert.equal(none.status, 401)
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /)
    assert.equal(none.json.error_code, 'UNAUTHENTICATED')
    const wrong = await app.call('GET', 'experiments/search', undefined, { basic: ['alice', 'not-her-password'] })
    assert.equal(wrong.status, 401)
    const unknown = await app.call('GET', 'experiments/search', undefined, { basic: ['nobody', 'whatever-password'] })
    assert.equal(unknown.status, 401)
    const garbage = await app.call('GET', 'experiments/search', undefined, undefined, { authorization: 'Basic !!!' })
    assert.equal(garbage.status, 401)
  })

  test('leaves /health and /ready open and guards the UI', async () => {
    assert.equal((await app.call('GET', '/health')).status, 200)
    assert.equal((await app.call('GET', '/ready')).status, 200)
    // Signed out, a browser opening a page is sent to the sign-in page (a script gets 401).
    const page = await app.call('GET', '/', undefined, undefined, { accept: 'text/html' })
    assert.equal(page.status, 302)
    assert.equal(page.headers.get('location'), '/login?next=%2F')
  })

  test('gives the creator MANAGE and others the default READ, and answers 403 PERMISSION_DENIED', async () => {
    const created = await app.call('POST', 'experiments/create', { name: 'alice-exp' }, alice)
    assert.equal(created.status, 200)
    const id = created.json.experiment_id as string
    const grant = await app.call('GET', 'experiments/permissions/get', { experiment_id: id, username: 'alice' }, admin)
    assert.equal(grant.json.experiment_permission.permission, 'MANAGE')
    // bob reads (default READ) but may not rename or delete
    assert.equal((await app.call('GET', 'experiments/get', { experiment_id: id }, bob)).status, 200)
    const rename = await app.call('POST', 'experiments/update', { experiment_id: id, new_name: 'mine' }, bob)
    assert.equal(rename.status, 403)
    assert.equal(rename.json.error_code, 'PERMISSION_DENIED')
    assert.equal((await app.call('POST', 'experiments/delete', { experiment_id: id }, bob)).status, 403)
    // bob may not grant himself anything
    const selfGrant = await app.call('POST', 'experiments/permissions/create', { experiment_id: id, username: 'bob', permission: 'MANAGE' }, bob)
    assert.equal(selfGrant.status, 403)
    // alice (MANAGE) gives bob EDIT: now he may rename but still not delete
    const given = await app.call('POST', 'experiments/permissions/create', { experiment_id: id, username: 'bob', permission: 'EDIT' }, alice)
    assert.equal(given.status, 200)
    assert.deepEqual(given.json.experiment_permission, { experiment_id: id, user_id: given.json.experiment_permission.user_id, permission: 'EDIT' })
    assert.equal((await app.call('POST', 'experiments/update', { experiment_id: id, new_name: 'shared' }, bob)).status, 200)
    assert.equal((await app.call('POST', 'experiments/delete', { experiment_id: id }, bob)).status, 403)
    // runs inherit the experiment's permission
    const run = await app.call('POST', 'runs/create', { experiment_id: id }, bob)
    assert.equal(run.status, 200)
    await app.call('PATCH', 'experiments/permissions/update', { experiment_id: id, username: 'bob', permission: 'READ' }, alice)
    const log = await app.call('POST', 'runs/log-parameter', { run_id: run.json.run.info.run_id, key: 'a', value: '1' }, bob)
    assert.equal(log.status, 403)
    assert.equal((await app.call('GET', 'runs/get', { run_id: run.json.run.info.run_id }, bob)).status, 200)
  })

  test('checks the field the handler reads: a query string cannot stand in for the body', async () => {
    const created = await app.call('POST', 'experiments/create', { name: 'alice-private' }, alice)
    const id = created.json.experiment_id as string
    await app.call('POST', 'experiments/permissions/create', { experiment_id: id, username: 'bob', permission: 'NO_PERMISSIONS' }, admin)
    const bobs = await app.call('POST', 'experiments/create', { name: 'bob-exp' }, bob)
    const sneaky = await app.call('POST', `experiments/delete?experiment_id=${bobs.json.experiment_id}`, { experiment_id: id }, bob)
    assert.equal(sneaky.status, 403)
    assert.equal((await app.call('GET', 'experiments/get', { experiment_id: id }, alice)).json.experiment.lifecycle_stage, 'active')
    const run = await app.call('POST', 'runs/create', { experiment_id: id }, alice)
    const runId = run.json.run.info.run_id as string
    const bobRun = await app.call('POST', 'runs/create', { experiment_id: bobs.json.experiment_id }, bob)
    // run_id names bob's run, the legacy run_uuid alice's: both must pass
    const both = await app.call('GET', '/get-artifact', { path: 'x', run_id: bobRun.json.run.info.run_id, run_uuid: runId }, bob)
    assert.equal(both.status, 403)
  })

  test('filters searches in SQL: hidden experiments never appear, pages stay full', async () => {
    const hidden: string[] = []
    for (let i = 0; i < 5; i++) {
      const created = await app.call('POST', 'experiments/create', { name: `hidden-${i}` }, alice)
      hidden.push(created.json.experiment_id)
      await app.call('POST', 'experiments/permissions/create', { experiment_id: created.json.experiment_id, username: 'bob', permission: 'NO_PERMISSIONS' }, alice)
    }
    const seen: string[] = []
    let pageToken: string | undefined
    do {
      const page = await app.call('POST', 'experiments/search', { max_results: 2, ...(pageToken ? { page_token: pageToken } : {}) }, bob)
      assert.equal(page.status, 200)
      const ids = (page.json.experiments ?? []).map((e: { experiment_id: string }) => e.experiment_id)
      if (page.json.next_page_token) assert.equal(ids.length, 2, 'every page but the last is full')
      seen.push(...ids)
      pageToken = page.json.next_page_token
    } while (pageToken)
    assert.ok(seen.length > 0)
    for (const id of hidden) assert.ok(!seen.includes(id), `experiment ${id} is hidden from bob`)
    const all = await app.call('POST', 'experiments/search', { max_results: 1000 }, alice)
    for (const id of hidden) assert.ok(all.json.experiments.some((e: { experiment_id: string }) => e.experiment_id === id))
    // runs of a hidden experiment are not found by bob's search either
    const run = await app.call('POST', 'runs/create', { experiment_id: hidden[0] }, alice)
    assert.equal(run.status, 200)
    const runs = await app.call('POST', 'runs/search', { experiment_ids: [hidden[0]] }, bob)
    assert.equal(runs.status, 200)
    assert.equal(runs.json.runs, undefined)
    assert.equal((await app.call('POST', 'runs/search', { experiment_ids: [hidden[0]] }, alice)).json.runs.length, 1)
  })

  test('registered models: creator MANAGE, grants follow renames and go with deletes, search filtered', async () => {
    assert.equal((await app.call('POST', 'registered-models/create', { name: 'm1' }, alice)).status, 200)
    const grant = await app.call('GET', 'registered-models/permissions/get', { name: 'm1', username: 'alice' }, alice)
    assert.equal(grant.json.registered_model_permission.permission, 'MANAGE')
    await app.call('POST', 'registered-models/permissions/create', { name: 'm1', username: 'bob', permission: 'NO_PERMISSIONS' }, alice)
    assert.equal((await app.call('GET', 'registered-models/get', { name: 'm1' }, bob)).status, 403)
    const search = await app.call('GET', 'registered-models/search', {}, bob)
    assert.ok(!(search.json.registered_models ?? []).some((m: { name: string }) => m.name === 'm1'))
    assert.equal((await app.call('POST', 'registered-models/rename', { name: 'm1', new_name: 'm2' }, alice)).status, 200)
    assert.equal((await app.call('GET', 'registered-models/get', { name: 'm2' }, bob)).status, 403)
    assert.equal((await app.call('DELETE', 'registered-models/delete', { name: 'm2' }, alice)).status, 200)
    // a new model of the same name starts clean: bob (default READ) may read it
    assert.equal((await app.call('POST', 'registered-models/create', { name: 'm2' }, admin)).status, 200)
    assert.equal((await app.call('GET', 'registered-models/get', { name: 'm2' }, bob)).status, 200)
  })

  test("records the authenticated user in the registry's audit trail, not X-Orchard-User", async () => {
    await app.call('POST', 'registered-models/create', { name: 'audited' }, alice, { 'X-Orchard-User': 'mallory' })
    const direct = await app.call('GET', '/api/2.0/orchard/registry/events', { name: 'audited' }, alice)
    assert.equal(direct.status, 200)
    assert.equal(direct.json.events[0].user_id, 'alice')
  })

  test('webhooks and user administration are for admins', async () => {
    assert.equal((await app.call('GET', 'webhooks', {}, alice)).status, 403)
    assert.equal((await app.call('GET', 'webhooks', {}, admin)).status, 200)
    assert.equal((await app.call('POST', 'users/create', { username: 'eve', password: 'eve-password-12' }, alice)).status, 403)
    assert.equal((await app.call('GET', 'users/get', { username: 'bob' }, alice)).status, 403)
    const own = await app.call('GET', 'users/get', { username: 'alice' }, alice)
    assert.equal(own.status, 200)
    assert.equal(own.json.user.username, 'alice')
    assert.equal(own.json.user.is_admin, false)
    assert.ok(Array.isArray(own.json.user.experiment_permissions))
    // an unknown API path fails closed for non-admins
    assert.equal((await app.call('GET', '/api/2.0/mlflow/not-a-route', {}, alice)).status, 403)
    assert.equal((await app.call('GET', '/api/2.0/mlflow/not-a-route', {}, admin)).status, 404)
  })

  test('user API: MLflow wording for duplicates, bad permissions, short passwords; the last admin stays', async () => {
    const dup = await app.call('POST', 'users/create', { username: 'alice', password: 'another-password' }, admin)
    assert.equal(dup.status, 400)
    assert.equal(dup.json.error_code, 'RESOURCE_ALREADY_EXISTS')
    const short = await app.call('POST', 'users/create', { username: 'carol', password: 'short' }, admin)
    assert.equal(short.status, 400)
    assert.match(short.json.message, /at least 12 characters/)
    const bad = await app.call('POST', 'experiments/permissions/create', { experiment_id: '0', username: 'bob', permission: 'OWNER' }, admin)
    assert.equal(bad.status, 400)
    assert.match(bad.json.message, /Invalid permission 'OWNER'/)
    const missing = await app.call('GET', 'users/get', { username: 'ghost' }, admin)
    assert.equal(missing.status, 404)
    assert.equal(missing.json.message, 'User with username=ghost not found')
    const demote = await app.call('PATCH', 'users/update-admin', { username: 'admin', is_admin: false }, admin)
    assert.equal(demote.status, 400)
    assert.match(demote.json.message, /last admin/)
    assert.equal((await app.call('DELETE', 'users/delete', { username: 'admin' }, admin)).status, 400)
  })

  test('a changed password takes effect at once; the old one stops working', async () => {
    assert.equal((await app.call('POST', 'users/create', { username: 'dave', password: 'dave-password-1' }, admin)).status, 200)
    assert.equal((await app.call('GET', 'experiments/search', undefined, { basic: ['dave', 'dave-password-1'] })).status, 200)
    const changed = await app.call('PATCH', 'users/update-password', { username: 'dave', password: 'dave-password-2' }, { basic: ['dave', 'dave-password-1'] })
    assert.equal(changed.status, 200)
    assert.equal((await app.call('GET', 'experiments/search', undefined, { basic: ['dave', 'dave-password-1'] })).status, 401)
    assert.equal((await app.call('GET', 'experiments/search', undefined, { basic: ['dave', 'dave-password-2'] })).status, 200)
  })
})
