import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { tempDir } from './harness.ts'
import { exerciseModelCommands } from './models-scenario.ts'

describe('orchard models on an embedded store', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  before(async () => {
    dir = await tempDir()
  })
  after(() => dir.remove())

  it('lists, describes, resolves URIs, transitions, aliases and shows the history, as tables and wire JSON', async () => {
    await exerciseModelCommands(dir.path, `sqlite:///${join(dir.path, 'orchard.db')}`)
  })
})
