import type { Axis, CompareRun } from '../lib/compare.ts'
import { position, valueOf } from '../lib/compare.ts'
import { formatCompact } from '../lib/format.ts'
import { colorOf } from '../lib/palette.ts'

// One dot per run, for two chosen keys. A handful to a hundred points: SVG circles with a <title>
// each, so the exact values are one hover (or one screen-reader step) away.

interface Props {
  readonly runs: readonly (CompareRun & { readonly label: string })[]
  readonly x: Axis
  readonly y: Axis
  /** Scale to the container's width (a chart grid cell) instead of a fixed 520 px; labels scale with it. */
  readonly fit?: boolean
}

const WIDTH = 520
const HEIGHT = 320
const PAD = { left: 78, right: 28, top: 16, bottom: 44 }
// Tick labels longer than this are cut with an ellipsis; the full text is their <title>.
const MAX_TICK_CHARS = 10

const ticks = (axis: Axis): { at: number; text: string }[] =>
  axis.kind === 'categorical'
    ? axis.categories.map((c) => ({ at: position(axis, c) ?? 0, text: c }))
    : axis.min === axis.max
      ? [{ at: 0.5, text: formatCompact(axis.min) }]
      : [0, 0.5, 1].map((at) => ({ at, text: formatCompact(axis.min + at * (axis.max - axis.min)) }))

const cut = (text: string) => (text.length > MAX_TICK_CHARS ? `${text.slice(0, MAX_TICK_CHARS - 1)}…` : text)
// The end ticks of the x axis hang inwards, so neither runs past the plot's edge.
const xAnchor = (at: number) => (at <= 0.001 ? 'start' : at >= 0.999 ? 'end' : 'middle')

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)
const short = (id: string) => id.replace(/^(params|metrics)\./, '')

export function ScatterPlot({ runs, x, y, fit = false }: Props) {
  const px = (p: number) => PAD.left + p * (WIDTH - PAD.left - PAD.right)
  const py = (p: number) => HEIGHT - PAD.bottom - p * (HEIGHT - PAD.top - PAD.bottom)
  return (
    <svg className="scatter" role="img" aria-label={`Scatter of ${short(y.id)} against ${short(x.id)}`} width={fit ? '100%' : WIDTH} {...(fit ? {} : { height: HEIGHT })} viewBox={`0 0 ${WIDTH} ${HEIGHT}`}>
      <line x1={px(0)} x2={px(1)} y1={py(0)} y2={py(0)} className="axis-line" />
      <line x1={px(0)} x2={px(0)} y1={py(0)} y2={py(1)} className="axis-line" />
      {ticks(x).map((t) => (
        <text key={`x${t.text}`} x={px(t.at)} y={py(0) + 16} textAnchor={xAnchor(t.at)} className="axis-tick">
          <title>{t.text}</title>
          {cut(t.text)}
        </text>
      ))}
      {ticks(y).map((t) => (
        <text key={`y${t.text}`} x={px(0) - 6} y={py(t.at) + 4} textAnchor="end" className="axis-tick">
          <title>{t.text}</title>
          {cut(t.text)}
        </text>
      ))}
      <text x={px(0.5)} y={HEIGHT - 6} textAnchor="middle" className="axis-title">
        {clip(short(x.id), 60)}
      </text>
      <text x={14} y={py(0.5)} textAnchor="middle" className="axis-title" transform={`rotate(-90 14 ${py(0.5)})`}>
        <title>{short(y.id)}</title>
        {clip(short(y.id), 36)}
      </text>
      {runs.map((run, i) => {
        const vx = valueOf(run, x.id)
        const vy = valueOf(run, y.id)
        const ax = position(x, vx)
        const ay = position(y, vy)
        if (ax === undefined || ay === undefined) return null
        return (
          <circle key={run.runId} cx={px(ax)} cy={py(ay)} r={6} fill={colorOf(i)} data-run-id={run.runId}>
            <title>{`${run.label}: ${short(x.id)}=${vx}, ${short(y.id)}=${vy}`}</title>
          </circle>
        )
      })}
    </svg>
  )
}
