import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import { parseExperimentOrderBy, parseRunOrderBy } from './order-by.ts'

// Cases ported from MLflow's tests/utils/test_search_utils.py (test_correct_sorting,
// test_invalid_order_by_search_runs, test_space_order_by_search_runs) and checked against MLflow.

function rejects(parse: (term: string) => unknown, term: string, position: number, fragment: string): void {
  assert.throws(
    () => parse(term),
    (error: unknown) => {
      assert.ok(isOrchardError(error), String(error))
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE')
      assert.ok(error.message.startsWith(`Invalid order_by clause ${JSON.stringify(term)}: `), error.message)
      assert.ok(error.message.includes(fragment), error.message)
      assert.ok(error.message.includes(` at position ${position}`), error.message)
      return true
    },
  )
}

describe('parseRunOrderBy', () => {
  it('reads entity, key and direction, ascending unless DESC, in any case', () => {
    assert.deepEqual(parseRunOrderBy('metrics.rmse DESC'), { entity: 'metric', key: 'rmse', ascending: false })
    assert.deepEqual(parseRunOrderBy('metrics.key1 asc'), { entity: 'metric', key: 'key1', ascending: true })
    assert.deepEqual(parseRunOrderBy('params.my_param aSc'), { entity: 'param', key: 'my_param', ascending: true })
    assert.deepEqual(parseRunOrderBy('params.lr'), { entity: 'param', key: 'lr', ascending: true })
    assert.deepEqual(parseRunOrderBy('tags.tag1    DESC'), { entity: 'tag', key: 'tag1', ascending: false })
    assert.deepEqual(parseRunOrderBy('attributes.status  ASC'), { entity: 'attribute', key: 'status', ascending: true })
  })

  it('reads bare attributes and aliases', () => {
    assert.deepEqual(parseRunOrderBy('attributes.start_time'), { entity: 'attribute', key: 'start_time', ascending: true })
    assert.deepEqual(parseRunOrderBy('start_time DESC'), { entity: 'attribute', key: 'start_time', ascending: false })
    assert.deepEqual(parseRunOrderBy('Created DESC'), { entity: 'attribute', key: 'start_time', ascending: false })
    for (const key of ['run_id', 'run_name', 'user_id', 'status', 'end_time', 'artifact_uri']) {
      assert.deepEqual(parseRunOrderBy(key), { entity: 'attribute', key, ascending: true })
    }
  })

  it('reads quoted and dotted keys', () => {
    for (const [term, ascending] of [['metrics.`Mean Square Error`', true], ['metrics.`Mean Square Error` ASC', true], ['metrics.`Mean Square Error` DESC', false]] as const) {
      assert.deepEqual(parseRunOrderBy(term), { entity: 'metric', key: 'Mean Square Error', ascending })
    }
    assert.deepEqual(parseRunOrderBy('metrics."key1"  desc'), { entity: 'metric', key: 'key1', ascending: false })
    assert.deepEqual(parseRunOrderBy('params.`my_param` DESC'), { entity: 'param', key: 'my_param', ascending: false })
    assert.deepEqual(parseRunOrderBy('`metrics`.a'), { entity: 'metric', key: 'a', ascending: true })
    assert.deepEqual(parseRunOrderBy('tags.`mlflow.note.content` DESC'), { entity: 'tag', key: 'mlflow.note.content', ascending: false })
    assert.deepEqual(parseRunOrderBy('tags.mlflow.runName'), { entity: 'tag', key: 'mlflow.runName', ascending: true })
  })

  it('goes beyond MLflow with experiment_id and lifecycle_stage, and surrounding spaces', () => {
    assert.deepEqual(parseRunOrderBy('attributes.experiment_id'), { entity: 'attribute', key: 'experiment_id', ascending: true })
    assert.deepEqual(parseRunOrderBy('lifecycle_stage DESC'), { entity: 'attribute', key: 'lifecycle_stage', ascending: false })
    assert.deepEqual(parseRunOrderBy(' metrics.rmse DESC '), { entity: 'metric', key: 'rmse', ascending: false })
  })

  it('refuses unknown entities and attributes, and datasets', () => {
    rejects(parseRunOrderBy, 'm.acc', 0, "Invalid entity type 'm'")
    rejects(parseRunOrderBy, 'attri.x', 0, "Invalid entity type 'attri'")
    rejects(parseRunOrderBy, 'acc', 0, "Invalid attribute key 'acc'")
    rejects(parseRunOrderBy, 'attribute.start', 10, "Invalid attribute key 'start'")
    rejects(parseRunOrderBy, '`metrics.A`', 0, "Invalid attribute key 'metrics.A'")
    rejects(parseRunOrderBy, 'datasets.name', 0, 'runs cannot be ordered by datasets')
  })

  it('refuses a direction other than ASC or DESC, and anything after it', () => {
    rejects(parseRunOrderBy, 'attribute.run_id ACS', 17, 'Invalid ordering key, found ACS')
    rejects(parseRunOrderBy, 'attribute.run_id decs', 17, 'Invalid ordering key, found decs')
    rejects(parseRunOrderBy, 'metrics.rmse DOWN', 13, 'Invalid ordering key, found DOWN at position 13; expected ASC, DESC or the end of the clause')
    rejects(parseRunOrderBy, 'metrics.A != 1', 10, "Invalid ordering key, found '!='")
    rejects(parseRunOrderBy, 'metrics.a,metrics.b', 9, "found ','")
    rejects(parseRunOrderBy, 'metrics.a DESC extra', 15, 'unexpected extra at position 15; expected the end of the clause')
  })

  it('refuses an empty term, a value and broken quoting', () => {
    rejects(parseRunOrderBy, '', 0, 'expected a key at position 0')
    rejects(parseRunOrderBy, "'metrics.a'", 0, "expected a key, found 'metrics.a'")
    rejects(parseRunOrderBy, '`metrics.A', 0, 'unterminated backtick-quoted name')
    rejects(parseRunOrderBy, 'metrics.a-b', 9, 'unexpected character "-"')
  })
})

describe('parseExperimentOrderBy', () => {
  it('reads the four orderable attributes, optionally prefixed or quoted', () => {
    for (const key of ['name', 'experiment_id', 'creation_time', 'last_update_time']) {
      assert.deepEqual(parseExperimentOrderBy(`${key} DESC`), { entity: 'attribute', key, ascending: false })
    }
    assert.deepEqual(parseExperimentOrderBy('attribute.name'), { entity: 'attribute', key: 'name', ascending: true })
    assert.deepEqual(parseExperimentOrderBy('attributes.name asc'), { entity: 'attribute', key: 'name', ascending: true })
    assert.deepEqual(parseExperimentOrderBy('`name` DESC'), { entity: 'attribute', key: 'name', ascending: false })
    assert.deepEqual(parseExperimentOrderBy('"creation_time"'), { entity: 'attribute', key: 'creation_time', ascending: true })
  })

  it('refuses tags, other entities and other keys', () => {
    rejects(parseExperimentOrderBy, 'tags.x', 0, 'experiments cannot be ordered by tags')
    rejects(parseExperimentOrderBy, 'metrics.a', 0, "Invalid entity type 'metrics'")
    rejects(parseExperimentOrderBy, 'creation_timestamp DESC', 0, "Invalid attribute key 'creation_timestamp'")
    rejects(parseExperimentOrderBy, 'attribute.lifecycle_stage', 10, "Invalid attribute key 'lifecycle_stage'")
    rejects(parseExperimentOrderBy, 'name aCs', 5, 'Invalid ordering key, found aCs')
    rejects(parseExperimentOrderBy, 'last_update_time DESC blah', 22, 'unexpected blah')
  })
})

describe('parseRunOrderBy: aggregates of a metric history (Orchard)', () => {
  it('reads min, max, mean and avg around a metric, with a direction', () => {
    assert.deepEqual(parseRunOrderBy('min(metrics.loss)'), { entity: 'metric', key: 'loss', ascending: true, aggregate: 'min' })
    assert.deepEqual(parseRunOrderBy('MAX(metrics.`val loss`) DESC'), { entity: 'metric', key: 'val loss', ascending: false, aggregate: 'max' })
    assert.deepEqual(parseRunOrderBy('avg(metric.acc) asc'), { entity: 'metric', key: 'acc', ascending: true, aggregate: 'mean' })
    assert.deepEqual(parseRunOrderBy('metrics.min DESC'), { entity: 'metric', key: 'min', ascending: false })
  })

  it('refuses aggregates of anything but a metric, unknown ones and broken forms', () => {
    rejects(parseRunOrderBy, 'min(params.lr)', 4, 'min() applies to metrics only')
    rejects(parseRunOrderBy, 'sum(metrics.a)', 0, "unknown aggregate 'sum'")
    rejects(parseRunOrderBy, 'min(metrics.a DESC', 14, "expected ')' after the metric")
    rejects(parseRunOrderBy, 'min(metrics.a) DESC x', 20, 'unexpected x')
  })
})
