import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import type { Comparison, ComparisonOperator, EntityType, FilterNode } from './ast.ts'
import { parseLoggedModelFilter } from './parse-logged-model-filter.ts'

const c = (entity: EntityType, key: string, operator: ComparisonOperator, value: Comparison['value']): Comparison => ({
  type: 'comparison',
  entity,
  key,
  operator,
  value,
})

const parsesTo = (text: string, expected: FilterNode) => assert.deepEqual(parseLoggedModelFilter(text), expected, text)

function rejects(text: string, fragment: string): void {
  assert.throws(
    () => parseLoggedModelFilter(text),
    (error: unknown) => {
      assert.ok(isOrchardError(error), String(error))
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE')
      assert.ok(error.message.includes(fragment), error.message)
      return true
    },
  )
}

describe('parseLoggedModelFilter', () => {
  it('reads the name a 3.x client filters on before it lists artifacts under a sub-path', () => {
    parsesTo("name = 'configs'", c('attribute', 'name', '=', 'configs'))
    parsesTo("attributes.name LIKE 'conf%'", c('attribute', 'name', 'LIKE', 'conf%'))
  })

  it('reads every string attribute, with IN lists on each', () => {
    for (const key of ['model_id', 'model_type', 'status', 'source_run_id']) {
      parsesTo(`${key} != 'x'`, c('attribute', key, '!=', 'x'))
      parsesTo(`${key} IN ('a', 'b')`, c('attribute', key, 'IN', ['a', 'b']))
    }
    parsesTo("tags.stage NOT IN ('dev')", c('tag', 'stage', 'NOT IN', ['dev']))
    parsesTo("params.alpha ILIKE '0.%'", c('param', 'alpha', 'ILIKE', '0.%'))
  })

  it('reads the timestamps, with MLflow aliases, as numbers', () => {
    parsesTo('creation_timestamp > 5', c('attribute', 'creation_timestamp', '>', 5))
    parsesTo('creation_time <= 5', c('attribute', 'creation_timestamp', '<=', 5))
    parsesTo('last_updated_time = 5', c('attribute', 'last_updated_timestamp', '=', 5))
    parsesTo('attributes.last_updated_timestamp != 5', c('attribute', 'last_updated_timestamp', '!=', 5))
  })

  it('reads metrics as numbers, joined by AND, OR and parentheses', () => {
    parsesTo("metrics.rmse < 8 AND (name = 'a' OR tags.k = 'v')", {
      type: 'and',
      children: [c('metric', 'rmse', '<', 8), { type: 'or', children: [c('attribute', 'name', '=', 'a'), c('tag', 'k', '=', 'v')] }],
    })
  })

  it("refuses the run grammar's attributes and entity spellings", () => {
    rejects("run_name = 'x'", "Invalid attribute key 'run_name'")
    rejects("start_time > 1", "Invalid attribute key 'start_time'")
    rejects("tag.k = 'v'", "Invalid entity type: 'tag'")
    rejects("datasets.name = 'x'", "Invalid entity type: 'datasets'")
  })

  it('refuses operators and values that do not fit the key', () => {
    rejects("creation_timestamp IN ('1')", "Invalid comparator 'IN'")
    rejects("metrics.rmse LIKE '1'", "Invalid comparator 'LIKE'")
    rejects("metrics.rmse < 'a'", 'expected a number')
    rejects('name = 1', 'expected a quoted string')
  })
})
