import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { MetricPoint } from '../api.ts'
import { alignSeries } from '../lib/align-series.ts'
import type { XYSeries } from '../lib/align-series.ts'
import { formatCompact, formatTicks } from '../lib/format.ts'
import { colorOf } from '../lib/palette.ts'
import { scheduleDraw } from '../lib/draw-queue.ts'
import type { XAxis } from '../lib/routes.ts'
import { smoothSeries } from '../lib/smoothing.ts'

interface Props {
  readonly runs: readonly { readonly runId: string; readonly label: string }[]
  readonly points: readonly MetricPoint[]
  readonly metric: string
  readonly x: XAxis
  readonly smoothing: number
  readonly log: boolean
  readonly theme: string
  readonly height?: number
  /** uPlot's legend under the chart; a grid of charts shows one shared legend instead. */
  readonly legend?: boolean
  /**
   * Called with the x range a user drags across (in the chart's x units: steps, or seconds for wall
   * time), or undefined on a double click, so the caller can fetch finer buckets for it. Without it,
   * uPlot zooms into the points it has.
   */
  readonly onZoom?: (range: readonly [number, number] | undefined) => void
}

const formatValue = (v: number | null | undefined) => (v === null || v === undefined ? '—' : Number(v.toPrecision(6)).toString())

function lastValue(values: ArrayLike<number | null | undefined> | undefined): number | null {
  if (!values) return null
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i]
    if (v !== null && v !== undefined) return v
  }
  return null
}

function xOf(point: MetricPoint, x: XAxis, firstTimestamp: number): number {
  if (x === 'step') return point.step
  if (x === 'wall') return point.timestamp / 1000
  return (point.timestamp - firstTimestamp) / 1000
}

/**
 * A scale range that is never empty: one point, or a series that never changes, gets a window
 * around its value (±10%, or ±1 around 0) instead of uPlot's default 0–100 with a dot in it.
 */
function padRange(min: number | null, max: number | null, log: boolean): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return log ? [1, 10] : [0, 1]
  if (min !== max) return log ? uPlot.rangeLog(min, max, 10, true) as [number, number] : uPlot.rangeNum(min, max, 0.1, true) as [number, number]
  if (log) return [min / 2, min * 2]
  const pad = Math.abs(min) * 0.1 || 1
  return [min - pad, min + pad]
}

const alpha = (hex: string, a: number) => `${hex}${Math.round(a * 255).toString(16).padStart(2, '0')}`

/**
 * Line charts of one metric for several runs. Bucketed points (count > 1) also get a min/max band per
 * run, so a spike that the bucket's last value hides stays on screen.
 */
/** The chart's aligned data: each run's line and, when buckets hold several points, its min/max band. */
function chartData(runs: Props['runs'], points: readonly MetricPoint[], x: XAxis, smoothing: number, log: boolean): { data: uPlot.AlignedData; banded: boolean } {
  const byRun = new Map<string, MetricPoint[]>()
  for (const p of points) {
    const list = byRun.get(p.runId)
    if (list) list.push(p)
    else byRun.set(p.runId, [p])
  }
  const clean = (v: number | undefined) => (v === undefined || !Number.isFinite(v) || (log && !(v > 0)) ? null : v)
  const lines: XYSeries[] = []
  const bands: XYSeries[] = []
  let banded = false
  for (const run of runs) {
    const list = [...(byRun.get(run.runId) ?? [])].sort((a, b) => (x === 'step' ? a.step - b.step : a.timestamp - b.timestamp))
    const first = list.reduce((min, p) => Math.min(min, p.timestamp), Infinity)
    const xs = list.map((p) => xOf(p, x, first))
    lines.push({ x: xs, y: smoothSeries(list.map((p) => clean(p.value)), smoothing) as number[] })
    bands.push({ x: xs, y: list.map((p) => clean(p.min ?? p.value)) as number[] }, { x: xs, y: list.map((p) => clean(p.max ?? p.value)) as number[] })
    banded ||= list.some((p) => (p.count ?? 1) > 1 && p.min !== p.max)
  }
  return { data: alignSeries(banded ? [...lines, ...bands] : lines) as uPlot.AlignedData, banded }
}

/**
 * Line charts of one metric for several runs. Bucketed points (count > 1) also get a min/max band per
 * run, so a spike that the bucket's last value hides stays on screen. The chart is (re)built in a
 * task of its own (draw-queue.ts), its data included; until then the previous chart stays on screen.
 */
export function MetricChart({ runs, points, metric, x, smoothing, log, theme, height = 380, legend = true, onZoom }: Props) {
  const host = useRef<HTMLDivElement>(null)
  const zoom = useRef(onZoom)
  zoom.current = onZoom
  // Removes the chart on screen: when the next one replaces it, or when the component goes.
  const dispose = useRef<(() => void) | undefined>(undefined)
  useEffect(() => () => dispose.current?.(), [])

  useEffect(() => {
    const element = host.current
    if (!element) return
    return scheduleDraw(() => {
      const { data, banded } = chartData(runs, points, x, smoothing, log)
      if (banded) element.dataset.banded = 'true'
      else delete element.dataset.banded
      const style = getComputedStyle(document.documentElement)
      const axisColor = style.getPropertyValue('--fg-muted').trim() || '#666'
      const gridColor = style.getPropertyValue('--border').trim() || '#ddd'
      let yTicks: string[] = []
      const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 } }
      // With cursor off the chart, the legend shows each series' last value instead of a dash.
      const value = (u: uPlot, v: number | null, seriesIdx: number, idx: number | null) => formatValue(idx === null ? lastValue(u.data[seriesIdx]) : v)
      const bandSeries: uPlot.Series[] = banded
        ? runs.flatMap((run, i) => [
            { label: `${run.label} min`, stroke: alpha(colorOf(i), 0.45), width: 1, spanGaps: true, points: { show: false }, value },
            { label: `${run.label} max`, stroke: alpha(colorOf(i), 0.45), width: 1, spanGaps: true, points: { show: false }, value },
          ])
        : []
      const options: uPlot.Options = {
        width: Math.max(element.clientWidth, 300),
        height,
        scales: {
          x: { time: x === 'wall', range: (_u, min, max) => (min === max ? [min - 1, max + 1] : [min, max]) },
          y: { distr: log ? 3 : 1, range: (_u, min, max) => padRange(min, max, log) },
        },
        axes: [
          {
            ...axis,
            label: x === 'step' ? 'step' : x === 'wall' ? 'time' : 'seconds since start',
            ...(x === 'wall' ? {} : { values: (_u: uPlot, splits: number[], _axis: number, _space: number, increment: number) => formatTicks(splits, increment) }),
          },
          {
            ...axis,
            // In a grid the chart's caption names the metric.
            ...(legend ? { label: metric } : {}),
            values: (_u: uPlot, splits: number[], _axis: number, _space: number, increment: number) => {
              yTicks = log ? splits.map(formatCompact) : formatTicks(splits, increment)
              return yTicks
            },
            // Wide enough for the longest tick label (7 px a character at uPlot's 12 px), plus the label.
            size: (_u: uPlot, values: string[] | null) => Math.max(50, 34 + 7 * Math.max(0, ...(values ?? []).map((v) => v.length))),
          },
        ],
        series: [
          { label: x === 'step' ? 'step' : x === 'wall' ? 'time' : 'seconds' },
          ...runs.map((run, i) => ({
            label: run.label,
            stroke: colorOf(i),
            width: 1.5,
            spanGaps: true,
            points: { show: data[0].length < 60 },
            value,
          })),
          ...bandSeries,
        ],
        // Series 1..n are the runs' lines; n+1+2i and n+2+2i run i's min and max.
        bands: banded ? runs.map((_, i) => ({ series: [runs.length + 2 + 2 * i, runs.length + 1 + 2 * i] as [number, number], fill: alpha(colorOf(i), 0.18) })) : [],
        cursor: { drag: { x: true, y: false, setScale: !onZoom } },
        legend: { show: legend, live: true },
        hooks: {
          // bench/ui.ts times navigation → first chart drawn from this mark.
          draw: [
            (u: uPlot) => {
              performance.mark('orchard:chart-drawn')
              // uPlot paints ticks on the canvas; the host carries them (and the y range) as text for
              // assistive reads and tests.
              element.dataset.yTicks = yTicks.join('|')
              element.dataset.yRange = `${u.scales.y?.min ?? ''},${u.scales.y?.max ?? ''}`
            },
          ],
          ...(onZoom
            ? {
                setSelect: [
                  (u: uPlot) => {
                    if (u.select.width < 3) return
                    const range = [u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x')] as const
                    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false)
                    zoom.current?.(range)
                  },
                ],
              }
            : {}),
        },
      }
      dispose.current?.()
      const chart = new uPlot(options, data, element)
      const reset = () => zoom.current?.(undefined)
      if (onZoom) chart.over.addEventListener('dblclick', reset)
      const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 300), height }))
      observer.observe(element)
      dispose.current = () => {
        observer.disconnect()
        chart.over.removeEventListener('dblclick', reset)
        chart.destroy()
      }
    })
  }, [runs, points, metric, x, smoothing, log, theme, height, legend, onZoom !== undefined])

  return <div className="chart" ref={host} data-testid="metric-chart" />
}
