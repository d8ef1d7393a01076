import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { describe, it } from 'node:test'
import { parseStoreUri } from './store-uri.ts'

describe('parseStoreUri', () => {
  it('reads SQLite URIs the way SQLAlchemy writes them', () => {
    assert.deepEqual(parseStoreUri('sqlite:////var/lib/orchard.db'), { kind: 'sqlite', path: '/var/lib/orchard.db', memory: false })
    assert.deepEqual(parseStoreUri('sqlite:///mlruns/orchard.db'), { kind: 'sqlite', path: resolve('mlruns/orchard.db'), memory: false })
    assert.deepEqual(parseStoreUri('sqlite://relative.db'), { kind: 'sqlite', path: resolve('relative.db'), memory: false })
    assert.deepEqual(parseStoreUri('sqlite:///x.db?mode=rwc'), { kind: 'sqlite', path: resolve('x.db'), memory: false })
  })

  it('reads a statement timeout in ms from a SQLite URI, and refuses one that is not a whole number above 0', () => {
    assert.deepEqual(parseStoreUri('sqlite:////data/o.db?statement_timeout=2500'), { kind: 'sqlite', path: '/data/o.db', memory: false, statementTimeoutMs: 2500 })
    assert.deepEqual(parseStoreUri('sqlite:///:memory:?statement_timeout=5'), { kind: 'sqlite', path: ':memory:', memory: true, statementTimeoutMs: 5 })
    for (const bad of ['0', '-1', '1.5', 'soon', '']) {
      assert.throws(() => parseStoreUri(`sqlite:////data/o.db?statement_timeout=${bad}`), { code: 'INVALID_PARAMETER_VALUE', message: /statement_timeout/ })
    }
  })

  it('opens SQLite in memory for :memory: and an empty path', () => {
    for (const uri of ['sqlite:///:memory:', 'sqlite://', 'sqlite:///']) {
      assert.deepEqual(parseStoreUri(uri), { kind: 'sqlite', path: ':memory:', memory: true })
    }
  })

  it('accepts postgres and postgresql schemes, with or without a driver suffix', () => {
    for (const uri of ['postgresql://u:p@h:5432/db', 'postgres://u:p@h:5432/db', 'postgresql+psycopg2://u:p@h:5432/db']) {
      assert.deepEqual(parseStoreUri(uri), { kind: 'postgres', connectionString: 'postgresql://u:p@h:5432/db' })
    }
  })

  it('refuses other schemes', () => {
    assert.throws(() => parseStoreUri('mysql://h/db'), { code: 'INVALID_PARAMETER_VALUE', message: /Unsupported backend store URI 'mysql:\/\/h\/db'/ })
    assert.throws(() => parseStoreUri('./mlruns'), { code: 'INVALID_PARAMETER_VALUE' })
  })
})
