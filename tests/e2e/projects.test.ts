// `orchard run` against a real server: the project's Python program (Debian's python3, standard
// library only) logs a metric into the run it is given through MLFLOW_RUN_ID and
// MLFLOW_TRACKING_URI, as MLflow's Python client would; the output artifact goes through the proxy.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { OrchardClient } from '@orchard/sdk'
import { startTestServer } from './server-fixture.ts'
import type { ServerFixture } from './server-fixture.ts'

const BIN = fileURLToPath(new URL('../../packages/cli/bin/orchard.mjs', import.meta.url))

const TRAIN = String.raw`
import json, os, sys, time, urllib.request
run_id = os.environ["MLFLOW_RUN_ID"]
base = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")
lr = float(sys.argv[sys.argv.index("--lr") + 1])
body = json.dumps({"run_id": run_id, "key": "loss", "value": lr * 2, "timestamp": int(time.time() * 1000), "step": 0}).encode()
request = urllib.request.Request(base + "/api/2.0/mlflow/runs/log-metric", data=body, headers={"Content-Type": "application/json"})
urllib.request.urlopen(request).read()
print("logged loss for", run_id, "in experiment", os.environ["MLFLOW_EXPERIMENT_ID"])
`

function orchard(cwd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('orchard run against a tracking server', () => {
  let fixture: ServerFixture
  let dir: string
  before(async () => {
    fixture = await startTestServer()
    dir = await mkdtemp(join(tmpdir(), 'orchard-e2e-project-'))
    await mkdir(join(dir, 'proj'))
    await writeFile(
      join(dir, 'proj', 'MLproject'),
      'name: py\nentry_points:\n  main:\n    parameters:\n      lr: {type: float, default: 0.1}\n    command: "python3 train.py --lr {lr}"\n',
    )
    await writeFile(join(dir, 'proj', 'train.py'), TRAIN)
  })
  after(async () => {
    await fixture.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('creates the run on the server, and the Python program logs into it', async () => {
    const result = await orchard(dir, ['run', 'proj', '-P', 'lr=0.25', '--experiment-name', 'py-projects', '--env-manager', 'local'], {
      MLFLOW_TRACKING_URI: fixture.server.url,
    })
    assert.equal(result.code, 0, result.stderr)
    const runId = /logged loss for ([0-9a-f]{32})/.exec(result.stdout)?.[1] ?? ''
    const client = new OrchardClient(fixture.server.url)
    try {
      const run = await client.getRun(runId)
      assert.equal(run.info.status, 'FINISHED')
      const experiment = await client.getExperimentByName('py-projects')
      assert.equal(run.info.experimentId, experiment?.experimentId)
      assert.match(result.stdout, new RegExp(`in experiment ${run.info.experimentId}`))
      assert.deepEqual(run.data.metrics.map((m) => [m.key, m.value]), [['loss', 0.5]])
      assert.deepEqual(run.data.params.map((p) => [p.key, p.value]), [['lr', '0.25']])
      const tags = new Map(run.data.tags.map((t) => [t.key, t.value]))
      assert.equal(tags.get('mlflow.source.type'), 'PROJECT')
      assert.equal(tags.get('mlflow.project.env'), 'local')
      assert.equal(tags.get('mlflow.project.backend'), 'local')
      assert.equal(tags.get('orchard.project.command'), 'python3 train.py --lr 0.25')
      assert.deepEqual((await client.listArtifacts(runId, 'project')).map((a) => a.path), ['project/output.log'])
      const log = await client.downloadArtifacts(runId, 'project/output.log', join(dir, 'download'))
      assert.match(await readFile(log, 'utf8'), /logged loss for/)

      const again = await orchard(dir, ['run', '--from-run', runId], { MLFLOW_TRACKING_URI: fixture.server.url })
      assert.equal(again.code, 0, again.stderr)
      const rerunId = /logged loss for ([0-9a-f]{32})/.exec(again.stdout)?.[1] ?? ''
      const rerun = await client.getRun(rerunId)
      assert.deepEqual(rerun.data.params.map((p) => [p.key, p.value]), [['lr', '0.25']])
      assert.equal(rerun.info.experimentId, run.info.experimentId)
      assert.equal(new Map(rerun.data.tags.map((t) => [t.key, t.value])).get('orchard.project.reproduces'), runId)
    } finally {
      await client.close()
    }
  })
})
