import type { FilterNode } from './ast.ts'
import { LIST_OPERATORS, NUMERIC_OPERATORS, STRING_OPERATORS, parseFilter } from './parse-filter.ts'
import type { Grammar, KeyProblem, ResolvedKey } from './parse-filter.ts'

// MLflow 3's logged-models/search grammar (mlflow/utils/search_logged_model_utils.py and
// SearchLoggedModelsUtils): the entities attributes, metrics, params and tags (plural only), the
// model's own attributes, IN / NOT IN on every string key. It is not the runs/search grammar:
// `name` is an attribute here, and a 3.x client filters on it before it lists or logs artifacts
// under a sub-path. Orchard adds OR and parentheses, as for runs.

/** Canonical logged-model attributes a filter may name. */
const LOGGED_MODEL_STRING_ATTRIBUTES = ['name', 'model_id', 'model_type', 'status', 'source_run_id'] as const
const LOGGED_MODEL_NUMERIC_ATTRIBUTES = ['creation_timestamp', 'last_updated_timestamp'] as const

// MLflow's aliases (SqlLoggedModel.ALIASES and SearchLoggedModelsUtils.NUMERIC_ATTRIBUTES).
const ALIASES = new Map([
  ['creation_time', 'creation_timestamp'],
  ['last_updated_time', 'last_updated_timestamp'],
])
const ENTITIES = new Map<string, 'attribute' | 'metric' | 'param' | 'tag'>([
  ['attributes', 'attribute'],
  ['metrics', 'metric'],
  ['params', 'param'],
  ['tags', 'tag'],
])
const STRING_ATTRIBUTES = new Set<string>(LOGGED_MODEL_STRING_ATTRIBUTES)
const NUMERIC_ATTRIBUTES = new Set<string>(LOGGED_MODEL_NUMERIC_ATTRIBUTES)
const STRING_OR_LIST = [...STRING_OPERATORS, ...LIST_OPERATORS]

/** The canonical attribute a written name means, or undefined when logged models have no such attribute. */
export function loggedModelAttribute(written: string): { key: string; kind: 'string' | 'numeric' } | undefined {
  const key = ALIASES.get(written) ?? written
  if (STRING_ATTRIBUTES.has(key)) return { key, kind: 'string' }
  if (NUMERIC_ATTRIBUTES.has(key)) return { key, kind: 'numeric' }
  return undefined
}

const ATTRIBUTE_HINT = `one of ${[...LOGGED_MODEL_STRING_ATTRIBUTES, ...LOGGED_MODEL_NUMERIC_ATTRIBUTES].join(', ')} (or creation_time, last_updated_time)`

function resolveLoggedModelKey(written: string | undefined, key: string): ResolvedKey | KeyProblem {
  const entity = written === undefined ? 'attribute' : ENTITIES.get(written)
  switch (entity) {
    case undefined:
      return {
        problem: `Invalid entity type: '${written}'. Expected one of ['attributes', 'metrics', 'params', 'tags']`,
        expected: 'attributes, metrics, params or tags',
        at: 'entity',
      }
    case 'metric':
      return { entity, key, valueKind: 'number', operators: NUMERIC_OPERATORS }
    case 'param':
    case 'tag':
      return { entity, key, valueKind: 'string', operators: STRING_OR_LIST }
    case 'attribute': {
      const attribute = loggedModelAttribute(key)
      if (!attribute) return { problem: `Invalid attribute key '${key}'`, expected: ATTRIBUTE_HINT, at: 'key' }
      return attribute.kind === 'numeric'
        ? { entity, key: attribute.key, valueKind: 'number', operators: NUMERIC_OPERATORS }
        : { entity, key: attribute.key, valueKind: 'string', operators: STRING_OR_LIST }
    }
  }
}

const loggedModelGrammar: Grammar = {
  resolve: resolveLoggedModelKey,
  keyHint: 'metrics.<name>, params.<name>, tags.<name> or an attribute such as name or status; quote names with backticks or double quotes',
}

/**
 * Parse a logged-models/search filter: MLflow 3's grammar plus OR and parentheses. Absent or blank text: no filter.
 * @example parseLoggedModelFilter("name = 'model' AND metrics.rmse < 8")
 */
export function parseLoggedModelFilter(text: string | undefined): FilterNode | undefined {
  return parseFilter(text, loggedModelGrammar)
}
