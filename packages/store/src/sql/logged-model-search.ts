import { loggedModelAttribute, ownValue, parseLoggedModelFilter } from '@orchard/core'
import type { Comparison, FilterNode, LoggedModel, Page } from '@orchard/core'
import { invalidParameter } from '@orchard/protocol/base'
import { readableExperimentIds } from '../auth/access-scope.ts'
import type { SearchLoggedModelsQuery } from '../tracking-store.ts'
import { compareValue, compileFilter, unknownKey } from './compile-filter.ts'
import type { StoreContext } from './context.ts'
import { PLAN_PER_CALL } from './db.ts'
import { fragment, joinFragments } from './dialect.ts'
import type { Dialect, Fragment } from './dialect.ts'
import { experimentIdsInWorkspace, parseExperimentId } from './experiments.ts'
import { LOGGED_MODEL_COLUMNS, loadLoggedModels } from './logged-models.ts'
import type { LoggedModelRow } from './logged-models.ts'
import { decodePageToken, encodePageToken, queryFingerprint } from './page-token.ts'

// Canonical attribute names (parseLoggedModelFilter and loggedModelAttribute resolve the aliases).
const ATTRIBUTE_COLUMNS: Readonly<Record<string, string>> = {
  name: 'lm.name',
  model_id: 'lm.model_id',
  model_type: 'lm.model_type',
  status: 'lm.status',
  source_run_id: 'lm.source_run_id',
  creation_timestamp: 'lm.creation_time',
  last_updated_timestamp: 'lm.last_update_time',
}
const TEXT_COLUMNS = new Set(['lm.name', 'lm.model_id', 'lm.model_type', 'lm.status', 'lm.source_run_id'])

type DatasetFilter = NonNullable<SearchLoggedModelsQuery['datasets']>[number]

/** `(dataset_name = ? [AND dataset_digest = ?]) OR …` on logged_model_metrics `f`. */
function datasetCondition(datasets: readonly DatasetFilter[]): Fragment | undefined {
  if (datasets.length === 0) return undefined
  const parts = datasets.map((d) =>
    d.datasetDigest === undefined
      ? fragment('f.dataset_name = ?', [d.datasetName])
      : fragment('(f.dataset_name = ? AND f.dataset_digest = ?)', [d.datasetName, d.datasetDigest]),
  )
  const joined = joinFragments(parts, ' OR ')
  return fragment(`(${joined.sql})`, joined.params)
}

// The Python client's LoggedModelStatus spells statuses READY, PENDING, FAILED; the wire (and this
// store) spells them LOGGED_MODEL_READY, … . An exact comparison accepts either.
const STATUS_NAMES: ReadonlyMap<string, string> = new Map([
  ['UNSPECIFIED', 'LOGGED_MODEL_STATUS_UNSPECIFIED'],
  ['PENDING', 'LOGGED_MODEL_PENDING'],
  ['READY', 'LOGGED_MODEL_READY'],
  ['FAILED', 'LOGGED_MODEL_UPLOAD_FAILED'],
])
const statusName = (value: string) => STATUS_NAMES.get(value.toUpperCase()) ?? value

function statusOnWire(comparison: Comparison): Comparison {
  if (comparison.key !== 'status') return comparison
  const { operator, value } = comparison
  if (operator === '=' || operator === '!=') return { ...comparison, value: statusName(String(value)) }
  if (Array.isArray(value)) return { ...comparison, value: value.map(statusName) }
  return comparison
}

function comparisonFor(dialect: Dialect, comparison: Comparison, onDatasets: Fragment | undefined): Fragment {
  switch (comparison.entity) {
    case 'metric': {
      const cond = compareValue(dialect, 'f.value', comparison)
      const datasets = onDatasets ? ` AND ${onDatasets.sql}` : ''
      return fragment(
        `EXISTS (SELECT 1 FROM logged_model_metrics f WHERE f.model_key = lm.model_key AND f.key = ? AND f.is_nan = 0 AND ${cond.sql}${datasets})`,
        [comparison.key, ...cond.params, ...(onDatasets?.params ?? [])],
      )
    }
    case 'param':
    case 'tag': {
      const table = comparison.entity === 'param' ? 'logged_model_params' : 'logged_model_tags'
      const cond = compareValue(dialect, 'f.value', comparison)
      return fragment(`EXISTS (SELECT 1 FROM ${table} f WHERE f.model_key = lm.model_key AND f.key = ? AND ${cond.sql})`, [
        comparison.key,
        ...cond.params,
      ])
    }
    case 'attribute':
      return compareValue(dialect, ownValue(ATTRIBUTE_COLUMNS, comparison.key) ?? unknownKey(comparison), statusOnWire(comparison))
    default:
      return unknownKey(comparison)
  }
}

function orderClauses(dialect: Dialect, orderBy: NonNullable<SearchLoggedModelsQuery['orderBy']>): Fragment {
  const parts: Fragment[] = []
  let hasCreation = false
  for (const term of orderBy) {
    const direction = term.ascending === false ? 'DESC' : 'ASC'
    if (term.fieldName.startsWith('metrics.')) {
      const datasets = datasetCondition(
        term.datasetName === undefined
          ? []
          : [{ datasetName: term.datasetName, ...(term.datasetDigest !== undefined ? { datasetDigest: term.datasetDigest } : {}) }],
      )
      // MLflow orders by the metric's latest value (greatest timestamp, then step).
      const latest = `(SELECT f.value FROM logged_model_metrics f WHERE f.model_key = lm.model_key AND f.key = ?${
        datasets ? ` AND ${datasets.sql}` : ''
      } ORDER BY f.timestamp DESC, f.step DESC LIMIT 1)`
      const params = [term.fieldName.slice('metrics.'.length), ...(datasets?.params ?? [])]
      parts.push(fragment(`CASE WHEN ${latest} IS NULL THEN 1 ELSE 0 END, ${latest} ${direction}`, [...params, ...params]))
      continue
    }
    if (term.fieldName.includes('.')) {
      throw invalidParameter(`Invalid order by field name: ${term.fieldName}. Only metrics are supported.`)
    }
    const attribute = loggedModelAttribute(term.fieldName.trim())
    const column = attribute && ATTRIBUTE_COLUMNS[attribute.key]
    if (!column) throw invalidParameter(`Invalid order by field name: ${term.fieldName}`)
    if (column === 'lm.creation_time') hasCreation = true
    const ordered = TEXT_COLUMNS.has(column) ? dialect.orderText(column) : column
    parts.push(fragment(`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END, ${ordered} ${direction}`))
  }
  if (!hasCreation) parts.push(fragment('lm.creation_time DESC'))
  parts.push(fragment('lm.model_id ASC'))
  return joinFragments(parts, ', ')
}

/** Logged model filters use MLflow 3's logged-model grammar: attributes, metrics (on the request's datasets), params and tags. */
export function searchLoggedModels(ctx: StoreContext, query: SearchLoggedModelsQuery): Promise<Page<LoggedModel>> {
  return searchLoggedModelsParsed(ctx, query, parseLoggedModelFilter(query.filter))
}

export async function searchLoggedModelsParsed(
  ctx: StoreContext,
  query: SearchLoggedModelsQuery,
  filter: FilterNode | undefined,
): Promise<Page<LoggedModel>> {
  const { db, dialect } = ctx
  const datasets = query.datasets ?? []
  if (datasets.some((d) => !d.datasetName)) {
    throw invalidParameter('`dataset_name` in the `datasets` clause must be specified.')
  }
  const onDatasets = datasetCondition(datasets)
  const order = orderClauses(dialect, query.orderBy ?? [])
  const fingerprint = queryFingerprint({ e: query.experimentIds, f: query.filter ?? '', d: datasets, o: query.orderBy ?? [] })
  const cursor = query.pageToken
    ? decodePageToken(query.pageToken, fingerprint)
    : {
        offset: 0,
        watermark: (await db.query<{ top: number | null }>('SELECT max(model_key) AS top FROM logged_models'))[0]?.top ?? 0,
      }
  const named = await experimentIdsInWorkspace(ctx, query.experimentIds.map(parseExperimentId).filter((id) => id !== undefined))
  const experimentIds = query.readableBy ? await readableExperimentIds(db, dialect, named, query.readableBy) : named
  if (experimentIds.length === 0) return { items: [] }
  const conditions: Fragment[] = [
    dialect.inList('lm.experiment_id', experimentIds, 'bigint'),
    fragment(`lm.lifecycle_stage = 'active'`),
    fragment('lm.model_key <= ?', [cursor.watermark]),
  ]
  if (dialect.searchBudget) conditions.push(dialect.searchBudget)
  let hasMetricFilter = false
  if (filter) {
    conditions.push(
      compileFilter(filter, (comparison) => {
        if (comparison.entity === 'metric') hasMetricFilter = true
        return comparisonFor(dialect, comparison, onDatasets)
      }),
    )
  }
  // Datasets without a metric clause: models evaluated on any of them (MLflow's rule).
  if (onDatasets && !hasMetricFilter) {
    conditions.push(fragment(`EXISTS (SELECT 1 FROM logged_model_metrics f WHERE f.model_key = lm.model_key AND ${onDatasets.sql})`, onDatasets.params))
  }
  const where = joinFragments(conditions, ' AND ')
  const rows = await db.query<LoggedModelRow>(
    `SELECT ${LOGGED_MODEL_COLUMNS} FROM logged_models lm WHERE ${where.sql} ORDER BY ${order.sql} LIMIT ? OFFSET ?`,
    [...where.params, ...order.params, query.maxResults + 1, cursor.offset],
    PLAN_PER_CALL,
  )
  const items = await loadLoggedModels(db, dialect, rows.slice(0, query.maxResults))
  return rows.length > query.maxResults
    ? { items, nextPageToken: encodePageToken({ offset: cursor.offset + query.maxResults, watermark: cursor.watermark }, fingerprint) }
    : { items }
}
