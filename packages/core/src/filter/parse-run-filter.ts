import { DATASET_KEYS } from './ast.ts'
import type { FilterNode } from './ast.ts'
import { LIST_OPERATORS, NUMERIC_OPERATORS, STRING_OPERATORS, parseFilter } from './parse-filter.ts'
import type { Grammar, KeyProblem, ResolvedKey } from './parse-filter.ts'
import { RUN_ATTRIBUTE_HINT, RUN_ENTITY_HINT, runAttribute, runEntity } from './run-keys.ts'

// MLflow's runs/search grammar (mlflow/utils/search_utils.py, SearchUtils, with the comparator
// checks its SQL store applies), plus OR, parentheses and min/max/mean of a metric's history.

const DATASETS = new Set<string>(DATASET_KEYS)
const STRING_OR_LIST = [...STRING_OPERATORS, ...LIST_OPERATORS]

function resolveRunKey(written: string | undefined, key: string): ResolvedKey | KeyProblem {
  const entity = runEntity(written)
  switch (entity) {
    case undefined:
      return { problem: `Invalid entity type '${written}'`, expected: RUN_ENTITY_HINT, at: 'entity' }
    case 'metric':
      return { entity, key, valueKind: 'number', operators: NUMERIC_OPERATORS }
    case 'param':
    case 'tag':
      return { entity, key, valueKind: 'string', operators: STRING_OPERATORS }
    case 'dataset':
      if (!DATASETS.has(key)) return { problem: `Invalid dataset key '${key}'`, expected: DATASET_KEYS.join(', '), at: 'key' }
      return { entity, key, valueKind: 'string', operators: STRING_OR_LIST }
    case 'attribute': {
      const attribute = runAttribute(key)
      if (!attribute) return { problem: `Invalid attribute key '${key}'`, expected: `one of ${RUN_ATTRIBUTE_HINT}`, at: 'key' }
      if (attribute.kind === 'numeric') return { entity, key: attribute.key, valueKind: 'number', operators: NUMERIC_OPERATORS }
      // MLflow compares lists with run_id only ("Only the 'run_id' attribute supports comparison
      // with a list"); dataset keys take lists too.
      if (attribute.key === 'run_id') return { entity, key: attribute.key, valueKind: 'string', operators: STRING_OR_LIST }
      return { entity, key: attribute.key, valueKind: 'string', operators: STRING_OPERATORS, operatorNote: "only the 'run_id' attribute supports IN and NOT IN" }
    }
  }
}

const runGrammar: Grammar = {
  resolve: resolveRunKey,
  keyHint: 'metrics.<name>, params.<name>, tags.<name>, datasets.<name|digest|context> or an attribute such as status; quote names with backticks or double quotes',
  aggregates: true,
}

/**
 * Parse a runs/search filter: MLflow's grammar plus OR, parentheses and aggregates of a metric's
 * history (`min(metrics.loss) < 0.2`, also max, mean/avg). Absent or blank text: no filter.
 * @example parseRunFilter("metrics.rmse < 8 and params.model = 'lasso'")
 */
export function parseRunFilter(text: string | undefined): FilterNode | undefined {
  return parseFilter(text, runGrammar)
}
