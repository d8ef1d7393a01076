import { axisFor } from '../lib/compare.ts'
import type { CompareRun } from '../lib/compare.ts'
import type { ChartSpec } from '../lib/chart-layout.ts'
import { ParallelCoordinates } from './parallel-coordinates.tsx'
import { ScatterPlot } from './scatter-plot.tsx'
import { Empty } from './status.tsx'

// The chart grid's charts of run columns (a param's value, a metric's last value): a scatter of two
// chosen columns, or parallel coordinates over chosen ones, one colour per run as in the whole grid.

export type LabelledRun = CompareRun & { readonly label: string }

export function ColumnChart({ spec, runs }: { readonly spec: Exclude<ChartSpec, { kind: 'metric' }>; readonly runs: readonly LabelledRun[] }) {
  if (spec.kind === 'scatter') {
    const x = axisFor(runs, spec.x)
    const y = axisFor(runs, spec.y)
    return x && y ? <ScatterPlot runs={runs} x={x} y={y} fit /> : <Empty>No run has both {`${spec.x} and ${spec.y}`}.</Empty>
  }
  const axes = spec.axes.flatMap((id) => axisFor(runs, id) ?? [])
  return <ParallelCoordinates runs={runs} axes={axes} />
}
