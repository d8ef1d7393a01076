// Run table columns other than the fixed attributes are named `params.<key>`, `metrics.<key>` or
// `tags.<key>`, the same prefixes MLflow's filter and order_by grammar uses.

export type ColumnKind = 'params' | 'metrics' | 'tags'

export interface ColumnId {
  readonly kind: ColumnKind
  readonly key: string
}

export function parseColumn(id: string): ColumnId | undefined {
  const dot = id.indexOf('.')
  const kind = id.slice(0, dot)
  const key = id.slice(dot + 1)
  if (dot < 0 || key === '' || (kind !== 'params' && kind !== 'metrics' && kind !== 'tags')) return undefined
  return { kind, key }
}

/** The order_by term for a column: keys go in backticks so any character (spaces, dots) is allowed. */
export function orderTerm(column: ColumnId | string, ascending: boolean): string {
  const name = typeof column === 'string' ? `attributes.${column}` : `${column.kind}.\`${column.key.replace(/`/g, '')}\``
  return `${name} ${ascending ? 'ASC' : 'DESC'}`
}

/** Which column an order term sorts and in which direction, for the header arrow. */
export function parseOrderTerm(term: string): { readonly target: string; readonly ascending: boolean } | undefined {
  const match = /^\s*(?:(attributes|params|metrics|tags)\.)?(?:`([^`]*)`|([\w.]+))\s*(ASC|DESC)?\s*$/i.exec(term)
  if (!match) return undefined
  const kind = (match[1] ?? 'attributes').toLowerCase()
  const key = match[2] ?? match[3] ?? ''
  return { target: kind === 'attributes' ? key : `${kind}.${key}`, ascending: (match[4] ?? 'ASC').toUpperCase() === 'ASC' }
}

/** Default columns when the URL names none: the first few metrics and params seen in the runs. */
export function defaultColumns(metricKeys: readonly string[], paramKeys: readonly string[]): string[] {
  return [...metricKeys.slice(0, 6).map((k) => `metrics.${k}`), ...paramKeys.slice(0, 6).map((k) => `params.${k}`)]
}
