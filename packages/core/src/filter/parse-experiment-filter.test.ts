import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import type { Comparison, ComparisonOperator, EntityType, FilterNode } from './ast.ts'
import { parseExperimentFilter } from './parse-experiment-filter.ts'

const c = (entity: EntityType, key: string, operator: ComparisonOperator, value: Comparison['value']): Comparison => ({
  type: 'comparison',
  entity,
  key,
  operator,
  value,
})

const parsesTo = (text: string, expected: FilterNode) => assert.deepEqual(parseExperimentFilter(text), expected, text)

function rejects(text: string, position: number, fragment: string): void {
  assert.throws(
    () => parseExperimentFilter(text),
    (error: unknown) => {
      assert.ok(isOrchardError(error), String(error))
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE')
      assert.ok(error.message.includes(fragment), error.message)
      assert.ok(error.message.includes(` at position ${position}`), error.message)
      return true
    },
  )
}

describe('parseExperimentFilter', () => {
  it('returns undefined for absent or blank text', () => {
    assert.equal(parseExperimentFilter(undefined), undefined)
    assert.equal(parseExperimentFilter('  '), undefined)
  })

  it('reads name with the string operators, bare, prefixed or quoted', () => {
    parsesTo("name = 'x'", c('attribute', 'name', '=', 'x'))
    parsesTo('name != "x"', c('attribute', 'name', '!=', 'x'))
    parsesTo("attribute.name LIKE 'team-a/%'", c('attribute', 'name', 'LIKE', 'team-a/%'))
    parsesTo("`name` ILIKE '%A'", c('attribute', 'name', 'ILIKE', '%A'))
    parsesTo('"name" = \'x\'', c('attribute', 'name', '=', 'x'))
  })

  it('reads creation_time and last_update_time as numeric attributes', () => {
    parsesTo('creation_time > 1', c('attribute', 'creation_time', '>', 1))
    parsesTo('attribute.last_update_time <= 1.5', c('attribute', 'last_update_time', '<=', 1.5))
  })

  it('reads tags, dotted or quoted', () => {
    parsesTo("tags.a = 'x'", c('tag', 'a', '=', 'x'))
    parsesTo("tag.a ILIKE 'x'", c('tag', 'a', 'ILIKE', 'x'))
    parsesTo("tags.mlflow.note = 'x'", c('tag', 'mlflow.note', '=', 'x'))
    parsesTo("tags.\"a b\" != 'x'", c('tag', 'a b', '!=', 'x'))
  })

  it('joins with AND, and goes beyond MLflow with OR, parentheses, lowercase operators and attributes.', () => {
    parsesTo("name = 'a' and tags.b = 'c'", { type: 'and', children: [c('attribute', 'name', '=', 'a'), c('tag', 'b', '=', 'c')] })
    parsesTo("tags.team = 'nlp' or (name like 'g%' and creation_time >= -5)", {
      type: 'or',
      children: [c('tag', 'team', '=', 'nlp'), { type: 'and', children: [c('attribute', 'name', 'LIKE', 'g%'), c('attribute', 'creation_time', '>=', -5)] }],
    })
    parsesTo("attributes.name = 'x'", c('attribute', 'name', '=', 'x'))
  })

  it('refuses run entities, other prefixes and unknown attributes', () => {
    rejects('metrics.a > 1', 0, "Invalid entity type 'metrics'")
    rejects("params.a = 'x'", 0, "Invalid entity type 'params'")
    rejects("attr.name = 'x'", 0, "Invalid entity type 'attr'")
    rejects("experiment_id = '1'", 0, "Invalid attribute key 'experiment_id' at position 0; expected one of name, creation_time, last_update_time")
    rejects("lifecycle_stage = 'active'", 0, "Invalid attribute key 'lifecycle_stage'")
    rejects("attribute.status = 'x'", 10, "Invalid attribute key 'status'")
  })

  it('refuses operators and values of the wrong kind', () => {
    rejects("name > 'a'", 5, "Invalid comparator '>' for name")
    rejects("name IN ('a')", 5, "Invalid comparator 'IN' for name")
    rejects('creation_time LIKE 1', 14, "Invalid comparator 'LIKE' for creation_time")
    rejects("tags.a > 'x'", 7, "Invalid comparator '>' for tags.a")
    rejects("creation_time = 'x'", 16, "expected a number after '=', found 'x'")
    rejects('tags.a = 1', 9, "expected a quoted string after '=', found 1")
    rejects('name =', 6, "expected a quoted string after '='")
  })
})

describe('parseExperimentFilter: no metric aggregates', () => {
  it('refuses min(…) like any other unknown key', () => {
    assert.throws(() => parseExperimentFilter('min(metrics.a) < 1'))
  })
})
