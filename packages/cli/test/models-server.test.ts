import { after, before, describe, it } from 'node:test'
import { startCli, tempDir } from './harness.ts'
import type { RunningCli } from './harness.ts'
import { exerciseModelCommands } from './models-scenario.ts'

describe('orchard models against a running server', () => {
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

  it('lists, describes, resolves URIs, transitions, aliases and shows the history, as tables and wire JSON', async () => {
    await exerciseModelCommands(dir.path, server.url)
  })
})
