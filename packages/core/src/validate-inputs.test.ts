import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { DatasetInput } from './types.ts'
import { validateDatasetInputs } from './validate-inputs.ts'

const input = (dataset: Partial<DatasetInput['dataset']> = {}, tags: DatasetInput['tags'] = []): DatasetInput => ({
  dataset: { name: 'd', digest: 'abc', sourceType: 'local', source: '{}', ...dataset },
  tags,
})

const refuses = (inputs: DatasetInput[], message: string) =>
  assert.throws(() => validateDatasetInputs(inputs), { code: 'INVALID_PARAMETER_VALUE', message })

describe('validateDatasetInputs', () => {
  it('accepts what MLflow accepts, empty fields included', () => {
    validateDatasetInputs([input(), input({ name: '', digest: '', sourceType: '', source: '' }, [{ key: '', value: '' }])])
    validateDatasetInputs([input({ name: 'n'.repeat(500), digest: 'd'.repeat(36) }, [{ key: 'k'.repeat(255), value: 'v'.repeat(500) }])])
  })

  it("refuses over-long fields in MLflow's words", () => {
    refuses([input({ name: 'n'.repeat(501) })], "'name' exceeds the maximum length of 500 characters")
    refuses([input({ digest: 'd'.repeat(37) })], "'digest' exceeds the maximum length of 36 characters")
    refuses([input({ source: 's'.repeat(65_536) })], "'source' exceeds the maximum length of 65535 characters")
    refuses([input({}, [{ key: 'k'.repeat(256), value: '' }])], "'key' exceeds the maximum length of 255 characters")
    refuses([input({}, [{ key: 'k', value: 'v'.repeat(501) }])], "'value' exceeds the maximum length of 500 characters")
  })

  it('bounds the number of datasets in one request', () => {
    refuses(Array.from({ length: 1001 }, () => input()), 'A batch logging request can contain at most 1000 datasets. Got 1001 datasets.')
  })
})
