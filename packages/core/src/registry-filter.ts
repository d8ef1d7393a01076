import { invalidParameter } from '@orchard/protocol/base'
import type { FilterNode, OrderTerm } from './filter/ast.ts'
import { ownValue } from './own-value.ts'
import { LIST_OPERATORS, NUMERIC_OPERATORS, STRING_OPERATORS, parseFilter } from './filter/parse-filter.ts'
import type { Grammar, KeyProblem, ResolvedKey } from './filter/parse-filter.ts'

// Search grammars of the registry (MLflow's SearchModelUtils and SearchModelVersionUtils), on the
// shared filter parser: registered models filter on `name` and tags; model versions on `name`,
// `version_number`, `run_id` (also IN / NOT IN), `source_path` and tags.

const isAttribute = (entity: string | undefined) => entity === undefined || entity === 'attribute' || entity === 'attributes'
const isTag = (entity: string | undefined) => entity === 'tag' || entity === 'tags'

const string = (key: string): ResolvedKey => ({ entity: 'attribute', key, valueKind: 'string', operators: STRING_OPERATORS })

function grammar(keyHint: string, attributes: Readonly<Record<string, ResolvedKey>>): Grammar {
  return {
    keyHint,
    resolve(entity, key): ResolvedKey | KeyProblem {
      if (isTag(entity)) return { entity: 'tag', key, valueKind: 'string', operators: STRING_OPERATORS }
      if (!isAttribute(entity)) return { problem: `invalid entity type '${entity}'`, expected: 'attribute or tags', at: 'entity' }
      return ownValue(attributes, key) ?? { problem: `invalid attribute key '${key}'`, expected: keyHint, at: 'key' }
    },
  }
}

const registeredModelGrammar = grammar('name or tags.<key>', { name: string('name') })

const modelVersionGrammar = grammar('name, version_number, run_id, source_path or tags.<key>', {
  name: string('name'),
  source_path: string('source_path'),
  run_id: { ...string('run_id'), operators: [...STRING_OPERATORS, ...LIST_OPERATORS] },
  version_number: { entity: 'attribute', key: 'version_number', valueKind: 'number', operators: NUMERIC_OPERATORS },
})

/**
 * Parse a registered-models/search filter. Blank text: no filter.
 * @example parseRegisteredModelFilter("name ILIKE '%fraud%' AND tags.team = 'risk'")
 */
export const parseRegisteredModelFilter = (text: string | undefined): FilterNode | undefined => parseFilter(text, registeredModelGrammar)

/**
 * Parse a model-versions/search filter. Blank text: no filter.
 * @example parseModelVersionFilter("name = 'fraud' AND run_id IN ('a1', 'b2')")
 */
export const parseModelVersionFilter = (text: string | undefined): FilterNode | undefined => parseFilter(text, modelVersionGrammar)

// `key`, `attribute.key`, a quoted key, then an optional direction, as MLflow's order_by terms.
const ORDER_TERM = /^\s*(?:attributes?\.)?(?:`([^`]+)`|"([^"]+)"|([\w.]+))\s*(?:\s(ASC|DESC))?\s*$/i

function parseOrderList(terms: readonly string[], keys: Readonly<Record<string, string>>): OrderTerm[] {
  const seen = new Set<string>()
  return terms.map((term) => {
    const match = ORDER_TERM.exec(term)
    const written = match ? (match[1] ?? match[2] ?? match[3] ?? '') : term
    const key = match ? ownValue(keys, written) : undefined
    if (!key) throw invalidParameter(`Invalid order by key '${written}' specified. Valid keys are ${Object.keys(keys).join(', ')}`)
    if (seen.has(key)) throw invalidParameter(`\`order_by\` contains duplicate fields: ${terms.join(', ')}`)
    seen.add(key)
    return { entity: 'attribute', key, ascending: (match?.[4] ?? 'ASC').toUpperCase() === 'ASC' }
  })
}

// MLflow orders registered models by `timestamp` and `last_updated_timestamp` alike (the last update).
const REGISTERED_MODEL_ORDER_KEYS: Readonly<Record<string, string>> = {
  name: 'name',
  timestamp: 'last_updated_timestamp',
  last_updated_timestamp: 'last_updated_timestamp',
  creation_timestamp: 'creation_timestamp',
}

const MODEL_VERSION_ORDER_KEYS: Readonly<Record<string, string>> = {
  name: 'name',
  version_number: 'version_number',
  creation_timestamp: 'creation_timestamp',
  last_updated_timestamp: 'last_updated_timestamp',
}

/** registered-models/search order_by terms; keys come out canonical (`timestamp` → `last_updated_timestamp`). */
export const parseRegisteredModelOrderBy = (terms: readonly string[]): OrderTerm[] => parseOrderList(terms, REGISTERED_MODEL_ORDER_KEYS)

/** model-versions/search order_by terms. */
export const parseModelVersionOrderBy = (terms: readonly string[]): OrderTerm[] => parseOrderList(terms, MODEL_VERSION_ORDER_KEYS)
