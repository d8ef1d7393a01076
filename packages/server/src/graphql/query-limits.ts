import { Kind } from 'graphql'
import type { DocumentNode, FragmentDefinitionNode, SelectionSetNode } from 'graphql'

// MLflow's defence against batching and nesting attacks (mlflow/server/graphql/graphql_no_batching.py,
// fixed in 3.1.1): at most 10 levels deep and 1,000 selections in all, and at most
// MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS root fields and MLFLOW_SERVER_GRAPHQL_MAX_ALIASES aliases on
// one level (10 each by default). Unlike MLflow's scan, fragments are followed where they are spread,
// so they cannot hide depth or selections.

const MAX_DEPTH = 10
const MAX_SELECTIONS = 1000
const DEFAULT_MAX_ROOT_FIELDS = 10
const DEFAULT_MAX_ALIASES = 10

function limitFromEnv(name: string, fallback: number): number {
  const text = process.env[name]?.trim()
  return text && /^\d+$/.test(text) ? Number(text) : fallback
}

/** Why the query is refused, in MLflow's words, or undefined when it is within the limits. */
export function checkQueryLimits(document: DocumentNode): string | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
  }
  let selections = 0
  let rootFields = 0
  let maxAliases = 0

  // Counts one selection set; returns a refusal as soon as one limit is passed.
  const scan = (set: SelectionSetNode, depth: number): string | undefined => {
    if (depth > MAX_DEPTH) return `Query exceeds maximum depth of ${MAX_DEPTH}`
    let aliases = 0
    const pending: { set: SelectionSetNode; depth: number }[] = [{ set, depth }]
    // Inline fragments and spreads add selections to this level, not a level of their own.
    for (let item = pending.pop(); item; item = pending.pop()) {
      for (const selection of item.set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (depth === 1) rootFields++
          if (selection.alias) aliases++
          if (++selections > MAX_SELECTIONS) return `Query exceeds maximum total selections of ${MAX_SELECTIONS}`
          if (selection.selectionSet) {
            const refused = scan(selection.selectionSet, depth + 1)
            if (refused) return refused
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          pending.push({ set: selection.selectionSet, depth })
        } else {
          const fragment = fragments.get(selection.name.value)
          if (fragment) {
            if (++selections > MAX_SELECTIONS) return `Query exceeds maximum total selections of ${MAX_SELECTIONS}`
            pending.push({ set: fragment.selectionSet, depth })
          }
        }
      }
    }
    maxAliases = Math.max(maxAliases, aliases)
    return undefined
  }

  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue
    const refused = scan(definition.selectionSet, 1)
    if (refused) return refused
  }
  const maxRootFields = limitFromEnv('MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS', DEFAULT_MAX_ROOT_FIELDS)
  const maxAliasesAllowed = limitFromEnv('MLFLOW_SERVER_GRAPHQL_MAX_ALIASES', DEFAULT_MAX_ALIASES)
  const over = (what: string, variable: string, limit: number, value: number) =>
    `GraphQL queries should have at most ${limit} ${what}, got ${value} ${what}. To increase the limit, set the ${variable} environment variable.`
  if (rootFields > maxRootFields) return over('root fields', 'MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS', maxRootFields, rootFields)
  if (maxAliases > maxAliasesAllowed) return over('aliases', 'MLFLOW_SERVER_GRAPHQL_MAX_ALIASES', maxAliasesAllowed, maxAliases)
  return undefined
}
