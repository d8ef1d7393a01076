import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { orchard, startCli, tempDir } from './harness.ts'
import type { RunningCli } from './harness.ts'
import { exerciseTrackingCommands } from './tracking-scenario.ts'

describe('orchard experiments and runs against a running server', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let server: RunningCli
  before(async () => {
    dir = await tempDir()
    server = await startCli(dir.path, ['server', '--port', '0'])
  })
  after(async () => {
    await server.kill()
    await dir.remove()
  })

  it('creates, searches, describes, renames, deletes and restores, as tables and as wire JSON', async () => {
    await exerciseTrackingCommands(dir.path, server.url)
  })

  it('reads the server from MLFLOW_TRACKING_URI when no --tracking-uri is given', async () => {
    const result = await orchard(dir.path, ['experiments', 'describe', '--experiment-id', '0', '--json'], {
      MLFLOW_TRACKING_URI: server.url,
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal((JSON.parse(result.stdout) as { experiment: { name: string } }).experiment.name, 'Default')
  })

  it('fails fast with one line when nothing listens at the tracking URI', async () => {
    const result = await orchard(dir.path, ['experiments', 'search', '--tracking-uri', 'http://127.0.0.1:9'])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^error: Could not reach http:\/\/127\.0\.0\.1:9\/.*\n$/)
  })
})
