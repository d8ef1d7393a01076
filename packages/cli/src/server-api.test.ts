import assert from 'node:assert/strict'
import { test } from 'node:test'
import { credentialsHeader } from './server-api.ts'

test('MLFLOW_WORKSPACE travels as X-MLFLOW-WORKSPACE beside the credentials, and is absent when unset', () => {
  assert.deepEqual(credentialsHeader({ MLFLOW_WORKSPACE: 'team-a', MLFLOW_TRACKING_TOKEN: 't' }), {
    'X-MLFLOW-WORKSPACE': 'team-a',
    authorization: 'Bearer t',
  })
  assert.deepEqual(credentialsHeader({ MLFLOW_WORKSPACE: 'team-a' }), { 'X-MLFLOW-WORKSPACE': 'team-a' })
  assert.deepEqual(credentialsHeader({}), {})
})
