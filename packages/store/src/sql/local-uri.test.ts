import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { describe, it } from 'node:test'
import { resolveUriIfLocal } from './local-uri.ts'

describe('resolveUriIfLocal', () => {
  it('makes relative local paths absolute against the working directory, as MLflow', () => {
    assert.equal(resolveUriIfLocal('mlruns/x'), resolve('mlruns/x'))
    assert.equal(resolveUriIfLocal('./a/../b'), resolve('b'))
    assert.equal(resolveUriIfLocal('file:mlruns/x'), `file://${resolve('mlruns/x')}`)
  })

  it('keeps absolute paths and other schemes as written', () => {
    for (const uri of ['/abs/x', 'file:///abs/x', 'file:/abs/x', 's3://bucket/x', 'mlflow-artifacts:/1', 'C:\\data\\x']) {
      assert.equal(resolveUriIfLocal(uri), uri)
    }
  })
})
