import { EXPERIMENT_NUMERIC_ATTRIBUTES, EXPERIMENT_STRING_ATTRIBUTES } from './ast.ts'
import type { EntityType, MetricAggregate, OrderTerm } from './ast.ts'
import { filterError } from './filter-error.ts'
import { tokenize } from './lexer.ts'
import type { Token } from './lexer.ts'
import { AGGREGATE_HINT, aggregateNamed, describe, keyOf } from './parse-filter.ts'
import type { KeyReference } from './parse-filter.ts'
import { RUN_ATTRIBUTE_HINT, RUN_ENTITY_HINT, runAttribute, runEntity } from './run-keys.ts'

// One order_by term: `<key> [ASC|DESC]`, ascending unless DESC, the key written as in filters
// (entity prefix, dotted or quoted names). Which keys may be ordered follows MLflow's
// parse_order_by_for_search_runs / _for_search_experiments and the checks its SQL store adds
// (no datasets for runs, no tags for experiments).

const KEY_HINT = 'a key such as metrics.rmse, params.lr, tags.team or start_time'

interface WrittenTerm {
  readonly token: Token
  readonly reference: KeyReference
  readonly ascending: boolean
  readonly aggregate?: MetricAggregate
}

/**
 * `min(<key>)` at the start of a runs order_by term (Orchard's aggregates, as in filters): the
 * aggregate and the tokens after it with the key first. A word before '(' is never MLflow syntax.
 */
function readAggregate(term: string, tokens: Token[]): { aggregate: MetricAggregate; tokens: Token[] } | undefined {
  const [word, open, key, close] = tokens
  if (word?.kind !== 'word' || open?.kind !== 'punctuation' || open.value !== '(') return undefined
  const aggregate = aggregateNamed(word.text)
  if (!aggregate) throw filterError('order_by clause', term, word.position, `unknown aggregate '${word.text}'`, AGGREGATE_HINT)
  if (!key || !close || close.kind !== 'punctuation' || close.value !== ')') {
    const at = close ?? key ?? open
    throw filterError('order_by clause', term, at.position, "expected ')' after the metric", AGGREGATE_HINT)
  }
  return { aggregate, tokens: [key, ...tokens.slice(4)] }
}

function readTerm(term: string, aggregates = false): WrittenTerm {
  const all = tokenize(term, 'order_by clause')
  const wrapped = aggregates ? readAggregate(term, all) : undefined
  const tokens = wrapped?.tokens ?? all
  const [token, direction, rest] = tokens as [Token, Token | undefined, Token | undefined]
  const found = (t: Token) => (t.kind === 'end' ? '' : `, found ${describe(t, term)}`)
  const reference = keyOf(token, term)
  if (!reference) throw filterError('order_by clause', term, token.position, `expected a key${found(token)}`, KEY_HINT)
  const aggregate = wrapped ? { aggregate: wrapped.aggregate } : {}
  if (!direction || direction.kind === 'end') return { token, reference, ascending: true, ...aggregate }
  const word = direction.kind === 'word' ? direction.text.toUpperCase() : ''
  if (word !== 'ASC' && word !== 'DESC') {
    throw filterError('order_by clause', term, direction.position, `Invalid ordering key${found(direction)}`, 'ASC, DESC or the end of the clause')
  }
  if (rest && rest.kind !== 'end') throw filterError('order_by clause', term, rest.position, `unexpected ${describe(rest, term)}`, 'the end of the clause')
  return { token, reference, ascending: word === 'ASC', ...aggregate }
}

function refuse(term: string, position: number, problem: string, expected: string): never {
  throw filterError('order_by clause', term, position, problem, expected)
}

/**
 * Parse one runs/search order_by term; Orchard also orders by an aggregate of a metric's history,
 * `min(metrics.loss) ASC` (max, mean/avg too).
 * @example parseRunOrderBy('metrics.rmse DESC') // { entity: 'metric', key: 'rmse', ascending: false }
 */
export function parseRunOrderBy(term: string): OrderTerm {
  const { token, reference, ascending, aggregate } = readTerm(term, true)
  const entity: EntityType | undefined = runEntity(reference.entity)
  if (entity === undefined) refuse(term, token.position, `Invalid entity type '${reference.entity}'`, RUN_ENTITY_HINT)
  if (aggregate) {
    if (entity !== 'metric') refuse(term, token.position, `${aggregate}() applies to metrics only`, AGGREGATE_HINT)
    return { entity, key: reference.key, ascending, aggregate }
  }
  if (entity === 'dataset') refuse(term, token.position, 'runs cannot be ordered by datasets', 'metrics, params, tags or attributes')
  if (entity !== 'attribute') return { entity, key: reference.key, ascending }
  // experiment_id is Orchard's addition: MLflow refuses to order runs by it.
  const key = reference.key === 'experiment_id' ? reference.key : runAttribute(reference.key)?.key
  if (key === undefined) refuse(term, reference.keyPosition, `Invalid attribute key '${reference.key}'`, `one of ${RUN_ATTRIBUTE_HINT}, experiment_id`)
  return { entity, key, ascending }
}

const EXPERIMENT_ORDER_KEYS = new Set<string>([...EXPERIMENT_STRING_ATTRIBUTES, 'experiment_id', ...EXPERIMENT_NUMERIC_ATTRIBUTES])
const EXPERIMENT_ORDER_HINT = `one of ${[...EXPERIMENT_ORDER_KEYS].join(', ')}`

/**
 * Parse one experiments/search order_by term.
 * @example parseExperimentOrderBy('last_update_time DESC') // { entity: 'attribute', key: 'last_update_time', ascending: false }
 */
export function parseExperimentOrderBy(term: string): OrderTerm {
  const { token, reference, ascending } = readTerm(term)
  const { entity, key } = reference
  if (entity === 'tag' || entity === 'tags') refuse(term, token.position, 'experiments cannot be ordered by tags', EXPERIMENT_ORDER_HINT)
  if (entity !== undefined && entity !== 'attribute' && entity !== 'attributes') {
    refuse(term, token.position, `Invalid entity type '${entity}'`, `an attribute: ${EXPERIMENT_ORDER_HINT}`)
  }
  if (!EXPERIMENT_ORDER_KEYS.has(key)) refuse(term, reference.keyPosition, `Invalid attribute key '${key}'`, EXPERIMENT_ORDER_HINT)
  return { entity: 'attribute', key, ascending }
}
