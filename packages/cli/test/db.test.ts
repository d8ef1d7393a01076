import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { orchard, STACK_FRAME, startCli, tempDir } from './harness.ts'

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

describe('orchard db backup', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  before(async () => {
    dir = await tempDir()
  })
  after(() => dir.remove())

  it('copies a database a server is writing to, and the copy opens with the data logged before it', async () => {
    const uri = `sqlite:///${join(dir.path, 'orchard.db')}`
    const server = await startCli(dir.path, ['server', '--port', '0', '--backend-store-uri', uri])
    try {
      const created = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'kept-in-the-backup' }),
      })
      assert.equal(created.status, 200)
      const backup = join(dir.path, 'backup.db')
      const result = await orchard(dir.path, ['db', 'backup', uri, backup])
      assert.equal(result.code, 0, result.stderr)
      assert.match(result.stdout, /^backed up \d+ pages to /)
      const listed = await orchard(dir.path, ['experiments', 'search', '--tracking-uri', `sqlite:///${backup}`])
      assert.equal(listed.code, 0, listed.stderr)
      assert.match(listed.stdout, /kept-in-the-backup/)

      const again = await orchard(dir.path, ['db', 'backup', uri, backup])
      assert.equal(again.code, 1)
      assert.match(again.stderr, /^error: .*already exists; choose a new file\.\n$/)
    } finally {
      await server.kill()
    }
  })

  it('points PostgreSQL users to pg_dump', async () => {
    const result = await orchard(dir.path, ['db', 'backup', 'postgresql://localhost/x', join(dir.path, 'pg.db')])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /pg_dump/)
  })
})
