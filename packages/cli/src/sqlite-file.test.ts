import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { describe, it } from 'node:test'
import { sqliteFile } from './sqlite-file.ts'

describe('sqliteFile', () => {
  it('reads relative and absolute paths the way SQLAlchemy writes them', () => {
    assert.equal(sqliteFile('sqlite:///mlruns/orchard.db'), resolve('mlruns/orchard.db'))
    assert.equal(sqliteFile('sqlite:////tmp/x/orchard.db'), '/tmp/x/orchard.db')
    assert.equal(sqliteFile('sqlite:////tmp/x/orchard.db?mode=ro'), '/tmp/x/orchard.db')
  })

  it('has no file for memory databases and PostgreSQL', () => {
    assert.equal(sqliteFile('sqlite:///:memory:'), undefined)
    assert.equal(sqliteFile('sqlite://'), undefined)
    assert.equal(sqliteFile('postgresql://orchard@db/orchard'), undefined)
  })
})
