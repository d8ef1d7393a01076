import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { permissionRank, uploadRunArtifactRoute } from '@orchard/protocol'
import type { PermissionLevel, RouteDef } from '@orchard/protocol'
import { protocolRoutes } from '../src/auth/route-index.ts'
import { ADMIN, openAuthTestApp } from './auth-harness.ts'
import type { AuthTestApp, Backend } from './auth-harness.ts'

// The route × permission matrix: for every route of every protocol table and every method it
// serves, seven callers — anonymous, users holding NO_PERMISSIONS, READ, EDIT, MANAGE, a user whose
// MANAGE is outweighed by a DENY, and an admin — each get the answer the route's declared permission
// says. The levels reach the users in every way a grant can: their own grant (MLflow's per-resource
// permissions), a role assigned to them with grants on the resource, a role assigned to a group they
// are in with `*` grants, and a group's role with a DENY on the resource. Each route gets fresh
// resources (an experiment with a run and a logged model, a registered model with a version), so a
// call that is allowed and changes something (a delete) cannot change what the next route sees, and
// after a served write the next caller gets fresh ones too (a denied call changes nothing).

interface Caller {
  readonly name: string
  readonly credentials?: readonly [string, string]
  /** The level the caller holds on the route's experiment and registered model; admins need none. */
  readonly level?: PermissionLevel
  /** How the level reaches the caller. */
  readonly via?: 'own' | 'role' | 'group' | 'denied'
  readonly admin?: boolean
}

const CALLERS: readonly Caller[] = [
  { name: 'anonymous' },
  { name: 'none', credentials: ['none', 'none-password-12'], level: 'NO_PERMISSIONS', via: 'own' },
  { name: 'reader', credentials: ['reader', 'reader-password-1'], level: 'READ', via: 'own' },
  { name: 'editor', credentials: ['editor', 'editor-password-1'], level: 'EDIT', via: 'role' },
  { name: 'manager', credentials: ['manager', 'manager-password'], level: 'MANAGE', via: 'group' },
  { name: 'denied', credentials: ['denied', 'denied-password-1'], level: 'NO_PERMISSIONS', via: 'denied' },
  { name: 'admin', credentials: ADMIN, admin: true },
]

function expectedAllowed(def: RouteDef, caller: Caller): boolean {
  const permission = def.permission
  if (permission?.resource === 'public') return true
  if (!caller.credentials) return false
  if (caller.admin) return true
  switch (permission?.resource) {
    case undefined:
    case 'admin':
      return false
    case 'authenticated':
    case 'self':
      return true
    case 'all':
      return (permission.parts ?? []).every((part) => expectedAllowed({ ...def, permission: part }, caller))
    default:
      return permissionRank(caller.level ?? 'NO_PERMISSIONS') >= permissionRank(permission?.level ?? 'READ')
  }
}

interface Fixture {
  experimentId: string
  experimentName: string
  runId: string
  loggedModelId: string
  modelName: string
}

/** The roles behind the `role`, `group` and `denied` callers (created once; per-resource grants per fixture). */
interface MatrixRoles {
  editorRoleId: number
  denyRoleId: number
}

async function setUpRoles(app: AuthTestApp): Promise<MatrixRoles> {
  const store = app.authStore
  // editor: a role of its own; grants on each fixture's resources are added as they are made.
  const editorRole = await store.createRole('default', 'matrix-editor')
  await store.assignRole('editor', editorRole.id)
  // manager: MANAGE on every experiment and model through a group's role.
  const managerRole = await store.createRole('default', 'matrix-manager')
  await store.addRolePermission(managerRole.id, 'experiment', '*', 'MANAGE')
  await store.addRolePermission(managerRole.id, 'registered_model', '*', 'MANAGE')
  await store.createGroup('matrix-managers')
  await store.addGroupMember('matrix-managers', 'manager')
  await store.assignGroupRole('matrix-managers', managerRole.id)
  // denied: MANAGE on everything from its own role, and a group role denying each fixture's resources.
  const allRole = await store.createRole('default', 'matrix-all')
  await store.addRolePermission(allRole.id, 'workspace', '*', 'MANAGE')
  await store.assignRole('denied', allRole.id)
  const denyRole = await store.createRole('default', 'matrix-deny')
  await store.createGroup('matrix-denied')
  await store.addGroupMember('matrix-denied', 'denied')
  await store.assignGroupRole('matrix-denied', denyRole.id)
  return { editorRoleId: editorRole.id, denyRoleId: denyRole.id }
}

async function makeFixture(app: AuthTestApp, roles: MatrixRoles, tag: string): Promise<Fixture> {
  const experimentName = `exp-${tag}`
  const experimentId = await app.trackingStore.createExperiment({ name: experimentName })
  const run = await app.trackingStore.createRun({ experimentId, userId: 'admin', startTime: 1, tags: [] })
  const runId = run.info.runId
  const model = await app.trackingStore.createLoggedModel({ experimentId, sourceRunId: runId })
  const modelName = `model-${tag}`
  await app.registryStore.createRegisteredModel({ name: modelName })
  await app.registryStore.createModelVersion({ name: modelName, source: `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model`, runId })
  for (const caller of CALLERS) {
    if (!caller.credentials || caller.admin || !caller.level) continue
    const username = caller.credentials[0]
    switch (caller.via) {
      case 'own':
        await app.authStore.createExperimentPermission(experimentId, username, caller.level)
        await app.authStore.createRegisteredModelPermission(modelName, username, caller.level)
        break
      case 'role':
        await app.authStore.addRolePermission(roles.editorRoleId, 'experiment', experimentId, caller.level)
        await app.authStore.addRolePermission(roles.editorRoleId, 'registered_model', modelName, caller.level)
        break
      case 'denied':
        // Its own MANAGE too, as a creator would hold: the DENY still wins.
        await app.authStore.createExperimentPermission(experimentId, username, 'MANAGE')
        await app.authStore.createRegisteredModelPermission(modelName, username, 'MANAGE')
        await app.authStore.addRolePermission(roles.denyRoleId, 'experiment', experimentId, 'DENY')
        await app.authStore.addRolePermission(roles.denyRoleId, 'registered_model', modelName, 'DENY')
        break
      case 'group':
      case undefined:
        break
    }
  }
  return { experimentId, experimentName, runId, loggedModelId: model.modelId, modelName }
}

function fieldValues(f: Fixture, def: RouteDef, caller: Caller): Record<string, unknown> {
  const artifactRoot = `${f.experimentId}/${f.runId}/artifacts`
  return {
    experiment_id: f.experimentId,
    experiment_ids: [f.experimentId],
    experiment_name: f.experimentName,
    run_id: f.runId,
    run_ids: [f.runId],
    model_id: f.loggedModelId,
    name: f.modelName,
    new_name: `${f.modelName}-renamed`,
    version: '1',
    key: 'k',
    value: 'v',
    tag_key: 'k',
    metric_key: 'm',
    alias: 'champion',
    stage: 'Staging',
    archive_existing_versions: false,
    source: `mlflow-artifacts:/${artifactRoot}/model`,
    timestamp: 1,
    status: def.path.includes('logged-models') ? 'LOGGED_MODEL_READY' : undefined,
    path: def.permission?.resource === 'artifact-path' ? artifactRoot : 'x.txt',
    artifact_path: `${artifactRoot}/x.txt`,
    username: caller.credentials?.[0] ?? 'nobody',
    password: caller.credentials?.[1] ?? 'nobody-password',
    is_admin: false,
    permission: 'READ',
    webhook_id: 'no-such-webhook',
    token_id: 'no-such-token',
    url: 'https://example.com/hook',
    events: [],
    // Role and group routes: ids no role has (an admin's call answers 404, which is served).
    role_id: 999999,
    role_permission_id: 999999,
    group_name: `group-${f.modelName}`,
    resource_type: 'experiment',
    resource_pattern: f.experimentId,
    description: 'matrix',
  }
}

function prefixOf(def: RouteDef): string {
  if (def.unprefixed) return ''
  return `/${def.ajaxOnly ? 'ajax-api' : 'api'}/${def.version ?? '2.0'}`
}

/** The request a route's schema takes, built from the fixture; path parameters filled in. */
function requestFor(def: RouteDef, method: string, values: Record<string, unknown>): { path: string; body: Record<string, unknown> } {
  let path = `${prefixOf(def)}${def.path}`
  for (const [, param] of def.path.matchAll(/\{(\w+)\}/g)) {
    const value = String(values[param as string])
    path = path.replace(`{${param}}`, param === 'artifact_path' ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value))
  }
  const body: Record<string, unknown> = {}
  for (const field of Object.keys(def.request.shape)) if (values[field] !== undefined && !def.path.includes(`{${field}}`)) body[field] = values[field]
  if (def === uploadRunArtifactRoute || (method !== 'GET' && def.permission?.resource === 'artifact-path' && method !== 'POST')) {
    // Raw-body routes take their fields from the query string.
    const query = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)]))
    return { path: `${path}${query.size ? `?${query}` : ''}`, body: {} }
  }
  return { path, body }
}

export function describeAuthMatrix(backend: Backend): void {
  describe(`route × permission matrix (${backend})`, () => {
    let app: AuthTestApp
    let roles: MatrixRoles
    before(async () => {
      app = await openAuthTestApp(backend)
      for (const caller of CALLERS) {
        if (caller.credentials && !caller.admin) await app.authStore.createUser(...caller.credentials)
      }
      roles = await setUpRoles(app)
    })
    after(() => app.close())

    test('every caller gets what the route declares: 401 anonymous, 403 below the level, served at or above it', async () => {
      const routes = protocolRoutes()
      let checked = 0
      const wrong: string[] = []
      for (const [name, def] of routes) {
        for (const method of def.methods) {
          let fixture = await makeFixture(app, roles, `${name}-${method}`.toLowerCase())
          for (const [index, caller] of CALLERS.entries()) {
            const { path, body } = requestFor(def, method, fieldValues(fixture, def, caller))
            const reply = await app.call(method, path, method === 'GET' ? body : def === uploadRunArtifactRoute ? 'hello' : body, caller.credentials ? { basic: caller.credentials } : undefined)
            const allowed = expectedAllowed(def, caller)
            const got = reply.status === 401 ? 'unauthenticated' : reply.status === 403 ? 'denied' : 'served'
            const want = allowed ? 'served' : caller.credentials ? 'denied' : 'unauthenticated'
            if (got !== want) wrong.push(`${method} ${path} as ${caller.name}: want ${want}, got ${reply.status} ${JSON.stringify(reply.json).slice(0, 160)}`)
            if (got === 'denied') assert.equal(reply.json.error_code, 'PERMISSION_DENIED')
            // A served write may have renamed or deleted the resources: the next caller gets new ones.
            if (got === 'served' && method !== 'GET') fixture = await makeFixture(app, roles, `${name}-${method}-${index}`.toLowerCase())
            checked++
          }
        }
      }
      assert.deepEqual(wrong, [])
      assert.ok(checked > 500, `checked ${checked} route × caller pairs`)
    })
  })
}
