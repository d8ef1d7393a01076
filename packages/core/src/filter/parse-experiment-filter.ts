import { EXPERIMENT_NUMERIC_ATTRIBUTES, EXPERIMENT_STRING_ATTRIBUTES } from './ast.ts'
import type { FilterNode } from './ast.ts'
import { NUMERIC_OPERATORS, STRING_OPERATORS, parseFilter } from './parse-filter.ts'
import type { Grammar, KeyProblem, ResolvedKey } from './parse-filter.ts'

// MLflow's experiments/search grammar (SearchExperimentsUtils plus its SQL store's comparator
// checks): the attributes name, creation_time and last_update_time, and tags. Neither IN lists
// nor run entities exist here. MLflow accepts the prefixes attribute, tag and tags; Orchard also
// takes attributes, as runs do.

const STRING_ATTRIBUTES = new Set<string>(EXPERIMENT_STRING_ATTRIBUTES)
const NUMERIC_ATTRIBUTES = new Set<string>(EXPERIMENT_NUMERIC_ATTRIBUTES)
const ATTRIBUTE_HINT = [...EXPERIMENT_STRING_ATTRIBUTES, ...EXPERIMENT_NUMERIC_ATTRIBUTES].join(', ')

function resolveExperimentKey(entity: string | undefined, key: string): ResolvedKey | KeyProblem {
  if (entity === 'tag' || entity === 'tags') return { entity: 'tag', key, valueKind: 'string', operators: STRING_OPERATORS }
  if (entity !== undefined && entity !== 'attribute' && entity !== 'attributes') {
    return { problem: `Invalid entity type '${entity}'`, expected: 'attribute(s) or tag(s); experiments have no metrics, params or datasets', at: 'entity' }
  }
  if (STRING_ATTRIBUTES.has(key)) return { entity: 'attribute', key, valueKind: 'string', operators: STRING_OPERATORS }
  if (NUMERIC_ATTRIBUTES.has(key)) return { entity: 'attribute', key, valueKind: 'number', operators: NUMERIC_OPERATORS }
  return { problem: `Invalid attribute key '${key}'`, expected: `one of ${ATTRIBUTE_HINT}`, at: 'key' }
}

const experimentGrammar: Grammar = {
  resolve: resolveExperimentKey,
  keyHint: 'name, creation_time, last_update_time or tags.<name>; quote names with backticks or double quotes',
}

/**
 * Parse an experiments/search filter (MLflow's grammar plus OR and parentheses). Absent or blank text: no filter.
 * @example parseExperimentFilter("name LIKE 'team-a/%' and tags.owner = 'ada'")
 */
export function parseExperimentFilter(text: string | undefined): FilterNode | undefined {
  return parseFilter(text, experimentGrammar)
}
