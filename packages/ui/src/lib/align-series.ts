// uPlot draws every series against one shared x array. Runs log at different steps or times, so
// their points are merged onto the sorted union of x values, with null where a run has no point
// (the chart spans those gaps).

export interface XYSeries {
  readonly x: readonly number[]
  readonly y: readonly number[]
}

/** [xs, ys of series 0, ys of series 1, …]; for a repeated x within one series the last point wins. */
export function alignSeries(series: readonly XYSeries[]): [number[], ...(number | null)[][]] {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b)
  const index = new Map(xs.map((x, i) => [x, i]))
  const columns = series.map((s) => {
    const column: (number | null)[] = new Array<number | null>(xs.length).fill(null)
    s.x.forEach((x, i) => {
      column[index.get(x)!] = s.y[i] ?? null
    })
    return column
  })
  return [xs, ...columns]
}
