import { useEffect, useMemo, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { MetricPoint } from '../api.ts'
import { alignSeries } from '../lib/align-series.ts'
import { colorOf } from '../lib/palette.ts'
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

export function MetricChart({ runs, points, metric, x, smoothing, log, theme, height = 380 }: Props) {
  const host = useRef<HTMLDivElement>(null)
  const data = useMemo(() => {
    const byRun = new Map<string, MetricPoint[]>()
    for (const p of points) {
      const list = byRun.get(p.runId)
      if (list) list.push(p)
      else byRun.set(p.runId, [p])
    }
    const series = runs.map((run) => {
      const list = [...(byRun.get(run.runId) ?? [])].sort((a, b) => (x === 'step' ? a.step - b.step : a.timestamp - b.timestamp))
      const first = list.reduce((min, p) => Math.min(min, p.timestamp), Infinity)
      const ys = smoothSeries(list.map((p) => (log && !(p.value > 0) ? null : Number.isFinite(p.value) ? p.value : null)), smoothing)
      return { x: list.map((p) => xOf(p, x, first)), y: ys as number[] }
    })
    return alignSeries(series)
  }, [runs, points, x, smoothing, log])

  useEffect(() => {
    const element = host.current
    if (!element) return
    const style = getComputedStyle(document.documentElement)
    const axisColor = style.getPropertyValue('--fg-muted').trim() || '#666'
    const gridColor = style.getPropertyValue('--border').trim() || '#ddd'
    const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 } }
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 300),
      height,
      scales: { x: { time: x === 'wall' }, y: { distr: log ? 3 : 1 } },
      axes: [
        { ...axis, label: x === 'step' ? 'step' : x === 'wall' ? 'time' : 'seconds since start' },
        { ...axis, label: metric, size: 70 },
      ],
      series: [
        { label: x === 'step' ? 'step' : x === 'wall' ? 'time' : 'seconds' },
        ...runs.map((run, i) => ({
          label: run.label,
          stroke: colorOf(i),
          width: 1.5,
          spanGaps: true,
          points: { show: data[0].length < 60 },
          // With the cursor off the chart the legend shows each run's last value instead of a dash.
          value: (u: uPlot, v: number | null, seriesIdx: number, idx: number | null) => formatValue(idx === null ? lastValue(u.data[seriesIdx]) : v),
        })),
      ],
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
    }
    const chart = new uPlot(options, data as uPlot.AlignedData, element)
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 300), height }))
    observer.observe(element)
    return () => {
      observer.disconnect()
      chart.destroy()
    }
  }, [data, runs, metric, x, log, theme, height])

  return <div className="chart" ref={host} data-testid="metric-chart" />
}
