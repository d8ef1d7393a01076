import { ownValue } from '@orchard/core'
import type { OrderTerm } from '@orchard/core'
import { invalidParameter } from '@orchard/protocol/base'
import { fragment } from './dialect.ts'
import type { Dialect, Fragment } from './dialect.ts'
import { hasNumber, historyAggregate } from './metric-points.ts'

const ATTRIBUTE_ORDER: Readonly<Record<string, { column: string; text: boolean; nullable: boolean }>> = {
  run_id: { column: 'r.run_id', text: true, nullable: false },
  experiment_id: { column: 'r.experiment_id', text: false, nullable: false },
  run_name: { column: 'r.name', text: true, nullable: false },
  status: { column: 'r.status', text: true, nullable: false },
  user_id: { column: 'r.user_id', text: true, nullable: false },
  artifact_uri: { column: 'r.artifact_uri', text: true, nullable: false },
  lifecycle_stage: { column: 'r.lifecycle_stage', text: true, nullable: false },
  start_time: { column: 'r.start_time', text: false, nullable: true },
  end_time: { column: 'r.end_time', text: false, nullable: true },
}

const CHILD_TABLE = { metric: 'latest_metrics', param: 'params', tag: 'tags' } as const

// MLflow's natural order, used when no order_by is given and to break every tie.
const START_TIME_DESC: OrderTerm = { entity: 'attribute', key: 'start_time', ascending: false }

/**
 * One slice of the ordering: the runs that have the first order key (ordered by it), then those
 * where it is NaN, then those without it. Each slice is its own query so the database can walk
 * an index on the first key and stop after a page, rather than sort every match.
 */
export interface OrderSlice {
  /** `FROM …` with the table that drives the slice. */
  readonly from: Fragment
  readonly where: readonly Fragment[]
  readonly orderBy: readonly string[]
  /** Values bound by `orderBy` (an aggregate's metric key). */
  readonly orderParams?: readonly unknown[]
}

export interface RunOrderPlan {
  readonly slices: readonly OrderSlice[]
  /** LEFT JOINs for the second and later terms, shared by every slice. */
  readonly joins: readonly Fragment[]
  /** ORDER BY clauses after the first term's: later terms, then start_time DESC, run_id. */
  readonly tail: readonly string[]
  /** Values bound by `tail`, in order. */
  readonly tailParams: readonly unknown[]
}

const direction = (ascending: boolean) => (ascending ? 'ASC' : 'DESC')

function attribute(key: string) {
  const found = ownValue(ATTRIBUTE_ORDER, key)
  if (!found) throw invalidParameter(`Invalid order_by key 'attributes.${key}'`)
  return found
}

function slicesFor(dialect: Dialect, term: OrderTerm): OrderSlice[] {
  const runs = fragment('FROM runs r')
  if (term.entity === 'attribute') {
    const { column, text, nullable } = attribute(term.key)
    const ordered = `${text ? dialect.orderText(column) : column} ${direction(term.ascending)}`
    if (!nullable) return [{ from: runs, where: [], orderBy: [ordered] }]
    return [
      { from: runs, where: [fragment(`${column} IS NOT NULL`)], orderBy: [ordered] },
      { from: runs, where: [fragment(`${column} IS NULL`)], orderBy: [] },
    ]
  }
  if (term.entity === 'dataset') throw invalidParameter(`Invalid order_by entity '${term.entity}'`)
  if (term.aggregate) return aggregateSlices(term)
  const table = CHILD_TABLE[term.entity]
  // CROSS JOIN makes SQLite read the child table's (key, value) index first; PostgreSQL reads it
  // as a plain inner join and plans freely.
  const driven = fragment(`FROM ${table} o CROSS JOIN runs r`)
  const has = [fragment('o.key = ?', [term.key]), fragment('r.run_key = o.run_key')]
  const missing = {
    from: runs,
    where: [fragment(`NOT EXISTS (SELECT 1 FROM ${table} o WHERE o.run_key = r.run_key AND o.key = ?)`, [term.key])],
    orderBy: [],
  }
  if (term.entity === 'metric') {
    return [
      { from: driven, where: [...has, fragment('o.is_nan = 0')], orderBy: [`o.value ${direction(term.ascending)}`] },
      { from: driven, where: [...has, fragment('o.is_nan = 1')], orderBy: [] },
      missing,
    ]
  }
  return [{ from: driven, where: has, orderBy: [`${dialect.orderText('o.value')} ${direction(term.ascending)}`] }, missing]
}

/**
 * Orchard's `min(metrics.k)` order: the runs with a number in their history for the key, by the
 * aggregate (a scalar subquery per run, so every candidate run is read before the first page, as
 * for a filter on an aggregate), then those without one. NaN points are left out, so there is no
 * NaN slice.
 */
function aggregateSlices(term: OrderTerm): OrderSlice[] {
  const runs = fragment('FROM runs r')
  const value = historyAggregate(term.aggregate!, term.key)
  return [
    { from: runs, where: [fragment(`${value.sql} IS NOT NULL`, value.params)], orderBy: [`${value.sql} ${direction(term.ascending)}`], orderParams: value.params },
    { from: runs, where: [fragment(`NOT ${hasNumber(term.key).sql}`, hasNumber(term.key).params)], orderBy: [] },
  ]
}

/** ORDER BY for a later term: missing keys last in either direction (MLflow), NaN just before them. */
function laterTerm(dialect: Dialect, term: OrderTerm, alias: string): { join?: Fragment; clauses: string[]; params?: unknown[] } {
  if (term.entity === 'attribute') {
    const { column, text } = attribute(term.key)
    return {
      clauses: [`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END`, `${text ? dialect.orderText(column) : column} ${direction(term.ascending)}`],
    }
  }
  if (term.entity === 'dataset') throw invalidParameter(`Invalid order_by entity '${term.entity}'`)
  if (term.aggregate) {
    const value = historyAggregate(term.aggregate, term.key)
    return { clauses: [`CASE WHEN ${value.sql} IS NULL THEN 1 ELSE 0 END`, `${value.sql} ${direction(term.ascending)}`], params: [...value.params, ...value.params] }
  }
  const join = fragment(`LEFT JOIN ${CHILD_TABLE[term.entity]} ${alias} ON ${alias}.run_key = r.run_key AND ${alias}.key = ?`, [
    term.key,
  ])
  if (term.entity === 'metric') {
    return {
      join,
      clauses: [
        `CASE WHEN ${alias}.run_key IS NULL THEN 2 WHEN ${alias}.is_nan = 1 THEN 1 ELSE 0 END`,
        `${alias}.value ${direction(term.ascending)}`,
      ],
    }
  }
  return {
    join,
    clauses: [`CASE WHEN ${alias}.run_key IS NULL THEN 1 ELSE 0 END`, `${dialect.orderText(`${alias}.value`)} ${direction(term.ascending)}`],
  }
}

/** Plans run search order: MLflow's rules, with ties broken by start_time DESC then run_id. */
export function planRunOrder(dialect: Dialect, terms: readonly OrderTerm[]): RunOrderPlan {
  const seen = new Set<string>()
  for (const term of terms) {
    const id = term.aggregate ? `${term.aggregate}(${term.entity}.${term.key})` : `${term.entity}.${term.key}`
    if (seen.has(id)) throw invalidParameter(`\`order_by\` contains duplicate fields: ${id}`)
    seen.add(id)
  }
  const [first = START_TIME_DESC, ...later] = terms
  seen.add(`${first.entity}.${first.key}`)
  const joins: Fragment[] = []
  const tail: string[] = []
  const tailParams: unknown[] = []
  later.forEach((term, i) => {
    const { join, clauses, params } = laterTerm(dialect, term, `o${i + 1}`)
    if (join) joins.push(join)
    tail.push(...clauses)
    tailParams.push(...(params ?? []))
  })
  if (!seen.has('attribute.start_time')) tail.push(...laterTerm(dialect, START_TIME_DESC, '').clauses)
  if (!seen.has('attribute.run_id')) tail.push('r.run_id ASC')
  return { slices: slicesFor(dialect, first), joins, tail, tailParams }
}
