import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import { parseModelUri } from './registry-model-uri.ts'

describe('parseModelUri', () => {
  it('reads versions, stages, latest and aliases as MLflow does', () => {
    assert.deepEqual(parseModelUri('models:/fraud/3'), { kind: 'version', name: 'fraud', version: '3' })
    assert.deepEqual(parseModelUri('models:/fraud/production'), { kind: 'stage', name: 'fraud', stage: 'production' })
    assert.deepEqual(parseModelUri('models:/fraud/Latest'), { kind: 'latest', name: 'fraud' })
    assert.deepEqual(parseModelUri('models:/fraud@champion'), { kind: 'alias', name: 'fraud', alias: 'champion' })
    assert.deepEqual(parseModelUri('models:/a@b@c'), { kind: 'alias', name: 'a@b', alias: 'c' })
    assert.deepEqual(parseModelUri('models:/m-123abc'), { kind: 'logged-model', modelId: 'm-123abc' })
  })

  it('refuses what is not a proper models:/ URI', () => {
    for (const uri of ['runs:/abc/model', 'models:', 'models:/', 'models:/a/b/c', 'models:/a/', 'models:/ /1', 'models:/a@', 'models:fraud/1']) {
      assert.throws(
        () => parseModelUri(uri),
        (error: unknown) => isOrchardError(error) && error.code === 'INVALID_PARAMETER_VALUE' && error.message.includes(`Not a proper models:/ URI: ${uri}.`),
        uri,
      )
    }
  })
})
