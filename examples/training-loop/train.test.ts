// The example runs as a user runs it (a child process), once on an embedded store and once against a
// running server, and leaves the same tracked sweep behind.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { OrchardClient } from '@orchard/sdk'
import { startServer } from '@orchard/server'
import type { RunningServer } from '@orchard/server'

const run = promisify(execFile)
const SCRIPT = fileURLToPath(new URL('./train.ts', import.meta.url))
// The README runs the example from the repository root, where `--import tsx` resolves.
const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url))

async function runExample(trackingUri: string): Promise<string> {
  const env = { ...process.env, MLFLOW_TRACKING_URI: trackingUri }
  const { stdout } = await run(process.execPath, ['--import', 'tsx', SCRIPT], { cwd: REPOSITORY_ROOT, env })
  return stdout
}

async function assertSweep(trackingUri: string, stdout: string): Promise<void> {
  const client = new OrchardClient(trackingUri)
  try {
    const experiment = await client.getExperimentByName('training-loop-example')
    assert.ok(experiment)
    const runs = (await client.searchRuns([experiment.experimentId])).items
    const parent = runs.find((r) => r.info.runName === 'sweep')
    assert.ok(parent)
    assert.match(stdout, new RegExp(`sweep run ${parent.info.runId}: best loss`))
    assert.equal(parent.info.status, 'FINISHED')
    const children = runs.filter((r) => r.data.tags.some((t) => t.key === 'mlflow.parentRunId' && t.value === parent.info.runId))
    assert.deepEqual(children.map((r) => r.info.runName).sort(), ['lr-0.01', 'lr-0.1', 'lr-0.5'])
    for (const child of children) {
      assert.equal(child.info.status, 'FINISHED')
      const history = await client.getMetricHistory(child.info.runId, 'loss')
      assert.equal(history.length, 50)
      assert.ok((history[49]?.value ?? Infinity) < (history[0]?.value ?? 0), 'loss goes down')
    }
    assert.ok(parent.data.params.some((p) => p.key === 'epochs' && p.value === '50'))
    assert.ok(parent.data.tags.some((t) => t.key === 'mlflow.source.name'))
  } finally {
    await client.close()
  }
}

describe('examples/training-loop', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-example-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('tracks a nested sweep with no server (embedded store in a folder)', async () => {
    const uri = join(dir, 'embedded')
    await assertSweep(uri, await runExample(uri))
  })

  it('tracks the same sweep through a running server', async () => {
    let server: RunningServer | undefined
    try {
      server = await startServer({
        host: '127.0.0.1',
        port: 0,
        backendStoreUri: `sqlite:///${join(dir, 'server.db')}`,
        defaultArtifactRoot: 'mlflow-artifacts:/',
        artifactsDestination: join(dir, 'artifacts'),
      })
      await assertSweep(server.url, await runExample(server.url))
    } finally {
      await server?.close()
    }
  })
})
