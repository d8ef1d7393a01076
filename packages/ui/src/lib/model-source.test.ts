import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sourceMlmodelPath } from './model-source.ts'

describe('sourceMlmodelPath', () => {
  it('finds the MLmodel of a source in the run’s artifacts', () => {
    assert.equal(sourceMlmodelPath('runs:/abc/model', 'abc'), 'model/MLmodel')
    assert.equal(sourceMlmodelPath('mlflow-artifacts:/1/abc/artifacts/nested/model/', 'abc'), 'nested/model/MLmodel')
    assert.equal(sourceMlmodelPath('s3://bucket/1/abc/artifacts/model', 'abc'), 'model/MLmodel')
  })
  it('gives nothing for a source outside the run', () => {
    assert.equal(sourceMlmodelPath('runs:/other/model', 'abc'), undefined)
    assert.equal(sourceMlmodelPath('s3://bucket/models/churn', 'abc'), undefined)
    assert.equal(sourceMlmodelPath('runs:/abc/model', undefined), undefined)
  })
})
