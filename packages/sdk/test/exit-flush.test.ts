import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { OrchardClient } from '../src/index.ts'
import { runFixture } from './child.ts'
import { openEmbeddedTarget, openServerTarget } from './harness.ts'
import type { OpenTarget, Target } from './harness.ts'

// A training script that logs and simply ends must lose nothing: the points still queued when the
// event loop runs dry are sent from the beforeExit hook.

function describeExitFlush(name: string, open: OpenTarget): void {
  describe(`flush at exit over ${name}`, () => {
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

    test('a child that logs 2500 points and exits without flush() stores every point', async () => {
      const run = await client.createRun('0')
      const child = runFixture('log-without-flush', [target.trackingUri, run.info.runId, '2500'])
      const result = await child.exited
      assert.equal(result.code, 0, result.stderr)
      assert.equal(result.stdout.trim(), 'logged')
      const history = await client.getMetricHistory(run.info.runId, 'loss')
      assert.equal(history.length, 2500)
      assert.deepEqual(
        history.map((m) => m.step),
        Array.from({ length: 2500 }, (_, step) => step),
      )
    })

    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      test(`${signal} to a client with queued points, and no fluent run, sends them before the process ends`, async () => {
        const run = await client.createRun('0')
        const child = runFixture('log-then-wait', [target.trackingUri, run.info.runId, '1500'])
        assert.equal(await child.firstLine, 'logged')
        child.process.kill(signal)
        const result = await child.exited
        assert.equal(result.signal, signal, result.stderr)
        assert.equal((await client.getMetricHistory(run.info.runId, 'loss')).length, 1500)
      })
    }

    test('a child whose queued points cannot be stored says so on stderr and exits 1', async () => {
      const child = runFixture('log-without-flush', [target.trackingUri, '0123456789abcdef0123456789abcdef', '10'])
      const result = await child.exited
      assert.equal(result.code, 1)
      assert.match(result.stderr, /could not finish logging before exit/)
      assert.match(result.stderr, /RESOURCE_DOES_NOT_EXIST|not found/)
    })
  })
}

describeExitFlush('an embedded SQLite store', openEmbeddedTarget)
describeExitFlush('HTTP to a live server', openServerTarget)
