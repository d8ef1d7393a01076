// The chart grid's layout: which charts, in which order, of which kind, and the settings they share.
// In the URL (`metrics=`) each chart is one list item: a metric key charts that metric's history (or
// bars for single values), `scatter|<x>|<y>` a scatter of two columns and `parallel|<a>|<b>|…`
// parallel coordinates, columns spelled `params.<key>` / `metrics.<key>`. `|` and `,` cannot occur
// in MLflow keys, so the items parse back unambiguously.
//
// In a saved view the layout is written as MLflow 3's chart cards (`compareRunCharts` entries: type
// LINE / SCATTER / PARALLEL, `metricKey`, `xaxis`/`yaxis` as `{key, type: 'METRIC' | 'PARAM'}`,
// `selectedParams`/`selectedMetrics`, `xAxisKey`, `lineSmoothness` 0–100, `scaleType`), and a view
// saved by MLflow's UI has its own `compareRunCharts` read the same way.

import type { XAxis } from './routes.ts'

export type ChartSpec =
  | { readonly kind: 'metric'; readonly metric: string }
  | { readonly kind: 'scatter'; readonly x: string; readonly y: string }
  | { readonly kind: 'parallel'; readonly axes: readonly string[] }

export interface ChartLayout {
  /** The charts in order; undefined charts every metric of the runs. */
  readonly charts: readonly string[] | undefined
  readonly x: XAxis
  readonly smoothing: number
  readonly log: boolean
}

const SEPARATOR = '|'
const isColumn = (id: string) => /^(params|metrics)\../.test(id)

export function parseChartItem(item: string): ChartSpec {
  const [kind, ...axes] = item.split(SEPARATOR)
  if (kind === 'scatter' && axes.length === 2 && axes.every(isColumn)) return { kind, x: axes[0]!, y: axes[1]! }
  if (kind === 'parallel' && axes.length >= 2 && axes.every(isColumn)) return { kind, axes }
  return { kind: 'metric', metric: item }
}

export function chartItem(spec: ChartSpec): string {
  if (spec.kind === 'scatter') return ['scatter', spec.x, spec.y].join(SEPARATOR)
  if (spec.kind === 'parallel') return ['parallel', ...spec.axes].join(SEPARATOR)
  return spec.metric
}

const shortKey = (id: string) => id.replace(/^(params|metrics)\./, '')

export function chartTitle(spec: ChartSpec): string {
  if (spec.kind === 'scatter') return `${shortKey(spec.y)} vs ${shortKey(spec.x)}`
  if (spec.kind === 'parallel') return `Parallel coordinates: ${spec.axes.map(shortKey).join(', ')}`
  return spec.metric
}

const X_AXIS_KEYS: Record<XAxis, string> = { step: 'step', wall: 'time', relative: 'time-relative' }

interface AxisDef {
  readonly key: string
  readonly type: 'METRIC' | 'PARAM'
}
const axisDef = (id: string): AxisDef => ({ key: shortKey(id), type: id.startsWith('params.') ? 'PARAM' : 'METRIC' })
const columnOf = (axis: unknown): string | undefined => {
  const { key, type } = (axis ?? {}) as { key?: unknown; type?: unknown }
  if (typeof key !== 'string' || !key) return undefined
  return `${type === 'PARAM' ? 'params' : 'metrics'}.${key}`
}

/** The layout as saved-view state: MLflow's chart cards plus the settings every line chart shares. */
export function layoutState(layout: ChartLayout): Record<string, unknown> {
  const shared = { xAxisKey: X_AXIS_KEYS[layout.x], lineSmoothness: Math.round(layout.smoothing * 100), scaleType: layout.log ? 'log' : 'linear' }
  const cards = layout.charts?.map((item, i) => {
    const spec = parseChartItem(item)
    const uuid = `orchard-${i}`
    if (spec.kind === 'scatter') return { uuid, type: 'SCATTER', xaxis: axisDef(spec.x), yaxis: axisDef(spec.y), deleted: false, isGenerated: false }
    if (spec.kind === 'parallel') {
      return {
        uuid,
        type: 'PARALLEL',
        selectedParams: spec.axes.filter((a) => a.startsWith('params.')).map(shortKey),
        selectedMetrics: spec.axes.filter((a) => a.startsWith('metrics.')).map(shortKey),
        // MLflow lists params before metrics; the axes' own order is kept beside them.
        orchardAxes: spec.axes,
        deleted: false,
        isGenerated: false,
      }
    }
    return { uuid, type: 'LINE', metricKey: spec.metric, ...shared, deleted: false, isGenerated: false }
  })
  return { ...(cards ? { compareRunCharts: cards } : {}), ...shared }
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [])

/** A layout from saved-view state (Orchard's, or MLflow's own `compareRunCharts`); undefined when it holds none. */
export function parseLayoutState(state: unknown): ChartLayout | undefined {
  if (!state || typeof state !== 'object') return undefined
  const { compareRunCharts, xAxisKey, lineSmoothness, scaleType } = state as Record<string, unknown>
  const cards = Array.isArray(compareRunCharts) ? (compareRunCharts as Record<string, unknown>[]).filter((c) => c && typeof c === 'object' && c.deleted !== true) : undefined
  const firstLine = cards?.find((c) => c.type === 'LINE')
  const x = xAxisKey ?? firstLine?.xAxisKey
  const smoothing = Number(lineSmoothness ?? firstLine?.lineSmoothness ?? 0)
  const charts = cards?.flatMap((card): string[] => {
    if ((card.type === 'LINE' || card.type === 'BAR') && typeof card.metricKey === 'string' && card.metricKey) return [card.metricKey]
    if (card.type === 'SCATTER') {
      const axes = [columnOf(card.xaxis), columnOf(card.yaxis)]
      return axes[0] && axes[1] ? [chartItem({ kind: 'scatter', x: axes[0], y: axes[1] })] : []
    }
    if (card.type === 'PARALLEL') {
      const own = stringList(card.orchardAxes).filter(isColumn)
      const axes = own.length ? own : [...stringList(card.selectedParams).map((k) => `params.${k}`), ...stringList(card.selectedMetrics).map((k) => `metrics.${k}`)]
      return axes.length >= 2 ? [chartItem({ kind: 'parallel', axes })] : []
    }
    return []
  })
  if (cards === undefined && x === undefined && lineSmoothness === undefined && scaleType === undefined) return undefined
  return {
    // MLflow writes an empty card list before its UI has generated any: that is "every metric".
    charts: charts && charts.length > 0 ? charts : undefined,
    x: x === 'time' ? 'wall' : x === 'time-relative' ? 'relative' : 'step',
    smoothing: Number.isFinite(smoothing) ? Math.min(Math.max(smoothing / 100, 0), 0.99) : 0,
    log: (scaleType ?? firstLine?.scaleType) === 'log',
  }
}

export const isDefaultLayout = (layout: ChartLayout) => layout.charts === undefined && layout.x === 'step' && layout.smoothing === 0 && !layout.log

export function isChartLayout(value: unknown): value is ChartLayout {
  if (!value || typeof value !== 'object') return false
  const v = value as Record<string, unknown>
  return (
    (v.charts === undefined || (Array.isArray(v.charts) && v.charts.every((c) => typeof c === 'string'))) &&
    (v.x === 'step' || v.x === 'wall' || v.x === 'relative') &&
    typeof v.smoothing === 'number' &&
    typeof v.log === 'boolean'
  )
}
