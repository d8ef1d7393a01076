import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import {
  canonicalStage,
  parseModelVersion,
  validateAliasName,
  validateAliasNotReserved,
  validateModelVersionSource,
  validateRegistryTag,
} from './registry-validate.ts'

const refuses = (fn: () => unknown, fragment: string) =>
  assert.throws(fn, (error: unknown) => isOrchardError(error) && error.code === 'INVALID_PARAMETER_VALUE' && error.message.includes(fragment))

describe('registry input rules', () => {
  it('canonicalises stages in any case and refuses others', () => {
    assert.deepEqual(['none', 'STAGING', 'Production', 'archived'].map(canonicalStage), ['None', 'Staging', 'Production', 'Archived'])
    refuses(() => canonicalStage('Deleted_Internal'), 'Invalid Model Version stage: Deleted_Internal. Value must be one of None, Staging, Production, Archived.')
  })

  it('reads version numbers as Python int() does', () => {
    assert.deepEqual(['3', ' 3 ', '+3', '007'].map(parseModelVersion), [3, 3, 3, 7])
    refuses(() => parseModelVersion('3.0'), "Parameter 'version' must be an integer, got '3.0'.")
    refuses(() => parseModelVersion(''), "got ''")
  })

  it('checks alias characters and length, and reserves latest and version-like names', () => {
    validateAliasName('champion_v2-été')
    refuses(() => validateAliasName(''), 'cannot be empty')
    refuses(() => validateAliasName('a.b'), "Invalid alias name: 'a.b'")
    refuses(() => validateAliasName('x'.repeat(256)), 'maximum length of 255')
    validateAliasNotReserved('v1a')
    for (const alias of ['latest', 'LATEST', 'v3', 'V12', '3']) refuses(() => validateAliasNotReserved(alias), 'reserved')
  })

  it('checks tag keys and the 100,000-character value limit', () => {
    validateRegistryTag({ key: 'a/b.c', value: 'x'.repeat(100_000) })
    refuses(() => validateRegistryTag({ key: 'a', value: 'x'.repeat(100_001) }), "'value' exceeds the maximum length of 100000")
    refuses(() => validateRegistryTag({ key: '/abs', value: '' }, 'tags[2]'), 'tags[2].key')
  })

  it("refuses sources with '..' segments, plain or percent-encoded", () => {
    validateModelVersionSource('s3://bucket/models/a..b/model')
    for (const source of ['s3://b/../x', 'mlflow-artifacts://host/%2E%2E/x', 'http://h/a/%252e%252e/b', '/models/..']) {
      refuses(() => validateModelVersionSource(source), 'Invalid model version source')
    }
  })
})
