import { ownValue } from '@orchard/core'
import type { Comparison, FilterNode } from '@orchard/core'
import { invalidParameter } from '@orchard/protocol/base'
import { fragment, joinFragments } from './dialect.ts'
import type { Dialect, Fragment } from './dialect.ts'
import { historyAggregate } from './metric-points.ts'

/** The tag on a run input that records how a dataset was used (`training`, `eval`, …). */
export const DATASET_CONTEXT_TAG = 'mlflow.data.context'

const RUN_ATTRIBUTE_COLUMNS: Readonly<Record<string, string>> = {
  run_id: 'r.run_id',
  run_name: 'r.name',
  status: 'r.status',
  user_id: 'r.user_id',
  artifact_uri: 'r.artifact_uri',
  lifecycle_stage: 'r.lifecycle_stage',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
}

const EXPERIMENT_ATTRIBUTE_COLUMNS: Readonly<Record<string, string>> = {
  name: 'e.name',
  creation_time: 'e.creation_time',
  last_update_time: 'e.last_update_time',
}

const DATASET_COLUMNS: Readonly<Record<string, string>> = { name: 'd.name', digest: 'd.digest' }

/** `expression <op> value` for every operator of the grammar, values always bound. */
export function compareValue(dialect: Dialect, expression: string, comparison: Comparison): Fragment {
  const { operator, value } = comparison
  switch (operator) {
    case 'IN':
    case 'NOT IN':
      return dialect.inList(expression, Array.isArray(value) ? value : [value as string], 'text', operator === 'NOT IN')
    case 'LIKE':
      return dialect.like(expression, String(value))
    case 'ILIKE':
      return dialect.ilike(expression, String(value))
    default:
      return fragment(`${expression} ${operator} ?`, [value])
  }
}

/**
 * A metric comparison against a stored (value, is_nan) pair. NaN equals and orders against
 * nothing, so it only satisfies `!=` (IEEE semantics, the same on both databases).
 */
function compareMetric(dialect: Dialect, comparison: Comparison): Fragment {
  const compared = compareValue(dialect, 'f.value', comparison)
  return comparison.operator === '!='
    ? fragment(`(f.is_nan = 1 OR ${compared.sql})`, compared.params)
    : fragment(`f.is_nan = 0 AND ${compared.sql}`, compared.params)
}

/**
 * `min(metrics.k) < v` (Orchard's extension): the aggregate of the run's whole history of the key,
 * read by a scalar subquery over the history's (run_key, key, …) primary key and the summary
 * columns of the run's chunks of the key (historyAggregate), so the work per run is its rows and
 * chunks of that one key. NaN points are left out; a run with no other point has no aggregate, and
 * NULL satisfies no comparison, so it never matches (as a run without the metric). A scalar
 * subquery stays a per-row subplan on PostgreSQL, so it needs no fence.
 */
function compareMetricAggregate(dialect: Dialect, comparison: Comparison): Fragment {
  const history = historyAggregate(comparison.aggregate!, comparison.key)
  const compared = compareValue(dialect, history.sql, comparison)
  return fragment(compared.sql, [...history.params, ...compared.params])
}

export function unknownKey(comparison: Comparison): never {
  throw invalidParameter(`Invalid filter key '${comparison.entity}.${comparison.key}'`)
}

// Child-table clauses are correlated EXISTS probes on the (run_key, key) primary key: a search
// ordered by an index can then stop after a page of matches instead of building every clause's
// full list of runs first (a 100-run page of 25,000 runs: ~1 ms instead of ~30 ms on SQLite).
function runComparison(dialect: Dialect, comparison: Comparison, fence: string): Fragment {
  switch (comparison.entity) {
    case 'metric': {
      if (comparison.aggregate) return compareMetricAggregate(dialect, comparison)
      const cond = compareMetric(dialect, comparison)
      return fragment(`EXISTS (SELECT 1 FROM latest_metrics f WHERE f.run_key = r.run_key AND f.key = ? AND ${cond.sql}${fence})`, [
        comparison.key,
        ...cond.params,
      ])
    }
    case 'param':
    case 'tag': {
      const table = comparison.entity === 'param' ? 'params' : 'tags'
      const cond = compareValue(dialect, 'f.value', comparison)
      return fragment(`EXISTS (SELECT 1 FROM ${table} f WHERE f.run_key = r.run_key AND f.key = ? AND ${cond.sql}${fence})`, [
        comparison.key,
        ...cond.params,
      ])
    }
    case 'attribute': {
      const column = ownValue(RUN_ATTRIBUTE_COLUMNS, comparison.key) ?? unknownKey(comparison)
      return compareValue(dialect, column, comparison)
    }
    case 'dataset': {
      if (comparison.key === 'context') {
        const cond = compareValue(dialect, 't.value', comparison)
        return fragment(
          `EXISTS (SELECT 1 FROM run_inputs ri JOIN run_input_tags t ON t.input_key = ri.input_key
             WHERE ri.run_key = r.run_key AND t.key = ? AND ${cond.sql}${fence})`,
          [DATASET_CONTEXT_TAG, ...cond.params],
        )
      }
      const cond = compareValue(dialect, ownValue(DATASET_COLUMNS, comparison.key) ?? unknownKey(comparison), comparison)
      return fragment(
        `EXISTS (SELECT 1 FROM run_inputs ri JOIN datasets d ON d.dataset_key = ri.dataset_key
           WHERE ri.run_key = r.run_key AND ${cond.sql}${fence})`,
        cond.params,
      )
    }
  }
}

function experimentComparison(dialect: Dialect, comparison: Comparison, fence: string): Fragment {
  if (comparison.entity === 'tag') {
    const cond = compareValue(dialect, 'f.value', comparison)
    return fragment(
      `EXISTS (SELECT 1 FROM experiment_tags f WHERE f.experiment_id = e.experiment_id AND f.key = ? AND ${cond.sql}${fence})`,
      [comparison.key, ...cond.params],
    )
  }
  if (comparison.entity !== 'attribute') unknownKey(comparison)
  return compareValue(dialect, ownValue(EXPERIMENT_ATTRIBUTE_COLUMNS, comparison.key) ?? unknownKey(comparison), comparison)
}

/**
 * How much a clause costs per candidate run and how many runs it lets through, as a rank: lower
 * runs first. A column of the run row costs nothing; an equality probe is one key lookup that
 * rejects most runs (`tags.team = 't1'`: two in three); a range passes more, a negation nearly all;
 * a dataset clause joins two tables, and an aggregate reads the run's whole history of the key.
 */
function clauseRank(node: FilterNode): number {
  if (node.type !== 'comparison') return Math.max(0, ...node.children.map(clauseRank))
  if (node.entity === 'attribute') return 0
  if (node.aggregate) return 5
  if (node.entity === 'dataset') return 4
  switch (node.operator) {
    case '=':
    case 'IN':
      return 1
    case '!=':
    case 'NOT IN':
      return 3
    default:
      return 2
  }
}

/**
 * Compiles AND/OR structure, handing each comparison to `leaf`. An AND's clauses go cheapest and
 * most selective first (clauseRank): the databases test them in the order written, and stop at the
 * first that fails. Stable, so clauses of one rank keep the user's order.
 */
export function compileFilter(node: FilterNode, leaf: (comparison: Comparison) => Fragment): Fragment {
  if (node.type === 'comparison') return leaf(node)
  const children = node.type === 'and' ? [...node.children].sort((a, b) => clauseRank(a) - clauseRank(b)) : node.children
  const parts = children.map((child) => compileFilter(child, leaf))
  if (parts.length === 0) return fragment(node.type === 'and' ? '1 = 1' : '1 = 0')
  const joined = joinFragments(parts, node.type === 'and' ? ' AND ' : ' OR ')
  return fragment(`(${joined.sql})`, joined.params)
}

// Up to this many EXISTS probes the planner's own choice (a semi-join may beat per-row probes on a
// selective filter) costs little to make; past it, planning time grows steeply (see subqueryFence).
const PLANNED_PROBES = 4

/** How many comparisons of a filter become EXISTS probes (everything but run/experiment attributes). */
export function probeCount(node: FilterNode): number {
  if (node.type === 'comparison') return node.entity === 'attribute' ? 0 : 1
  return node.children.reduce((sum, child) => sum + probeCount(child), 0)
}

/** The fence for a filter's probes: none for a few, the dialect's past PLANNED_PROBES. */
export const fenceFor = (dialect: Dialect, node: FilterNode): string => (probeCount(node) > PLANNED_PROBES ? dialect.subqueryFence : '')

/** A run filter as a WHERE condition on `runs r`; every value is a bound parameter. */
export function compileRunFilter(dialect: Dialect, node: FilterNode): Fragment {
  const fence = fenceFor(dialect, node)
  return compileFilter(node, (c) => runComparison(dialect, c, fence))
}

/** An experiment filter as a WHERE condition on `experiments e`. */
export function compileExperimentFilter(dialect: Dialect, node: FilterNode): Fragment {
  const fence = fenceFor(dialect, node)
  return compileFilter(node, (c) => experimentComparison(dialect, c, fence))
}
