import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import type { Comparison, ComparisonOperator, EntityType, FilterNode } from './ast.ts'
import { parseRunFilter } from './parse-run-filter.ts'

// Cases ported from MLflow's tests/utils/test_search_utils.py, and others checked against MLflow's
// own parser: each valid filter must mean here what it means there.

const c = (entity: EntityType, key: string, operator: ComparisonOperator, value: Comparison['value']): Comparison => ({
  type: 'comparison',
  entity,
  key,
  operator,
  value,
})

const parsesTo = (text: string, expected: FilterNode) => assert.deepEqual(parseRunFilter(text), expected, text)

function rejects(text: string, position: number, fragment: string): void {
  assert.throws(
    () => parseRunFilter(text),
    (error: unknown) => {
      assert.ok(isOrchardError(error), String(error))
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE')
      assert.ok(error.message.includes(fragment), error.message)
      assert.ok(error.message.includes(` at position ${position}`), error.message)
      return true
    },
  )
}

describe('parseRunFilter: what MLflow accepts', () => {
  it('reads each entity prefix and its aliases', () => {
    parsesTo('metric.acc >= 0.94', c('metric', 'acc', '>=', 0.94))
    parsesTo('metrics.XYZ = 3', c('metric', 'XYZ', '=', 3))
    for (const prefix of ['param', 'params', 'parameter', 'parameters']) parsesTo(`${prefix}.model = 'LR'`, c('param', 'model', '=', 'LR'))
    parsesTo("tags.version = 'commit-hash'", c('tag', 'version', '=', 'commit-hash'))
    parsesTo("tag.version = 'x'", c('tag', 'version', '=', 'x'))
    for (const prefix of ['attribute.', 'attributes.', 'attr.', 'run.', '']) parsesTo(`${prefix}status = 'RUNNING'`, c('attribute', 'status', '=', 'RUNNING'))
    parsesTo("dataset.name = 'my_dataset'", c('dataset', 'name', '=', 'my_dataset'))
    parsesTo("datasets.context = 'train'", c('dataset', 'context', '=', 'train'))
  })

  it('needs no spaces around operators', () => {
    parsesTo('metric.acc>=100', c('metric', 'acc', '>=', 100))
    parsesTo("params.m!='tf'", c('param', 'm', '!=', 'tf'))
    parsesTo('metrics.rmse>-1', c('metric', 'rmse', '>', -1))
  })

  it('reads keys quoted with double quotes or backticks, entities with backticks', () => {
    parsesTo('params."m"!="tf"', c('param', 'm', '!=', 'tf'))
    parsesTo('metric."legit name" >= 0.243', c('metric', 'legit name', '>=', 0.243))
    parsesTo('params."cat dog" = "pets"', c('param', 'cat dog', '=', 'pets'))
    parsesTo('metrics."X-Y-Z" = 3', c('metric', 'X-Y-Z', '=', 3))
    parsesTo('metrics."X//Y#$$@&Z" = 3', c('metric', 'X//Y#$$@&Z', '=', 3))
    parsesTo('metrics.`spacey name` > 5', c('metric', 'spacey name', '>', 5))
    parsesTo('`metric`.a >= 0.1', c('metric', 'a', '>=', 0.1))
    parsesTo("`tags`.source_name = 'a notebook'", c('tag', 'source_name', '=', 'a notebook'))
  })

  it('reads dotted keys, quoted or not: everything after the first dot is the key', () => {
    parsesTo('metrics."accuracy.2.0" > 5', c('metric', 'accuracy.2.0', '>', 5))
    parsesTo('params."p.a.r.a.m" != "a"', c('param', 'p.a.r.a.m', '!=', 'a'))
    parsesTo("tags.mlflow.runName = 'x'", c('tag', 'mlflow.runName', '=', 'x'))
    parsesTo("tags.`mlflow.note.content` LIKE '%x%'", c('tag', 'mlflow.note.content', 'LIKE', '%x%'))
    parsesTo("params.and = 'x'", c('param', 'and', '=', 'x'))
  })

  it('keeps string values verbatim: MLflow unescapes neither doubled quotes nor backslashes', () => {
    parsesTo('params.m = "L\'Hosp"', c('param', 'm', '=', "L'Hosp"))
    parsesTo('params.m = \'say "hi"\'', c('param', 'm', '=', 'say "hi"'))
    parsesTo("params.m = 'it''s'", c('param', 'm', '=', "it''s"))
    parsesTo("params.m = 'a\\'b'", c('param', 'm', '=', "a\\'b"))
    parsesTo("params.path = 'C:\\'", c('param', 'path', '=', 'C:\\'))
    parsesTo("params.m = ''", c('param', 'm', '=', ''))
  })

  it('reads numbers in the forms MLflow does', () => {
    parsesTo('metrics.a = -1.5E-3', c('metric', 'a', '=', -0.0015))
    parsesTo('metrics.a < .5', c('metric', 'a', '<', 0.5))
    parsesTo('metrics.a < 5.', c('metric', 'a', '<', 5))
    parsesTo('metrics.a = 1e3and metrics.b = 2', { type: 'and', children: [c('metric', 'a', '=', 1000), c('metric', 'b', '=', 2)] })
  })

  it('reads numeric attributes, with created as start_time', () => {
    parsesTo('attribute.start_time >= 1234', c('attribute', 'start_time', '>=', 1234))
    parsesTo('end_time <= 1', c('attribute', 'end_time', '<=', 1))
    parsesTo('created > 5', c('attribute', 'start_time', '>', 5))
    parsesTo('attributes.Created > 5', c('attribute', 'start_time', '>', 5))
  })

  it('reads string attributes, with "run name" spellings as run_name', () => {
    parsesTo("attribute.artifact_uri = '1/23/4'", c('attribute', 'artifact_uri', '=', '1/23/4'))
    parsesTo("attribute.user_id = 'user-id2'", c('attribute', 'user_id', '=', 'user-id2'))
    parsesTo("attr.run_name ILIKE 'r%'", c('attribute', 'run_name', 'ILIKE', 'r%'))
    parsesTo("`Run name` = 'x'", c('attribute', 'run_name', '=', 'x'))
    parsesTo('"Run Name" = \'x\'', c('attribute', 'run_name', '=', 'x'))
    parsesTo("attributes.\"run name\" LIKE 'x%'", c('attribute', 'run_name', 'LIKE', 'x%'))
  })

  it('takes IN and NOT IN lists on run_id and on dataset keys', () => {
    parsesTo("run_id IN ('a','b')", c('attribute', 'run_id', 'IN', ['a', 'b']))
    parsesTo("attributes.run_id In ('a', 'b',)", c('attribute', 'run_id', 'IN', ['a', 'b']))
    parsesTo("run_id not  in ('a')", c('attribute', 'run_id', 'NOT IN', ['a']))
    parsesTo("datasets.name IN ('name1', 'name2')", c('dataset', 'name', 'IN', ['name1', 'name2']))
    parsesTo('datasets.digest NOT IN ("d1")', c('dataset', 'digest', 'NOT IN', ['d1']))
    parsesTo("datasets.context IN ('train')", c('dataset', 'context', 'IN', ['train']))
  })

  it('joins clauses with AND in any case, or with nothing at all as MLflow does', () => {
    const expected = { type: 'and', children: [c('metric', 'rmse', '<', 1), c('param', 'model_class', '=', 'LR')] } as const
    parsesTo("metrics.rmse < 1 and params.model_class = 'LR'", expected)
    parsesTo("metrics.rmse < 1 AnD params.model_class = 'LR'", expected)
    parsesTo("metrics.rmse < 1 params.model_class = 'LR'", expected)
    parsesTo("params.a='x'and params.b='y'", { type: 'and', children: [c('param', 'a', '=', 'x'), c('param', 'b', '=', 'y')] })
    parsesTo("params.a = 'x'\n\tAND\ttags.b = 'y'", { type: 'and', children: [c('param', 'a', '=', 'x'), c('tag', 'b', '=', 'y')] })
  })
})

describe('parseRunFilter: beyond MLflow', () => {
  it('adds OR and parentheses, AND binding tighter', () => {
    parsesTo("(tags.team = 'a' and metrics.acc > 0.15) or attributes.run_name = 'r5'", {
      type: 'or',
      children: [{ type: 'and', children: [c('tag', 'team', '=', 'a'), c('metric', 'acc', '>', 0.15)] }, c('attribute', 'run_name', '=', 'r5')],
    })
  })

  it('also filters on lifecycle_stage, which MLflow leaves to run_view_type', () => {
    parsesTo("attributes.lifecycle_stage = 'deleted'", c('attribute', 'lifecycle_stage', '=', 'deleted'))
  })
})

describe('parseRunFilter: what MLflow refuses', () => {
  it('refuses unknown entities, case-sensitively', () => {
    for (const entity of ['m', 'p', 'attri', 'a', 'METRICS', 'Params']) rejects(`${entity}.acc >= 0.94`, 0, `Invalid entity type '${entity}'`)
    rejects("`dummy`.A > 0.1", 0, "Invalid entity type 'dummy'")
    rejects("constructor.x = 'a'", 0, "Invalid entity type 'constructor'")
  })

  it('refuses unknown attributes and dataset keys at the key', () => {
    for (const key of ['acc', 'model', 'start', 'experiment_id', 'name', 'time', '_status', 'CREATED', 'toString']) {
      rejects(`attribute.${key} != 1`, 10, `Invalid attribute key '${key}'`)
    }
    rejects('acc != 1.0', 0, "Invalid attribute key 'acc'")
    rejects("dataset.status = 'true'", 8, "Invalid dataset key 'status' at position 8; expected name, digest, context")
    rejects("datasets.profile = 'num_rows: 10'", 9, "Invalid dataset key 'profile'")
  })

  it('refuses a string for a metric or numeric attribute', () => {
    rejects("metric.model = 'LR'", 15, "expected a number after '=', found 'LR'")
    rejects("metric.model = '5'", 15, "expected a number after '=', found '5'")
    rejects('metrics.acc != metrics.acc', 15, "expected a number after '!=', found metrics.acc")
    rejects("start_time = 'x'", 13, "expected a number after '='")
    rejects('metrics.rmse < ', 15, "expected a number after '<'")
  })

  it('refuses a number or an unquoted word for params, tags and string attributes', () => {
    rejects('params.acc = 5', 13, "expected a quoted string after '=', found 5")
    rejects('tags.acc = 5', 11, "expected a quoted string after '=', found 5")
    rejects('attribute.status = 1', 19, "expected a quoted string after '=', found 1")
    rejects('attribute.status = true', 19, 'found true')
    rejects('params.acc = LR', 13, 'found LR')
    rejects('params.acc = `LR`', 13, 'found `LR`')
    rejects("datasets.name = 1", 16, 'expected a quoted string')
  })

  it('refuses operators an entity does not take', () => {
    rejects('metrics.abc ~ 1.0', 12, "Invalid comparator '~'")
    rejects("metrics.abc LIKE '1%'", 12, "Invalid comparator 'LIKE' for metrics.abc")
    for (const operator of ['>', '<', '>=', '<=']) {
      rejects(`params.abc ${operator} 'v'`, 11, `Invalid comparator '${operator}' for params.abc`)
      rejects(`tags.abc ${operator} 'v'`, 9, `Invalid comparator '${operator}' for tags.abc`)
      rejects(`attributes.status ${operator} 'v'`, 18, `Invalid comparator '${operator}' for attributes.status`)
      rejects(`datasets.name ${operator} 'v'`, 14, `Invalid comparator '${operator}' for datasets.name`)
    }
    rejects('attributes.start_time LIKE 1234', 22, "Invalid comparator 'LIKE' for attributes.start_time")
    rejects('attributes.start_time ILIKE 1234', 22, "Invalid comparator 'ILIKE'")
    rejects("params.a RLIKE 'x'", 9, 'expected a comparison operator after params.a, found RLIKE')
    rejects("params.a NOT LIKE 'x'", 13, 'expected IN after NOT, found LIKE')
    rejects("attribute.status IS 'RUNNING'", 17, 'found IS')
    rejects('metrics.a == 1', 10, "Invalid comparator '=='")
  })

  it("refuses IN on attributes other than run_id, and lists MLflow can't read", () => {
    rejects("status IN ('FINISHED')", 7, "Invalid comparator 'IN' for status at position 7; expected =, !=, LIKE, ILIKE (only the 'run_id' attribute supports IN and NOT IN)")
    rejects("attributes.run_name NOT IN ('a')", 20, "Invalid comparator 'NOT IN' for attributes.run_name")
    rejects("metrics.a IN (1, 2)", 10, "Invalid comparator 'IN' for metrics.a")
    rejects('run_id IN ()', 11, 'empty IN list')
    rejects('run_id IN (1, 2)', 11, 'expected a quoted string in the IN list, found 1')
    rejects("run_id IN 'a'", 10, "expected '(' after IN")
  })

  it('refuses malformed quoting', () => {
    rejects("params.'acc = LR", 7, 'unterminated string')
    rejects("params.acc = 'LR", 13, 'unterminated string')
    rejects("params.acc = LR'", 15, 'unterminated string')
    rejects('params.acc = "LR\'', 13, 'unterminated string')
    rejects('`metrics.A > 0.1', 0, 'unterminated backtick-quoted name')
    rejects('param`.A > 0.1', 5, 'unterminated backtick-quoted name')
    rejects("'run name' = 'x'", 0, "expected a key, found 'run name'")
    rejects("tags.'a b' = 'x'", 5, "expected a comparison operator after tags., found 'a b'")
  })

  it('refuses everything that is not a clause: OR-less garbage, statements, comments', () => {
    rejects("metrics.A > 0.1 NAND params.B = 'LR'", 16, 'unexpected NAND')
    rejects('metric.acc >= 0.94; metrics.rmse < 1', 18, 'unexpected character ";"')
    rejects('metrics.a > 1 -- comment', 14, 'unexpected character "-"')
    rejects("tags.acc = = 'LR'", 11, "expected a quoted string after '=', found '='")
    rejects('params.acc LR !=', 11, 'expected a comparison operator after params.acc, found LR')
    rejects('metric.acc !=', 13, "expected a number after '!='")
    rejects('foo is null', 0, "Invalid attribute key 'foo'")
    rejects('1=1', 0, 'expected a key, found 1')
    rejects('1.0 > metrics.acc', 0, 'expected a key, found 1.0')
  })
})

describe('parseRunFilter: aggregates of a metric history (Orchard)', () => {
  const agg = (aggregate: Comparison['aggregate'], key: string, operator: ComparisonOperator, value: number): Comparison => ({
    ...c('metric', key, operator, value),
    aggregate,
  })

  it('reads min, max, mean and avg (the mean) around any metric key, in any case', () => {
    parsesTo('min(metrics.loss) < 0.2', agg('min', 'loss', '<', 0.2))
    parsesTo('MAX(metric.acc)>=0.9', agg('max', 'acc', '>=', 0.9))
    parsesTo('mean( metrics.`val loss` ) != 1', agg('mean', 'val loss', '!=', 1))
    parsesTo('avg(metrics."eval.f1") = 0.5', agg('mean', 'eval.f1', '=', 0.5))
  })

  it('mixes with other clauses, OR and parentheses', () => {
    parsesTo("min(metrics.loss) < 0.2 and params.model = 'tree'", {
      type: 'and',
      children: [agg('min', 'loss', '<', 0.2), c('param', 'model', '=', 'tree')],
    })
    parsesTo('(max(metrics.a) > 1 or metrics.a < 0)', { type: 'or', children: [agg('max', 'a', '>', 1), c('metric', 'a', '<', 0)] })
  })

  it('leaves a plain metric comparison without an aggregate (MLflow’s meaning, unchanged)', () => {
    assert.equal('aggregate' in (parseRunFilter('metrics.min < 1') as Comparison), false)
    parsesTo('metrics.min < 1', c('metric', 'min', '<', 1))
  })

  it('refuses aggregates of anything but a metric, unknown ones, and broken forms', () => {
    rejects("min(params.lr) = '1'", 4, 'min() applies to metrics only')
    rejects('min(start_time) > 1', 4, 'min() applies to metrics only')
    rejects('sum(metrics.a) > 1', 0, "unknown aggregate 'sum'")
    rejects('min(metrics.a > 1', 14, "expected ')' after the metric, found '>'")
    rejects('min() > 1', 4, "expected a metric after min(, found ')'")
    rejects("min(metrics.a) LIKE 'x'", 15, "Invalid comparator 'LIKE' for min(metrics.a)")
    rejects("min(metrics.a) < 'x'", 17, "expected a number after '<'")
  })
})
