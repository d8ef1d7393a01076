import { parseRunFilter, parseRunOrderBy } from '@orchard/core'
import type { FilterNode, OrderTerm, Page, Run } from '@orchard/core'
import type { RunsWireJsonPage, SearchRunsQuery } from '../tracking-store.ts'
import { readableExperimentIds } from '../auth/access-scope.ts'
import { compileRunFilter } from './compile-filter.ts'
import type { StoreContext } from './context.ts'
import { PLAN_PER_CALL } from './db.ts'
import type { Db } from './db.ts'
import { fragment, joinFragments } from './dialect.ts'
import type { Fragment } from './dialect.ts'
import { experimentIdsInWorkspace, parseExperimentId } from './experiments.ts'
import { loadRuns } from './hydrate-runs.ts'
import { decodePageToken, encodePageToken, queryFingerprint } from './page-token.ts'
import { planRunOrder } from './run-order.ts'
import type { OrderSlice, RunOrderPlan } from './run-order.ts'
import { RUN_COLUMNS } from './run-rows.ts'
import { loadRunsWireJson, writeRunsWireJson } from './run-wire-json.ts'
import type { RunRow } from './run-rows.ts'

export function searchRuns(ctx: StoreContext, query: SearchRunsQuery): Promise<Page<Run>> {
  const filter = query.filter ? parseRunFilter(query.filter) : undefined
  return searchRunsParsed(ctx, query, filter, (query.orderBy ?? []).map(parseRunOrderBy))
}

/** searchRuns with the page's runs as their runs/search wire JSON (see loadRunsWireJson). */
export async function searchRunsWireJson(ctx: StoreContext, query: SearchRunsQuery): Promise<RunsWireJsonPage> {
  const filter = query.filter ? parseRunFilter(query.filter) : undefined
  const orderTerms = (query.orderBy ?? []).map(parseRunOrderBy)
  const { db, dialect } = ctx
  const { wireJson } = dialect
  if (wireJson) {
    // Only the keys: the database writes the page's JSON from the runs table again, and 1,000 rows
    // of ten columns, carried through the sort, cost 2-3 ms more than their keys (SQLite).
    const { items, nextPageToken } = await findRunPage<RunKeyRow>(ctx, query, filter, orderTerms, 'r.run_key')
    const runs = await loadRunsWireJson(db, dialect, wireJson, items.map((row) => Number(row.run_key)))
    return nextPageToken ? { runs, nextPageToken } : { runs }
  }
  const { items, nextPageToken } = await findRunPage<RunRow>(ctx, query, filter, orderTerms, RUN_COLUMNS)
  const runs = await writeRunsWireJson(db, dialect, items)
  return nextPageToken ? { runs, nextPageToken } : { runs }
}

/**
 * Reads `limit` rows starting at `offset` of the ordered result, slice after slice. When a slice
 * runs out, the offset left for the next one is found by counting it — only needed on the page
 * where one slice ends and the next begins.
 */
async function readSlices<Row>(db: Db, plan: RunOrderPlan, columns: string, where: Fragment, offset: number, limit: number): Promise<Row[]> {
  const rows: Row[] = []
  const joins = joinFragments(plan.joins, ' ')
  for (const slice of plan.slices) {
    const conditions = joinFragments([...slice.where, where], ' AND ')
    const orderBy = [...slice.orderBy, ...plan.tail].join(', ')
    const found = await db.query<Row>(
      `SELECT ${columns} ${slice.from.sql} ${joins.sql} WHERE ${conditions.sql} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
      [...slice.from.params, ...joins.params, ...conditions.params, ...(slice.orderParams ?? []), ...plan.tailParams, limit - rows.length, offset],
      PLAN_PER_CALL,
    )
    rows.push(...found)
    if (rows.length === limit) break
    offset = found.length > 0 || offset === 0 ? 0 : offset - (await countSlice(db, slice, conditions))
  }
  return rows
}

async function countSlice(db: Db, slice: OrderSlice, conditions: Fragment): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*) AS n ${slice.from.sql} WHERE ${conditions.sql}`,
    [...slice.from.params, ...conditions.params],
    PLAN_PER_CALL,
  )
  return row?.n ?? 0
}

/** Run search over an already parsed filter and order (the text in `query` only keys page tokens). */
export async function searchRunsParsed(
  ctx: StoreContext,
  query: SearchRunsQuery,
  filter: FilterNode | undefined,
  orderTerms: readonly OrderTerm[],
): Promise<Page<Run>> {
  const page = await findRunPage<RunRow>(ctx, query, filter, orderTerms, RUN_COLUMNS)
  return { ...page, items: await loadRuns(ctx.db, ctx.dialect, page.items) }
}

interface RunKeyRow {
  readonly run_key: number
}

/** The rows of a page of runs (`columns` of `runs r`), and the token of the next page. */
async function findRunPage<Row>(
  ctx: StoreContext,
  query: SearchRunsQuery,
  filter: FilterNode | undefined,
  orderTerms: readonly OrderTerm[],
  columns: string,
): Promise<Page<Row>> {
  const { db, dialect } = ctx
  const plan = planRunOrder(dialect, orderTerms)
  const fingerprint = queryFingerprint({
    e: query.experimentIds,
    f: query.filter ?? '',
    o: query.orderBy ?? [],
    v: query.runViewType,
  })
  const named = await experimentIdsInWorkspace(ctx, query.experimentIds.map(parseExperimentId).filter((id) => id !== undefined))
  const experimentIds = query.readableBy ? await readableExperimentIds(db, dialect, named, query.readableBy) : named
  const cursor = query.pageToken
    ? decodePageToken(query.pageToken, fingerprint)
    : {
        offset: 0,
        watermark: (await db.query<{ top: number | null }>('SELECT max(run_key) AS top FROM runs'))[0]?.top ?? 0,
      }
  if (experimentIds.length === 0) return { items: [] }

  const conditions: Fragment[] = [
    dialect.inList('r.experiment_id', experimentIds, 'bigint'),
    fragment('r.run_key <= ?', [cursor.watermark]),
  ]
  // Without a view type (an untyped caller), MLflow's default: active runs only.
  const view = query.runViewType ?? 'ACTIVE_ONLY'
  if (view !== 'ALL') conditions.push(fragment('r.lifecycle_stage = ?', [view === 'DELETED_ONLY' ? 'deleted' : 'active']))
  if (dialect.searchBudget) conditions.push(dialect.searchBudget)
  if (filter) conditions.push(compileRunFilter(dialect, filter))
  // One row more than asked tells whether another page exists.
  const rows = await readSlices<Row>(db, plan, columns, joinFragments(conditions, ' AND '), cursor.offset, query.maxResults + 1)
  const items = rows.slice(0, query.maxResults)
  return rows.length > query.maxResults
    ? {
        items,
        nextPageToken: encodePageToken({ offset: cursor.offset + query.maxResults, watermark: cursor.watermark }, fingerprint),
      }
    : { items }
}
