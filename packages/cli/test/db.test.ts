import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { orchard, STACK_FRAME, tempDir } from './harness.ts'

describe('orchard db upgrade', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  before(async () => {
    dir = await tempDir()
  })
  after(() => dir.remove())

  it('migrates a new database to the latest version, then reports it is current', async () => {
    const uri = `sqlite:///${join(dir.path, 'orchard.db')}`
    const first = await orchard(dir.path, ['db', 'upgrade', uri])
    assert.equal(first.code, 0, first.stderr)
    const [, to] = /^schema upgraded: 0 → (\d+)\n$/.exec(first.stdout) ?? assert.fail(first.stdout)
    const second = await orchard(dir.path, ['db', 'upgrade', uri])
    assert.equal(second.code, 0, second.stderr)
    assert.equal(second.stdout, `schema already at version ${to} (${to} → ${to})\n`)
  })

  it('fails with one line for a folder that does not exist or a file that is not a database', async () => {
    const missing = await orchard(dir.path, ['db', 'upgrade', `sqlite:///${join(dir.path, 'nope', 'orchard.db')}`])
    assert.equal(missing.code, 1)
    assert.equal(missing.stderr, `error: no folder ${join(dir.path, 'nope')} for the database ${join(dir.path, 'nope', 'orchard.db')}\n`)

    await writeFile(join(dir.path, 'notes.db'), 'not a database, just text')
    const garbage = await orchard(dir.path, ['db', 'upgrade', `sqlite:///${join(dir.path, 'notes.db')}`])
    assert.equal(garbage.code, 1)
    assert.match(garbage.stderr, /^error: /)
    assert.doesNotMatch(garbage.stderr, STACK_FRAME)
  })

  it('names the supported schemes for an unknown URI', async () => {
    const result = await orchard(dir.path, ['db', 'upgrade', 'mysql://db/orchard'])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^error: Unsupported backend store URI 'mysql:\/\/db\/orchard'.*\n$/)
  })
})
