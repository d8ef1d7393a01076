import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import { joinArtifactUri, parseRunsUri } from './model-uri.ts'

test('runs:/ URIs give the run id and the run-relative path, as MLflow parses them', () => {
  assert.deepEqual(parseRunsUri('runs:/abc/model'), { runId: 'abc', artifactPath: 'model' })
  assert.deepEqual(parseRunsUri('runs:/abc/model/MLmodel'), { runId: 'abc', artifactPath: 'model/MLmodel' })
  assert.deepEqual(parseRunsUri('runs:/abc'), { runId: 'abc', artifactPath: '' })
  assert.deepEqual(parseRunsUri('runs:/abc/'), { runId: 'abc', artifactPath: '' })
  assert.deepEqual(parseRunsUri('runs://host/abc/model'), { runId: 'abc', artifactPath: 'model' })
})

test('malformed runs:/ URIs and paths that leave the run are INVALID_PARAMETER_VALUE', () => {
  for (const uri of ['runs:', 'runs:/', 'runs:abc/model', 'runs://', 'runs://host', 'models:/abc/1']) {
    assert.throws(() => parseRunsUri(uri), (e: unknown) => isOrchardError(e) && e.code === 'INVALID_PARAMETER_VALUE' && e.message.includes('Not a proper runs:/ URI'), uri)
  }
  assert.throws(() => parseRunsUri('runs:/abc/model/../../other'), (e: unknown) => isOrchardError(e) && e.message.includes("remove '..'"))
})

test('artifact URIs are joined with one slash, whatever the scheme', () => {
  assert.equal(joinArtifactUri('s3://bucket/1/abc/artifacts/', 'model'), 's3://bucket/1/abc/artifacts/model')
  assert.equal(joinArtifactUri('mlflow-artifacts:/1/abc/artifacts', 'model'), 'mlflow-artifacts:/1/abc/artifacts/model')
  assert.equal(joinArtifactUri('/data/artifacts', ''), '/data/artifacts')
})
