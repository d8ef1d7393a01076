// The compare view's arithmetic: which keys differ across runs, and how a param or metric maps onto a
// chart axis. Params are strings on the wire; a key whose values all parse as numbers is plotted on a
// numeric axis, any other key on a categorical one (its distinct values, sorted, evenly spaced).

export interface CompareRun {
  readonly runId: string
  readonly params: ReadonlyMap<string, string>
  readonly metrics: ReadonlyMap<string, number>
}

export interface CompareRow {
  readonly key: string
  /** One cell per run, in the runs' order; undefined where a run lacks the key. */
  readonly values: readonly (string | undefined)[]
  /** True when at least two runs disagree, a missing value counting as a value. */
  readonly differs: boolean
}

function rowsOf(runs: readonly CompareRun[], read: (run: CompareRun, key: string) => string | undefined, keys: Iterable<string>): CompareRow[] {
  return [...new Set(keys)].sort().map((key) => {
    const values = runs.map((run) => read(run, key))
    return { key, values, differs: new Set(values).size > 1 }
  })
}

export const paramRows = (runs: readonly CompareRun[]): CompareRow[] =>
  rowsOf(runs, (run, key) => run.params.get(key), runs.flatMap((r) => [...r.params.keys()]))

export const metricRows = (runs: readonly CompareRun[], format: (value: number) => string): CompareRow[] =>
  rowsOf(
    runs,
    (run, key) => {
      const value = run.metrics.get(key)
      return value === undefined ? undefined : format(value)
    },
    runs.flatMap((r) => [...r.metrics.keys()]),
  )

export type Axis =
  | { readonly id: string; readonly kind: 'numeric'; readonly min: number; readonly max: number }
  | { readonly id: string; readonly kind: 'categorical'; readonly categories: readonly string[] }

/** A param's or metric's value in one run, as text (params) or a number (metrics). */
export function valueOf(run: CompareRun, id: string): string | number | undefined {
  if (id.startsWith('params.')) return run.params.get(id.slice('params.'.length))
  if (id.startsWith('metrics.')) return run.metrics.get(id.slice('metrics.'.length))
  return undefined
}

const asNumber = (value: string | number): number => (typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value))

/** The axis for a key over these runs, or undefined when no run has a finite or textual value for it. */
export function axisFor(runs: readonly CompareRun[], id: string): Axis | undefined {
  const values = runs.map((run) => valueOf(run, id)).filter((v): v is string | number => v !== undefined)
  if (values.length === 0) return undefined
  const numbers = values.map(asNumber)
  if (numbers.every((n) => Number.isFinite(n))) {
    return { id, kind: 'numeric', min: Math.min(...numbers), max: Math.max(...numbers) }
  }
  return { id, kind: 'categorical', categories: [...new Set(values.map(String))].sort() }
}

/** Where a value sits on an axis, from 0 (bottom) to 1 (top); undefined for a missing or non-finite one. */
export function position(axis: Axis, value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined
  if (axis.kind === 'categorical') {
    const index = axis.categories.indexOf(String(value))
    if (index < 0) return undefined
    return axis.categories.length === 1 ? 0.5 : index / (axis.categories.length - 1)
  }
  const n = asNumber(value)
  if (!Number.isFinite(n)) return undefined
  return axis.max === axis.min ? 0.5 : (n - axis.min) / (axis.max - axis.min)
}

/** The keys worth an axis in parallel coordinates: those whose values differ, params first. */
export function parallelKeys(runs: readonly CompareRun[], limit: number): string[] {
  const differing = (rows: readonly CompareRow[], prefix: string) => rows.filter((r) => r.differs).map((r) => `${prefix}.${r.key}`)
  return [...differing(paramRows(runs), 'params'), ...differing(metricRows(runs, String), 'metrics')].slice(0, limit)
}
