import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { orchard, tempDir } from './harness.ts'
import { exerciseTrackingCommands } from './tracking-scenario.ts'

describe('orchard experiments and runs on an embedded store', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  before(async () => {
    dir = await tempDir()
  })
  after(() => dir.remove())

  it('creates, searches, describes, renames, deletes and restores, as tables and as wire JSON', async () => {
    await exerciseTrackingCommands(dir.path, `sqlite:///${join(dir.path, 'orchard.db')}`)
  })

  it('uses ./mlruns when neither --tracking-uri nor MLFLOW_TRACKING_URI is set, the database orchard server uses', async () => {
    const created = await orchard(dir.path, ['experiments', 'create', '--experiment-name', 'local'])
    assert.equal(created.code, 0, created.stderr)
    assert.ok(existsSync(join(dir.path, 'mlruns', 'orchard.db')))
    const search = await orchard(dir.path, ['experiments', 'search', '--json', '--tracking-uri', `sqlite:///${join(dir.path, 'mlruns', 'orchard.db')}`])
    assert.equal(search.code, 0, search.stderr)
    assert.ok((JSON.parse(search.stdout) as { experiments: { name: string }[] }).experiments.some((e) => e.name === 'local'))
  })
})
