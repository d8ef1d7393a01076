import { RUN_NUMERIC_ATTRIBUTES, RUN_STRING_ATTRIBUTES } from './ast.ts'
import type { EntityType } from './ast.ts'

// The names a runs/search filter or order_by may use (MLflow's SearchUtils). Lookups go through
// Maps: a plain object would answer for `constructor` or `__proto__`.

/** MLflow's entity prefixes and their aliases; case-sensitive there, so here too. */
const ENTITIES = new Map<string, EntityType>([
  ['metric', 'metric'],
  ['metrics', 'metric'],
  ['param', 'param'],
  ['params', 'param'],
  ['parameter', 'param'],
  ['parameters', 'param'],
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['attr', 'attribute'],
  ['run', 'attribute'],
  ['dataset', 'dataset'],
  ['datasets', 'dataset'],
])

export const RUN_ENTITY_HINT = 'metric(s), param(s), parameter(s), tag(s), attribute(s), attr, run or dataset(s)'

/** The entity a prefix names; a key without a prefix is an attribute. */
export function runEntity(written: string | undefined): EntityType | undefined {
  return written === undefined ? 'attribute' : ENTITIES.get(written)
}

// MLflow's translate_key_alias: the UI's column titles are accepted as attribute names.
const ATTRIBUTE_ALIASES = new Map([
  ['created', 'start_time'],
  ['Created', 'start_time'],
  ['run name', 'run_name'],
  ['Run name', 'run_name'],
  ['Run Name', 'run_name'],
])

const STRING_ATTRIBUTES = new Set<string>(RUN_STRING_ATTRIBUTES)
const NUMERIC_ATTRIBUTES = new Set<string>(RUN_NUMERIC_ATTRIBUTES)

type AttributeKind = 'string' | 'numeric'

/** The canonical attribute a written name means (aliases resolved), and whether it holds text or a number. */
export function runAttribute(written: string): { key: string; kind: AttributeKind } | undefined {
  const key = ATTRIBUTE_ALIASES.get(written) ?? written
  if (STRING_ATTRIBUTES.has(key)) return { key, kind: 'string' }
  if (NUMERIC_ATTRIBUTES.has(key)) return { key, kind: 'numeric' }
  return undefined
}

export const RUN_ATTRIBUTE_HINT = `${[...RUN_STRING_ATTRIBUTES, ...RUN_NUMERIC_ATTRIBUTES].join(', ')} (or created, "run name")`
