// `orchard server --enable-workspaces` driven by our SDK and CLI: MLFLOW_WORKSPACE (or the SDK's
// workspace option) picks the workspace, the same names live in two workspaces, and ids do not
// cross from one to the other.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol'
import { OrchardClient } from '@orchard/sdk'
import { startServer } from '@orchard/server'
import type { RunningServer } from '@orchard/server'

const run = promisify(execFile)
const ORCHARD = new URL('../../packages/cli/bin/orchard.mjs', import.meta.url).pathname

describe('workspaces end to end', () => {
  let dir: string
  let server: RunningServer
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-e2e-workspaces-'))
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: `sqlite:///${join(dir, 'orchard.db')}`,
      defaultArtifactRoot: 'mlflow-artifacts:/',
      artifactsDestination: join(dir, 'artifacts'),
      enableWorkspaces: true,
    })
    const created = await fetch(`${server.url}/api/3.0/mlflow/workspaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'team-a' }),
    })
    assert.equal(created.status, 201)
  })
  after(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps the SDK inside its workspace', async () => {
    const teamA = new OrchardClient(server.url, { workspace: 'team-a', batching: false })
    const home = new OrchardClient(server.url, { batching: false })
    try {
      const a = await teamA.createExperiment('churn')
      const b = await home.createExperiment('churn')
      assert.notEqual(a, b)
      const started = await teamA.createRun(a)
      await teamA.logMetric(started.info.runId, 'rmse', 0.5)
      assert.equal((await teamA.getRun(started.info.runId)).data.metrics.find((m) => m.key === 'rmse')?.value, 0.5)
      await assert.rejects(home.getRun(started.info.runId), (error: unknown) => isOrchardError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST')
      assert.equal((await teamA.getExperimentByName('churn'))?.experimentId, a)
      assert.equal((await home.getExperimentByName('churn'))?.experimentId, b)
    } finally {
      await teamA.close()
      await home.close()
    }
  })

  it('lets the CLI pick the workspace from MLFLOW_WORKSPACE', async () => {
    const env = { ...process.env, MLFLOW_TRACKING_URI: server.url, MLFLOW_WORKSPACE: 'team-a' }
    const created = await run(process.execPath, [ORCHARD, 'experiments', 'create', '--experiment-name', 'from-cli', '--json'], { env })
    const { experiment_id: id } = JSON.parse(created.stdout) as { experiment_id: string }
    const home = new OrchardClient(server.url, { batching: false })
    const teamA = new OrchardClient(server.url, { workspace: 'team-a', batching: false })
    try {
      assert.equal(await home.getExperimentByName('from-cli'), undefined)
      assert.equal((await teamA.getExperimentByName('from-cli'))?.experimentId, id)
    } finally {
      await home.close()
      await teamA.close()
    }
    const missing = await run(process.execPath, [ORCHARD, 'experiments', 'create', '--experiment-name', 'x'], {
      env: { ...env, MLFLOW_WORKSPACE: 'nowhere' },
    }).catch((error: { stderr: string; code: number }) => error)
    assert.ok('code' in missing && missing.code !== 0)
    assert.match((missing as { stderr: string }).stderr, /Workspace 'nowhere' not found/)
  })
})
