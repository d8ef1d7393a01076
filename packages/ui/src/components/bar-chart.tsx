import { formatCompact, formatMetric } from '../lib/format.ts'

// Horizontal bars, one per run, for a metric each run logged once (a final score): the value is
// written beside each bar, so no axis has to guess a range for it.

interface Props {
  readonly bars: readonly { readonly label: string; readonly value: number; readonly color: string }[]
  readonly metric: string
  readonly log: boolean
}

const BAR = 18
const GAP = 6
const LABEL_WIDTH = 120
const VALUE_WIDTH = 70
const WIDTH = 420

export function BarChart({ bars, metric, log }: Props) {
  const finite = bars.filter((b) => Number.isFinite(b.value) && (!log || b.value > 0))
  const scale = (v: number) => (log ? Math.log10(v) : v)
  const values = finite.map((b) => scale(b.value))
  // Bars start at zero (or, on a log scale, just below the least value) so lengths compare.
  const low = log ? Math.min(...values) - 0.5 : Math.min(0, ...values)
  const high = Math.max(log ? low + 1 : 0, ...values)
  const span = high - low || 1
  const plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
  const x = (v: number) => LABEL_WIDTH + ((v - low) / span) * plot
  const height = bars.length * (BAR + GAP) + GAP
  return (
    <svg className="bars" role="img" aria-label={`${metric} per run`} width="100%" viewBox={`0 0 ${WIDTH} ${height}`} preserveAspectRatio="xMinYMin meet">
      {bars.map((bar, i) => {
        const y = GAP + i * (BAR + GAP)
        const ok = Number.isFinite(bar.value) && (!log || bar.value > 0)
        const v = ok ? scale(bar.value) : low
        const start = log ? x(low) : Math.min(x(0), x(v))
        const width = log ? x(v) - x(low) : Math.abs(x(v) - x(0))
        return (
          <g key={`${bar.label}${i}`} data-value={bar.value}>
            <title>{`${bar.label}: ${formatMetric(bar.value)}`}</title>
            <text x={LABEL_WIDTH - 6} y={y + BAR / 2 + 4} textAnchor="end" className="axis-tick">
              {bar.label.length > 16 ? `${bar.label.slice(0, 15)}…` : bar.label}
            </text>
            {ok ? <rect x={start} y={y} width={Math.max(width, 1)} height={BAR} fill={bar.color} rx={2} /> : null}
            <text x={WIDTH - VALUE_WIDTH + 4} y={y + BAR / 2 + 4} className="axis-tick bar-value">
              {ok ? formatCompact(bar.value) : formatMetric(bar.value)}
            </text>
          </g>
        )
      })}
    </svg>
  )
}
