import { parseExperimentFilter, parseExperimentOrderBy, ownValue } from '@orchard/core'
import type { Experiment, FilterNode, OrderTerm, Page } from '@orchard/core'
import { invalidParameter } from '@orchard/protocol/base'
import type { SearchExperimentsQuery } from '../tracking-store.ts'
import { readableExperiments } from '../auth/access-scope.ts'
import { compileExperimentFilter } from './compile-filter.ts'
import type { StoreContext } from './context.ts'
import { PLAN_PER_CALL } from './db.ts'
import { fragment, joinFragments } from './dialect.ts'
import type { Dialect, Fragment } from './dialect.ts'
import { EXPERIMENT_COLUMNS, loadExperiments } from './experiments.ts'
import type { ExperimentRow } from './experiments.ts'
import { decodePageToken, encodePageToken, queryFingerprint } from './page-token.ts'

const ORDER_COLUMNS: Readonly<Record<string, string>> = {
  name: 'e.name',
  experiment_id: 'e.experiment_id',
  creation_time: 'e.creation_time',
  last_update_time: 'e.last_update_time',
}

// MLflow's default order for experiments/search.
const DEFAULT_ORDER: readonly OrderTerm[] = [
  { entity: 'attribute', key: 'creation_time', ascending: false },
  { entity: 'attribute', key: 'experiment_id', ascending: true },
]

function orderClauses(dialect: Dialect, terms: readonly OrderTerm[]): string[] {
  const clauses = terms.map((term) => {
    const column = term.entity === 'attribute' ? ownValue(ORDER_COLUMNS, term.key) : undefined
    if (!column) throw invalidParameter(`Invalid order_by clause '${term.entity}.${term.key}'`)
    return `${term.key === 'name' ? dialect.orderText(column) : column} ${term.ascending ? 'ASC' : 'DESC'}`
  })
  // MLflow breaks ties by experiment_id DESC when the order does not name it.
  if (!terms.some((t) => t.key === 'experiment_id')) clauses.push('e.experiment_id DESC')
  return clauses
}

export function searchExperiments(ctx: StoreContext, query: SearchExperimentsQuery): Promise<Page<Experiment>> {
  const filter = query.filter ? parseExperimentFilter(query.filter) : undefined
  return searchExperimentsParsed(ctx, query, filter, (query.orderBy ?? []).map(parseExperimentOrderBy))
}

/** Experiment search over an already parsed filter and order (the text in `query` only keys page tokens). */
export async function searchExperimentsParsed(
  ctx: StoreContext,
  query: SearchExperimentsQuery,
  filter: FilterNode | undefined,
  orderTerms: readonly OrderTerm[],
): Promise<Page<Experiment>> {
  const { db, dialect } = ctx
  const order = orderClauses(dialect, orderTerms.length ? orderTerms : DEFAULT_ORDER)
  const fingerprint = queryFingerprint({ f: query.filter ?? '', o: query.orderBy ?? [], v: query.viewType })
  const cursor = query.pageToken
    ? decodePageToken(query.pageToken, fingerprint)
    : {
        offset: 0,
        watermark:
          (await db.query<{ top: number | null }>('SELECT max(experiment_id) AS top FROM experiments'))[0]?.top ?? 0,
      }
  const conditions: Fragment[] = [fragment('e.experiment_id <= ?', [cursor.watermark])]
  // Without a view type (an untyped caller), MLflow's default: active experiments only.
  const view = query.viewType ?? 'ACTIVE_ONLY'
  if (view !== 'ALL') conditions.push(fragment('e.lifecycle_stage = ?', [view === 'DELETED_ONLY' ? 'deleted' : 'active']))
  if (dialect.searchBudget) conditions.push(dialect.searchBudget)
  if (filter) conditions.push(compileExperimentFilter(dialect, filter))
  if (query.readableBy) conditions.push(readableExperiments('e.experiment_id', query.readableBy))
  if (ctx.workspace !== undefined) conditions.push(fragment('e.workspace = ?', [ctx.workspace]))
  const where = joinFragments(conditions, ' AND ')
  const rows = await db.query<ExperimentRow>(
    `SELECT ${EXPERIMENT_COLUMNS} FROM experiments e WHERE ${where.sql} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`,
    [...where.params, query.maxResults + 1, cursor.offset],
    PLAN_PER_CALL,
  )
  const items = await loadExperiments(db, dialect, rows.slice(0, query.maxResults))
  return rows.length > query.maxResults
    ? {
        items,
        nextPageToken: encodePageToken({ offset: cursor.offset + query.maxResults, watermark: cursor.watermark }, fingerprint),
      }
    : { items }
}
