// Per-metric aggregates for the runs table. A metric column shows a run's last value by default
// (what search-runs returns); min and max come from Orchard's bucketed history with one bucket per
// run (exact: a bucket keeps the least and greatest value it holds), the mean from the run's full
// history, so it is read for at most MEAN_RUNS runs.

export type Aggregate = 'last' | 'min' | 'max' | 'mean'
export const AGGREGATES: readonly Aggregate[] = ['last', 'min', 'max', 'mean']

/** A metric column's id carries its aggregate after `@` (`metrics.loss@min`); keys cannot hold `@`. */
export function splitAggregate(key: string): { readonly key: string; readonly aggregate: Aggregate } {
  const at = key.lastIndexOf('@')
  const aggregate = at < 0 ? 'last' : key.slice(at + 1)
  return at >= 0 && (AGGREGATES as readonly string[]).includes(aggregate) ? { key: key.slice(0, at), aggregate: aggregate as Aggregate } : { key, aggregate: 'last' }
}

export const withAggregate = (key: string, aggregate: Aggregate) => (aggregate === 'last' ? `metrics.${key}` : `metrics.${key}@${aggregate}`)

/** Sort rows by a value each may lack: those without one go last either way, as the server does. */
export function compareValues(a: number | string | undefined, b: number | string | undefined, ascending: boolean): number {
  if (a === undefined || (typeof a === 'number' && Number.isNaN(a))) return b === undefined || (typeof b === 'number' && Number.isNaN(b)) ? 0 : 1
  if (b === undefined || (typeof b === 'number' && Number.isNaN(b))) return -1
  const order = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))
  return ascending ? order : -order
}
