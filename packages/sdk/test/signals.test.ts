import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { OrchardClient } from '../src/index.ts'
import { runFixture } from './child.ts'
import { openEmbeddedTarget, openServerTarget } from './harness.ts'
import type { OpenTarget, Target } from './harness.ts'

function describeRunEnd(name: string, open: OpenTarget): void {
  describe(`how a fluent run ends with its process, over ${name}`, () => {
    let target: Target
    let client: OrchardClient
    before(async () => {
      target = await open()
      client = new OrchardClient(target.trackingUri, { batching: false })
    })
    after(async () => {
      await client.close()
      await target.close()
    })

    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      test(`${signal} ends the active run KILLED, sends its metrics, then ends the process by the signal`, async () => {
        const child = runFixture('fluent-run', [target.trackingUri, 'wait'])
        const runId = await child.firstLine
        child.process.kill(signal)
        const result = await child.exited
        assert.equal(result.signal, signal, result.stderr)
        const run = await client.getRun(runId)
        assert.equal(run.info.status, 'KILLED')
        assert.ok(run.info.endTime !== null)
        assert.equal(run.data.metrics.find((m) => m.key === 'progress')?.value, 0.5)
      })
    }

    test('a run still open when the program ends on its own is ended FINISHED, as by MLflow’s atexit hook', async () => {
      const child = runFixture('fluent-run', [target.trackingUri, 'return'])
      const result = await child.exited
      assert.equal(result.code, 0, result.stderr)
      const run = await client.getRun(result.stdout.trim())
      assert.equal(run.info.status, 'FINISHED')
      assert.equal(run.data.metrics.find((m) => m.key === 'progress')?.value, 0.5)
    })
  })
}

describeRunEnd('an embedded SQLite store', openEmbeddedTarget)
describeRunEnd('HTTP to a live server', openServerTarget)
