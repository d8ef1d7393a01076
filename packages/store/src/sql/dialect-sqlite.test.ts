import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { likeToGlob, sqliteDialect } from './dialect-sqlite.ts'

describe('likeToGlob', () => {
  it('maps LIKE wildcards to GLOB ones', () => {
    assert.equal(likeToGlob('a%b_c'), 'a*b?c')
  })
  it('keeps GLOB metacharacters in the text literal', () => {
    assert.equal(likeToGlob('[x]*?'), '[[]x][*][?]')
  })
  it('reads backslash escapes as literal characters', () => {
    assert.equal(likeToGlob('100\\%\\_\\\\'), '100%_\\')
    assert.equal(likeToGlob('trailing\\'), 'trailing\\')
  })
})

describe('sqliteDialect.inList', () => {
  it('binds short lists one value per placeholder and long ones as a JSON array', () => {
    assert.deepEqual(sqliteDialect.inList('x', ['a', 'b'], 'text'), { sql: 'x IN (?, ?)', params: ['a', 'b'] })
    const long = Array.from({ length: 100 }, (_, i) => i)
    assert.deepEqual(sqliteDialect.inList('x', long, 'bigint', true), {
      sql: 'x NOT IN (SELECT value FROM json_each(?))',
      params: [JSON.stringify(long)],
    })
  })
})
