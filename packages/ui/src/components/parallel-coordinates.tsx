import type { Axis, CompareRun } from '../lib/compare.ts'
import { position, valueOf } from '../lib/compare.ts'
import { formatMetric } from '../lib/format.ts'
import { colorOf } from '../lib/palette.ts'

// Parallel coordinates over a handful of runs and axes: a few dozen SVG elements, each with a <title>
// so hovering (or a screen reader) gives the exact value. uPlot is for long series, not this.

interface Props {
  readonly runs: readonly (CompareRun & { readonly label: string })[]
  readonly axes: readonly Axis[]
}

const HEIGHT = 274
const PAD_TOP = 48
// About one axis gap of 12 px bold text; titles also alternate between two lines, so neither a
// neighbour nor the next-but-one title on the same line can touch, whatever the end titles' anchors.
const MAX_TITLE_CHARS = 20
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)
const PAD_BOTTOM = 24
const AXIS_GAP = 150

const label = (axis: Axis, at: 'top' | 'bottom'): string => {
  if (axis.kind === 'categorical') return (at === 'top' ? axis.categories.at(-1) : axis.categories[0]) ?? ''
  return formatMetric(at === 'top' ? axis.max : axis.min)
}

export function ParallelCoordinates({ runs, axes }: Props) {
  if (axes.length < 2) return <p className="muted">Parallel coordinates need at least two params or metrics that differ between the runs.</p>
  const width = AXIS_GAP * (axes.length - 1) + 120
  const x = (i: number) => 60 + i * AXIS_GAP
  const y = (p: number) => PAD_TOP + (1 - p) * (HEIGHT - PAD_TOP - PAD_BOTTOM)
  return (
    <div className="chart-scroll">
      {/* The end titles hang inwards from their axes, so neither runs off the plot. */}
      <svg className="parallel" role="img" aria-label="Parallel coordinates" width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`}>
        {axes.map((axis, i) => (
          <g key={axis.id} data-axis={axis.id}>
            <line x1={x(i)} x2={x(i)} y1={y(1)} y2={y(0)} className="axis-line" />
            {/* Titles alternate between two lines and are cut to the gap between axes, so neighbours never overlap. */}
            <text x={x(i)} y={i % 2 ? 30 : 12} className="axis-title" textAnchor={i === 0 ? 'start' : i === axes.length - 1 ? 'end' : 'middle'}>
              <title>{axis.id.replace(/^(params|metrics)\./, '')}</title>
              {clip(axis.id.replace(/^(params|metrics)\./, ''), MAX_TITLE_CHARS)}
            </text>
            <text x={x(i) + 5} y={y(1) + 4} className="axis-tick">
              {label(axis, 'top')}
            </text>
            <text x={x(i) + 5} y={y(0) + 4} className="axis-tick">
              {label(axis, 'bottom')}
            </text>
            {axis.kind === 'categorical'
              ? axis.categories.slice(1, -1).map((c) => (
                  <text key={c} x={x(i) + 5} y={y(position(axis, c) ?? 0) + 4} className="axis-tick">
                    {c}
                  </text>
                ))
              : null}
          </g>
        ))}
        {runs.map((run, r) => {
          const points = axes.flatMap((axis, i) => {
            const p = position(axis, valueOf(run, axis.id))
            return p === undefined ? [] : [`${x(i)},${y(p)}`]
          })
          const values = axes.map((axis) => `${axis.id.replace(/^(params|metrics)\./, '')}=${valueOf(run, axis.id) ?? '—'}`).join(', ')
          return (
            <polyline key={run.runId} points={points.join(' ')} fill="none" stroke={colorOf(r)} strokeWidth={2} data-run-id={run.runId}>
              <title>{`${run.label}: ${values}`}</title>
            </polyline>
          )
        })}
      </svg>
    </div>
  )
}
