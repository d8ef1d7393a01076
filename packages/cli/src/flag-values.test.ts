import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { UsageError } from './command.ts'
import { parseDuration, parseInteger, parseList, parseTags, parseView } from './flag-values.ts'

const rejects = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (error: unknown) => error instanceof UsageError && message.test(error.message))

describe('flag values', () => {
  it('parses durations in the #d#h#m#s form of mlflow gc', () => {
    assert.equal(parseDuration('older-than', '30d'), 30 * 86_400_000)
    assert.equal(parseDuration('older-than', '12h'), 12 * 3_600_000)
    assert.equal(parseDuration('older-than', '90m'), 90 * 60_000)
    assert.equal(parseDuration('older-than', '45s'), 45_000)
    assert.equal(parseDuration('older-than', '1d12h'), 36 * 3_600_000)
    assert.equal(parseDuration('older-than', '1.5h'), 90 * 60_000)
  })

  it('rejects durations without a unit, with unknown units, or out of order', () => {
    for (const bad of ['', '30', 'd', '3w', '12h30d', '-1d', '1 d', '30days']) {
      rejects(() => parseDuration('older-than', bad), /^--older-than must be a duration such as 30d/)
    }
  })

  it('parses integers within a range and names the flag otherwise', () => {
    assert.equal(parseInteger('port', '0', { min: 0, max: 65_535 }), 0)
    assert.equal(parseInteger('port', '65535', { min: 0, max: 65_535 }), 65_535)
    for (const bad of ['http', '1.5', '1e3', '65536', '-1', ' 80']) {
      rejects(() => parseInteger('port', bad, { min: 0, max: 65_535 }), /^--port must be an integer from 0 to 65535, got/)
    }
  })

  it('splits comma lists and repeated flags, refusing empty items', () => {
    assert.deepEqual(parseList('run-ids', 'a,b'), ['a', 'b'])
    assert.deepEqual(parseList('experiment-ids', ['1', '2, 3']), ['1', '2', '3'])
    rejects(() => parseList('run-ids', 'a,,b'), /^--run-ids takes a comma-separated list without empty items/)
    rejects(() => parseList('run-ids', 'a,'), /^--run-ids takes a comma-separated list/)
  })

  it('accepts our view names and MLflow CLI spellings', () => {
    assert.equal(parseView('view', 'active'), 'ACTIVE_ONLY')
    assert.equal(parseView('view', 'DELETED_ONLY'), 'DELETED_ONLY')
    assert.equal(parseView('view', 'all'), 'ALL')
    rejects(() => parseView('view', 'archived'), /^--view must be active, deleted or all, got 'archived'$/)
  })

  it('parses key=value tags, keeping later = signs in the value', () => {
    assert.deepEqual(parseTags('tag', ['team=growth', 'q=a=b', 'empty=']), [
      { key: 'team', value: 'growth' },
      { key: 'q', value: 'a=b' },
      { key: 'empty', value: '' },
    ])
    assert.deepEqual(parseTags('tag', undefined), [])
    rejects(() => parseTags('tag', ['novalue']), /^--tag takes key=value, got 'novalue'$/)
    rejects(() => parseTags('tag', ['=x']), /^--tag takes key=value/)
  })
})
