// Grouping the runs table by a param, a tag or the dataset: one group per distinct value (runs
// without one form a group of their own, listed last), each summarised per metric by its mean and
// its min–max range.

export interface RunGroup<R> {
  /** Stable id for expand state: the grouping and the value. */
  readonly id: string
  /** The value, or undefined for runs that lack it. */
  readonly value: string | undefined
  readonly runs: readonly R[]
}

export function groupRuns<R>(runs: readonly R[], by: string, valueOf: (run: R) => string | undefined): RunGroup<R>[] {
  const groups = new Map<string | undefined, R[]>()
  for (const run of runs) {
    const value = valueOf(run)
    const list = groups.get(value)
    if (list) list.push(run)
    else groups.set(value, [run])
  }
  return [...groups]
    .sort(([a], [b]) => (a === undefined ? 1 : b === undefined ? -1 : a.localeCompare(b, undefined, { numeric: true })))
    .map(([value, list]) => ({ id: `${by}\u0000${value ?? ''}\u0000${value === undefined ? 'none' : 'some'}`, value, runs: list }))
}

export interface Summary {
  readonly mean: number
  readonly min: number
  readonly max: number
  readonly count: number
}

/** Mean, min and max of the finite values; undefined when there are none. */
export function summarizeNumbers(values: readonly (number | undefined)[]): Summary | undefined {
  let sum = 0
  let count = 0
  let min = Infinity
  let max = -Infinity
  for (const v of values) {
    if (v === undefined || !Number.isFinite(v)) continue
    sum += v
    count++
    min = Math.min(min, v)
    max = Math.max(max, v)
  }
  return count ? { mean: sum / count, min, max, count } : undefined
}
