import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { numberPlaceholders, postgresDialect } from './dialect-postgres.ts'

describe('postgresDialect', () => {
  it('numbers placeholders in order', () => {
    assert.equal(numberPlaceholders('a = ? AND b IN (?, ?)'), 'a = $1 AND b IN ($2, $3)')
  })
  it('binds lists as one typed array', () => {
    assert.deepEqual(postgresDialect.inList('k', [1, 2], 'bigint'), { sql: 'k = ANY(?::bigint[])', params: [[1, 2]] })
    assert.deepEqual(postgresDialect.inList('k', ['a', 'b'], 'text', true), { sql: 'NOT (k = ANY(?::text[]))', params: [['a', 'b']] })
  })
  it('writes a one-value list as an equality, which an index can walk in order', () => {
    assert.deepEqual(postgresDialect.inList('k', [7], 'bigint'), { sql: 'k = ?::bigint', params: [7] })
    assert.deepEqual(postgresDialect.inList('k', ['a'], 'text', true), { sql: 'k <> ?::text', params: ['a'] })
  })
  it('inserts many rows as one unnest statement', () => {
    const [statement, ...rest] = postgresDialect.insertRows(
      't',
      [
        { name: 'a', type: 'bigint' },
        { name: 'b', type: 'text' },
      ],
      [
        [1, 'x'],
        [2, 'y'],
      ],
      'ON CONFLICT DO NOTHING',
    )
    assert.deepEqual(rest, [])
    assert.deepEqual(statement, {
      sql: 'INSERT INTO t (a, b) SELECT * FROM unnest(?::bigint[], ?::text[]) ON CONFLICT DO NOTHING',
      params: [
        [1, 2],
        ['x', 'y'],
      ],
    })
    assert.deepEqual(postgresDialect.insertRows('t', [{ name: 'a', type: 'text' }], []), [])
  })
  it('classifies driver errors by SQLSTATE', () => {
    assert.equal(postgresDialect.classifyError({ code: '23505' }), 'unique')
    assert.equal(postgresDialect.classifyError({ code: '23503' }), 'foreign-key')
    assert.equal(postgresDialect.classifyError({ code: '40P01' }), 'retry')
    assert.equal(postgresDialect.classifyError(new Error('x')), undefined)
  })
})
