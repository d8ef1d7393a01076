import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runAttribute, runEntity } from './run-keys.ts'

describe('runEntity', () => {
  it("maps MLflow's prefixes and aliases, a missing prefix to attribute", () => {
    assert.deepEqual(
      ['metric', 'metrics', 'param', 'params', 'parameter', 'parameters', 'tag', 'tags', 'attribute', 'attributes', 'attr', 'run', 'dataset', 'datasets'].map(runEntity),
      ['metric', 'metric', 'param', 'param', 'param', 'param', 'tag', 'tag', 'attribute', 'attribute', 'attribute', 'attribute', 'dataset', 'dataset'],
    )
    assert.equal(runEntity(undefined), 'attribute')
  })

  it('knows nothing else, whatever the case, nor what every object inherits', () => {
    for (const written of ['Metrics', 'METRIC', 'm', 'constructor', '__proto__', 'toString']) assert.equal(runEntity(written), undefined)
  })
})

describe('runAttribute', () => {
  it('resolves aliases to canonical keys and tells numbers from text', () => {
    assert.deepEqual(runAttribute('created'), { key: 'start_time', kind: 'numeric' })
    assert.deepEqual(runAttribute('Created'), { key: 'start_time', kind: 'numeric' })
    assert.deepEqual(runAttribute('end_time'), { key: 'end_time', kind: 'numeric' })
    for (const alias of ['run name', 'Run name', 'Run Name', 'run_name']) assert.deepEqual(runAttribute(alias), { key: 'run_name', kind: 'string' })
    assert.deepEqual(runAttribute('status'), { key: 'status', kind: 'string' })
  })

  it('refuses unknown names', () => {
    for (const written of ['CREATED', 'run Name', 'experiment_id', 'constructor']) assert.equal(runAttribute(written), undefined)
  })
})
