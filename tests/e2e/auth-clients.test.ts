// MLflow's clients against Orchard with authentication on: the `mlflow` npm client with Basic and
// bearer credentials, and a replay, through Python's `requests`, of the calls MLflow's Python
// AuthServiceClient (mlflow.server.get_app_client("basic-auth", uri)) makes, with the bodies,
// query strings and credentials it sends (json= bodies, auth=(user, password), Bearer for
// MLFLOW_TRACKING_TOKEN), parsed as its from_json methods parse them.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import mlflowExport from 'mlflow'
import type * as MlflowLib from 'mlflow/lib/mlflow.js'
import { startServer } from '@orchard/server'
import type { RunningServer } from '@orchard/server'

type MlflowClient = typeof MlflowLib.default.default
const MLflow = mlflowExport as unknown as MlflowClient

const ADMIN = ['admin', 'admin-password-12'] as const
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

const quietly = async <T>(fn: () => Promise<T>): Promise<T> => {
  const log = console.log
  console.log = () => {}
  try {
    return await fn()
  } finally {
    console.log = log
  }
}

/** The npm client's error: Error('{"status":…,"data":{…}}'), wrapped once more. */
async function statusOf(promise: Promise<unknown>): Promise<{ status: number; code?: string }> {
  try {
    await quietly(() => promise)
    return { status: 200 }
  } catch (error) {
    const parsed = JSON.parse(String((error as Error).message).replace(/^Error: /, '')) as { status: number; data?: { error_code?: string } }
    return { status: parsed.status, ...(parsed.data?.error_code ? { code: parsed.data.error_code } : {}) }
  }
}

// The AuthServiceClient's calls, one per method, as mlflow/server/auth/client.py sends them.
const PYTHON_CLIENT = String.raw`
import json, sys
import requests

base, admin_user, admin_password = sys.argv[1], sys.argv[2], sys.argv[3]
api = base + "/api/2.0/mlflow"
admin = (admin_user, admin_password)
out = {}

def call(method, path, auth, **kwargs):
    r = requests.request(method, api + path, auth=auth, **kwargs)
    out.setdefault("statuses", []).append([method, path, r.status_code])
    r.raise_for_status()
    return r.json() if r.content else {}

def user_from_json(d):
    # mlflow.server.auth.entities.User.from_json reads exactly these keys
    return {k: d[k] for k in ("id", "username", "is_admin", "experiment_permissions", "registered_model_permissions")}

user = user_from_json(call("POST", "/users/create", admin, json={"username": "pyuser", "password": "pyuser-password1"})["user"])
out["created"] = user
out["got"] = user_from_json(call("GET", "/users/get", admin, params={"username": "pyuser"})["user"])
call("PATCH", "/users/update-password", admin, json={"username": "pyuser", "password": "pyuser-password2"})
call("PATCH", "/users/update-admin", admin, json={"username": "pyuser", "is_admin": True})
out["admin_after"] = call("GET", "/users/get", admin, params={"username": "pyuser"})["user"]["is_admin"]
call("PATCH", "/users/update-admin", admin, json={"username": "pyuser", "is_admin": False})

exp = call("POST", "/experiments/create", admin, json={"name": "py-auth"})["experiment_id"]
ep = call("POST", "/experiments/permissions/create", admin, json={"experiment_id": exp, "username": "pyuser", "permission": "READ"})["experiment_permission"]
out["ep"] = {k: ep[k] for k in ("experiment_id", "user_id", "permission")}
out["ep_got"] = call("GET", "/experiments/permissions/get", admin, params={"experiment_id": exp, "username": "pyuser"})["experiment_permission"]["permission"]
call("PATCH", "/experiments/permissions/update", admin, json={"experiment_id": exp, "username": "pyuser", "permission": "EDIT"})
out["ep_updated"] = call("GET", "/experiments/permissions/get", admin, params={"experiment_id": exp, "username": "pyuser"})["experiment_permission"]["permission"]
call("DELETE", "/experiments/permissions/delete", admin, json={"experiment_id": exp, "username": "pyuser"})
r = requests.get(api + "/experiments/permissions/get", auth=admin, params={"experiment_id": exp, "username": "pyuser"})
out["ep_deleted"] = [r.status_code, r.json()["error_code"]]

call("POST", "/registered-models/create", admin, json={"name": "py-model"})
rmp = call("POST", "/registered-models/permissions/create", admin, json={"name": "py-model", "username": "pyuser", "permission": "MANAGE"})["registered_model_permission"]
out["rmp"] = {k: rmp[k] for k in ("name", "user_id", "permission")}
call("PATCH", "/registered-models/permissions/update", admin, json={"name": "py-model", "username": "pyuser", "permission": "READ"})
out["rmp_updated"] = call("GET", "/registered-models/permissions/get", admin, params={"name": "py-model", "username": "pyuser"})["registered_model_permission"]["permission"]
call("DELETE", "/registered-models/permissions/delete", admin, json={"name": "py-model", "username": "pyuser"})

# the user itself, with its new password, and then with a token as MLFLOW_TRACKING_TOKEN sends it
me = ("pyuser", "pyuser-password2")
out["self_get"] = call("GET", "/users/get", me, params={"username": "pyuser"})["user"]["username"]
r = requests.get(api + "/users/get", auth=me, params={"username": admin_user})
out["other_get"] = r.status_code
token = requests.post(base + "/api/2.0/orchard/tokens/create", auth=me, json={"name": "py"}).json()["token"]
r = requests.get(api + "/experiments/get", headers={"Authorization": "Bearer " + token}, params={"experiment_id": exp})
out["bearer"] = [r.status_code, r.json()["experiment"]["name"]]
r = requests.get(api + "/experiments/get", params={"experiment_id": exp})
out["anonymous"] = [r.status_code, r.headers.get("WWW-Authenticate", "")]
call("DELETE", "/users/delete", admin, json={"username": "pyuser"})
r = requests.get(api + "/users/get", auth=admin, params={"username": "pyuser"})
out["deleted"] = r.status_code
print(json.dumps(out))
`

function runPython(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.PYTHON ?? 'python3', ['-c', PYTHON_CLIENT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`python client exited with ${code}: ${stderr}`))))
  })
}

describe('MLflow clients with authentication on', () => {
  let dir: string
  let server: RunningServer

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-auth-e2e-'))
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: `sqlite:///${join(dir, 'orchard.db')}`,
      defaultArtifactRoot: 'mlflow-artifacts:/',
      artifactsDestination: join(dir, 'artifacts'),
      auth: { defaultPermission: 'READ', initialAdmin: { username: ADMIN[0], password: ADMIN[1] } },
    })
    const created = await fetch(`${server.url}/api/2.0/mlflow/users/create`, {
      method: 'POST',
      headers: { authorization: basic(...ADMIN), 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'npmuser', password: 'npmuser-password' }),
    })
    assert.equal(created.status, 200)
  })
  after(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('the mlflow npm client works with Basic credentials and with a bearer token, and is refused without', async () => {
    const admin = new MLflow({ endpoint: server.url, headers: { Authorization: basic(...ADMIN) } })
    const { experiment_id: adminExperiment } = await quietly(() => admin.Experiments.create({ name: 'admin-npm', artifact_location: '' }))
    const adminRun = await quietly(() => admin.Runs.create({ experiment_id: adminExperiment, user_id: 'admin', start_time: Date.now(), tags: [] }))

    const tokenReply = await fetch(`${server.url}/api/2.0/orchard/tokens/create`, {
      method: 'POST',
      headers: { authorization: basic('npmuser', 'npmuser-password'), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'npm' }),
    })
    const { token } = (await tokenReply.json()) as { token: string }
    const user = new MLflow({ endpoint: server.url, headers: { Authorization: `Bearer ${token}` } })
    const { experiment_id: own } = await quietly(() => user.Experiments.create({ name: 'npm-own', artifact_location: '' }))
    const run = await quietly(() => user.Runs.create({ experiment_id: own, user_id: 'npmuser', start_time: Date.now(), tags: [] }))
    const runId = run.run.info.run_id
    await quietly(() => user.Runs.logMetric({ run_id: runId, key: 'loss', value: 0.5, timestamp: Date.now(), step: 0 }))
    const got = await user.Runs.get({ run_id: runId })
    assert.equal(got.run.data.metrics?.[0]?.key, 'loss')
    // default READ on the admin's experiment: reading works, writing is PERMISSION_DENIED
    assert.equal((await statusOf(user.Experiments.get({ experiment_id: adminExperiment }))).status, 200)
    assert.deepEqual(
      await statusOf(user.Runs.logMetric({ run_id: adminRun.run.info.run_id, key: 'x', value: 1, timestamp: Date.now(), step: 0 })),
      { status: 403, code: 'PERMISSION_DENIED' },
    )
    const anonymous = new MLflow({ endpoint: server.url })
    assert.deepEqual(await statusOf(anonymous.Experiments.get({ experiment_id: own })), { status: 401, code: 'UNAUTHENTICATED' })
    const wrongBasic = new MLflow({ endpoint: server.url, headers: { Authorization: basic('npmuser', 'wrong-password!') } })
    assert.equal((await statusOf(wrongBasic.Experiments.get({ experiment_id: own }))).status, 401)
  })

  it("replays the Python AuthServiceClient's calls through requests, and they parse as its from_json does", async () => {
    const out = JSON.parse(await runPython([server.url, ...ADMIN])) as Record<string, unknown>
    const created = out.created as { id: number; username: string; is_admin: boolean; experiment_permissions: unknown[] }
    assert.equal(created.username, 'pyuser')
    assert.equal(created.is_admin, false)
    assert.deepEqual(created.experiment_permissions, [])
    assert.equal(out.admin_after, true)
    assert.equal((out.ep as { permission: string }).permission, 'READ')
    assert.equal(out.ep_got, 'READ')
    assert.equal(out.ep_updated, 'EDIT')
    assert.deepEqual(out.ep_deleted, [404, 'RESOURCE_DOES_NOT_EXIST'])
    assert.deepEqual(out.rmp, { name: 'py-model', user_id: created.id, permission: 'MANAGE' })
    assert.equal(out.rmp_updated, 'READ')
    assert.equal(out.self_get, 'pyuser')
    assert.equal(out.other_get, 403)
    assert.deepEqual(out.bearer, [200, 'py-auth'])
    assert.equal((out.anonymous as [number, string])[0], 401)
    assert.match((out.anonymous as [number, string])[1], /^Basic /)
    assert.equal(out.deleted, 404)
  })
})
