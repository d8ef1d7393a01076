import { parseModelVersionFilter, parseModelVersionOrderBy, parseRegisteredModelFilter, parseRegisteredModelOrderBy, ownValue } from '@orchard/core'
import type { Comparison, FilterNode, ModelVersion, OrderTerm, Page, RegisteredModel } from '@orchard/core'
import { readableRegisteredModels } from '../auth/access-scope.ts'
import { compareValue, compileFilter, fenceFor, unknownKey } from '../sql/compile-filter.ts'
import type { StoreContext } from '../sql/context.ts'
import { PLAN_PER_CALL } from '../sql/db.ts'
import { fragment, joinFragments } from '../sql/dialect.ts'
import type { Dialect, Fragment } from '../sql/dialect.ts'
import { decodePageToken, encodePageToken, queryFingerprint } from '../sql/page-token.ts'
import { MODEL_COLUMNS, VERSION_COLUMNS, VERSION_FROM, loadModels, loadVersions } from './hydrate.ts'
import type { ModelRow, VersionRow } from './hydrate.ts'
import type { SearchRegistryQuery } from './registry-store.ts'

// MLflow 3 keeps prompts in the registry as models tagged mlflow.prompt.is_prompt = 'true'. Searches
// leave them out unless the filter asks for them; otherwise a condition on that tag is dropped, so
// `tags.`mlflow.prompt.is_prompt` = 'false'` means "models", as in MLflow.
const PROMPT_TAG = 'mlflow.prompt.is_prompt'

function queriesPrompts(node: FilterNode | undefined): boolean {
  if (!node) return false
  if (node.type !== 'comparison') return node.children.some(queriesPrompts)
  if (node.entity !== 'tag' || node.key !== PROMPT_TAG || typeof node.value !== 'string') return false
  const value = node.value.toLowerCase()
  return (node.operator === '=' && value === 'true') || (node.operator === '!=' && value === 'false')
}

const isPromptCondition = (c: Comparison) => c.entity === 'tag' && c.key === PROMPT_TAG

function notPrompt(table: string, join: string): Fragment {
  return fragment(`NOT EXISTS (SELECT 1 FROM ${table} p WHERE ${join} AND p.key = ? AND p.value = 'true')`, [PROMPT_TAG])
}

function tagExists(dialect: Dialect, table: string, join: string, comparison: Comparison, fence: string): Fragment {
  const cond = compareValue(dialect, 't.value', comparison)
  return fragment(`EXISTS (SELECT 1 FROM ${table} t WHERE ${join} AND t.key = ? AND ${cond.sql}${fence})`, [comparison.key, ...cond.params])
}

const MODEL_COLUMNS_BY_KEY: Readonly<Record<string, string>> = {
  name: 'm.name',
  last_updated_timestamp: 'm.last_updated_time',
  creation_timestamp: 'm.creation_time',
}

const VERSION_COLUMNS_BY_KEY: Readonly<Record<string, string>> = {
  name: 'm.name',
  version_number: 'v.version',
  run_id: 'v.run_id',
  source_path: 'v.source',
  last_updated_timestamp: 'v.last_updated_time',
  creation_timestamp: 'v.creation_time',
}

function orderClauses(dialect: Dialect, terms: readonly OrderTerm[], columns: Readonly<Record<string, string>>): string[] {
  return terms.map((term) => {
    const column = columns[term.key] as string
    return `${term.key === 'name' ? dialect.orderText(column) : column} ${term.ascending ? 'ASC' : 'DESC'}`
  })
}

interface Paged<Row> {
  readonly rows: Row[]
  readonly nextPageToken?: string
}

async function page<Row>(
  ctx: StoreContext,
  query: SearchRegistryQuery,
  kind: string,
  watermarkSql: string,
  select: (watermark: number) => { sql: string; params: readonly unknown[] },
): Promise<Paged<Row>> {
  const fingerprint = queryFingerprint({ k: kind, f: query.filter ?? '', o: query.orderBy ?? [] })
  const cursor = query.pageToken
    ? decodePageToken(query.pageToken, fingerprint)
    : { offset: 0, watermark: (await ctx.db.query<{ top: number | null }>(watermarkSql))[0]?.top ?? 0 }
  const { sql, params } = select(cursor.watermark)
  const rows = await ctx.db.query<Row>(`${sql} LIMIT ? OFFSET ?`, [...params, query.maxResults + 1, cursor.offset], PLAN_PER_CALL)
  if (rows.length <= query.maxResults) return { rows }
  return {
    rows: rows.slice(0, query.maxResults),
    nextPageToken: encodePageToken({ offset: cursor.offset + query.maxResults, watermark: cursor.watermark }, fingerprint),
  }
}

export async function searchRegisteredModels(ctx: StoreContext, query: SearchRegistryQuery): Promise<Page<RegisteredModel>> {
  const { dialect } = ctx
  const filter = parseRegisteredModelFilter(query.filter)
  const terms = parseRegisteredModelOrderBy(query.orderBy ?? [])
  // MLflow breaks ties by name ascending; names are unique, so the order is total.
  if (!terms.some((t) => t.key === 'name')) terms.push({ entity: 'attribute', key: 'name', ascending: true })
  const order = orderClauses(dialect, terms, MODEL_COLUMNS_BY_KEY)
  // Models created while a client pages (ids above the watermark) never shift the pages it has not read.
  const result = await page<ModelRow>(ctx, query, 'models', 'SELECT max(registered_model_id) AS top FROM registered_models', (watermark) => {
    const conditions: Fragment[] = [fragment('m.registered_model_id <= ?', [watermark])]
    const prompts = queriesPrompts(filter)
    if (!prompts) conditions.push(notPrompt('registered_model_tags', 'p.registered_model_id = m.registered_model_id'))
    if (query.readableBy) conditions.push(readableRegisteredModels('m.name', query.readableBy))
    if (ctx.workspace !== undefined) conditions.push(fragment('m.workspace = ?', [ctx.workspace]))
    if (filter) {
      const fence = fenceFor(dialect, filter)
      conditions.push(
        compileFilter(filter, (c) => {
          if (!prompts && isPromptCondition(c)) return fragment('1 = 1')
          if (c.entity === 'tag') return tagExists(dialect, 'registered_model_tags', 't.registered_model_id = m.registered_model_id', c, fence)
          if (c.entity === 'attribute' && c.key === 'name') return compareValue(dialect, 'm.name', c)
          return unknownKey(c)
        }),
      )
    }
    const where = joinFragments(conditions, ' AND ')
    return { sql: `SELECT ${MODEL_COLUMNS} FROM registered_models m WHERE ${where.sql} ORDER BY ${order.join(', ')}`, params: where.params }
  })
  const items = await loadModels(ctx.db, dialect, result.rows)
  return result.nextPageToken ? { items, nextPageToken: result.nextPageToken } : { items }
}

// MLflow's default order for model-versions/search.
const DEFAULT_VERSION_ORDER = ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC']

export async function searchModelVersions(ctx: StoreContext, query: SearchRegistryQuery): Promise<Page<ModelVersion>> {
  const { dialect } = ctx
  const filter = parseModelVersionFilter(query.filter)
  const terms = parseModelVersionOrderBy(query.orderBy?.length ? query.orderBy : DEFAULT_VERSION_ORDER)
  if (!terms.some((t) => t.key === 'name')) terms.push({ entity: 'attribute', key: 'name', ascending: true })
  if (!terms.some((t) => t.key === 'version_number')) terms.push({ entity: 'attribute', key: 'version_number', ascending: false })
  const order = orderClauses(dialect, terms, VERSION_COLUMNS_BY_KEY)
  // Versions have no global insertion key; their creation time bounds what later pages consider.
  const result = await page<VersionRow>(ctx, query, 'versions', 'SELECT max(creation_time) AS top FROM model_versions', (watermark) => {
    const conditions: Fragment[] = [fragment('v.creation_time <= ?', [watermark])]
    const prompts = queriesPrompts(filter)
    if (!prompts) conditions.push(notPrompt('model_version_tags', 'p.registered_model_id = v.registered_model_id AND p.version = v.version'))
    if (query.readableBy) conditions.push(readableRegisteredModels('m.name', query.readableBy))
    if (ctx.workspace !== undefined) conditions.push(fragment('m.workspace = ?', [ctx.workspace]))
    if (filter) {
      const fence = fenceFor(dialect, filter)
      conditions.push(
        compileFilter(filter, (c) => {
          if (!prompts && isPromptCondition(c)) return fragment('1 = 1')
          if (c.entity === 'tag') {
            return tagExists(dialect, 'model_version_tags', 't.registered_model_id = v.registered_model_id AND t.version = v.version', c, fence)
          }
          const column = c.entity === 'attribute' ? ownValue(VERSION_COLUMNS_BY_KEY, c.key) : undefined
          return column ? compareValue(dialect, column, c) : unknownKey(c)
        }),
      )
    }
    const where = joinFragments(conditions, ' AND ')
    return { sql: `SELECT ${VERSION_COLUMNS} FROM ${VERSION_FROM} WHERE ${where.sql} ORDER BY ${order.join(', ')}`, params: where.params }
  })
  const items = await loadVersions(ctx.db, dialect, result.rows)
  return result.nextPageToken ? { items, nextPageToken: result.nextPageToken } : { items }
}
