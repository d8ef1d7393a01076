// Run table columns other than the fixed attributes are named `params.<key>`, `metrics.<key>` or
// `tags.<key>`, the same prefixes MLflow's filter and order_by grammar uses.

export type ColumnKind = 'params' | 'metrics' | 'tags'

export interface ColumnId {
  readonly kind: ColumnKind
  readonly key: string
  /** A metric ordered by an aggregate of its history (Orchard's `min(metrics.k) DESC`). */
  readonly aggregate?: 'min' | 'max' | 'mean'
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
  const ordered = typeof column !== 'string' && column.aggregate ? `${column.aggregate}(${name})` : name
  return `${ordered} ${ascending ? 'ASC' : 'DESC'}`
}

/** What a header sorts by, as parseOrderTerm names it: `start_time`, `params.lr`, `metrics.loss@min`. */
export const sortTarget = (sort: ColumnId | string): string =>
  typeof sort === 'string' ? sort : `${sort.kind}.${sort.key}${sort.aggregate ? `@${sort.aggregate}` : ''}`

const AGGREGATE_ORDER = /^\s*(min|max|mean|avg)\(\s*metrics?\.(?:`([^`]*)`|([\w.]+))\s*\)\s*(ASC|DESC)?\s*$/i

/** Which column an order term sorts and in which direction, for the header arrow. */
export function parseOrderTerm(term: string): { readonly target: string; readonly ascending: boolean } | undefined {
  const aggregate = AGGREGATE_ORDER.exec(term)
  if (aggregate) {
    const name = aggregate[1]!.toLowerCase() === 'avg' ? 'mean' : aggregate[1]!.toLowerCase()
    return { target: `metrics.${aggregate[2] ?? aggregate[3]}@${name}`, ascending: (aggregate[4] ?? 'ASC').toUpperCase() === 'ASC' }
  }
  const match = /^\s*(?:(attributes|params|metrics|tags)\.)?(?:`([^`]*)`|([\w.]+))\s*(ASC|DESC)?\s*$/i.exec(term)
  if (!match) return undefined
  const kind = (match[1] ?? 'attributes').toLowerCase()
  const key = match[2] ?? match[3] ?? ''
  return { target: kind === 'attributes' ? key : `${kind}.${key}`, ascending: (match[4] ?? 'ASC').toUpperCase() === 'ASC' }
}

interface KeyedRun {
  readonly data: {
    readonly metrics: readonly { readonly key: string; readonly timestamp: number }[]
    readonly params: readonly { readonly key: string }[]
  }
}

const DEFAULT_METRICS = 8
const DEFAULT_PARAMS = 6
// Names of held-out figures (val_rmse, validation/loss, test_accuracy, eval.f1): among metrics logged
// as widely and as recently, these are the ones people choose runs by.
const HELD_OUT = /(^|[^a-z])(val|valid|validation|test|eval|evaluation)([^a-z]|$)/i

/**
 * Default columns when neither the URL nor this browser names any: the metrics most runs share
 * first, and among those the most recently logged (a sweep's `val_rmse` before a one-off
 * `best_val_rmse` logged by the parent run), held-out figures (`val_*`, `test_*`) before the
 * others; then params by the same share. Ties go by name.
 */
export function defaultColumns(runs: readonly KeyedRun[]): string[] {
  const metricShare = new Map<string, { runs: number; latest: number }>()
  const paramShare = new Map<string, number>()
  for (const run of runs) {
    for (const m of run.data.metrics) {
      const seen = metricShare.get(m.key)
      if (seen) {
        seen.runs++
        seen.latest = Math.max(seen.latest, m.timestamp)
      } else metricShare.set(m.key, { runs: 1, latest: m.timestamp })
    }
    for (const p of run.data.params) paramShare.set(p.key, (paramShare.get(p.key) ?? 0) + 1)
  }
  const metrics = [...metricShare]
    .sort(([a, x], [b, y]) => y.runs - x.runs || y.latest - x.latest || Number(HELD_OUT.test(b)) - Number(HELD_OUT.test(a)) || a.localeCompare(b))
    .slice(0, DEFAULT_METRICS)
    .map(([k]) => `metrics.${k}`)
  const params = [...paramShare]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, DEFAULT_PARAMS)
    .map(([k]) => `params.${k}`)
  return [...metrics, ...params]
}

let measure: CanvasRenderingContext2D | null | undefined
/** The width of a header label in the header's bold 13 px font; an estimate where there is no canvas. */
function labelWidth(label: string): number {
  if (measure === undefined) measure = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d')
  if (!measure) return label.length * 8
  measure.font = `600 13px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`
  return measure.measureText(label).width
}

// Cell padding (16), the sort arrow (16) and the resize handle (8) around a header's label.
const HEADER_CHROME = 42

/** A header wide enough for its whole label, within sensible bounds (longer ones show in full on hover). */
export function columnWidth(label: string, min = 90, max = 240): number {
  return Math.min(max, Math.max(min, Math.ceil(labelWidth(label) + HEADER_CHROME)))
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text)

/** A CSV document of a header row and the rows under it, lines ended by CRLF as RFC 4180 has it. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
}
