// A drift report: for each column the statistics issue #13 defines, and a verdict by the chosen
// method. `evidently` reproduces Evidently's default per-column tests and thresholds; `auto` is
// Orchard's default, built to stay quiet on same-distribution samples (where Evidently's distances
// alarm on high-cardinality categories) and to see shifts a heavy tail hides from the normed
// Wasserstein distance. docs/monitoring.md explains the design and its measured false-alarm rate.
import { invalidParameter } from '@orchard/protocol/base'
import type { ColumnTable } from '../table.ts'
import type { CategoryCounts, CategoricalStatistics, NumericStatistics } from './drift-statistics.ts'
import { alignCounts, categoricalStatistics, chiSquaredPvalue, jensenShannonDistance, numericStatistics } from './drift-statistics.ts'
import { sortFloat64 } from './radix-sort.ts'
import { chiSquaredQuantile, normalTwoSidedPvalue } from './special-functions.ts'

export type ColumnType = 'numeric' | 'categorical'
/** The dataset-wide choice of verdict. */
export type DriftMethod = 'auto' | 'evidently'
/**
 * A per-column test, named as Evidently names its stattests where one exists. p-value tests
 * (`ks`, `chisquare`, `z`) flag drift below the threshold; distances flag it at or above.
 */
export type ColumnTest = 'auto' | 'wasserstein' | 'ks' | 'psi' | 'jensenshannon' | 'chisquare' | 'z'
export const COLUMN_TESTS: readonly ColumnTest[] = ['auto', 'wasserstein', 'ks', 'psi', 'jensenshannon', 'chisquare', 'z']
const P_VALUE_TESTS = new Set<ColumnTest>(['ks', 'chisquare', 'z'])
const NUMERIC_ONLY = new Set<ColumnTest>(['wasserstein', 'ks'])

/** Evidently's defaults: the reference size that switches tests, the thresholds, the dataset rule. */
export const EVIDENTLY = { largeReference: 1000, distance: 0.1, pvalue: 0.05, categoricalUnique: 5, binaryUnique: 2, driftShare: 0.5 } as const
/**
 * Orchard's `auto` method. A column drifts when its effect size reaches EFFECT_SIZE *and* exceeds
 * what sampling alone produces at FAMILY_ALPHA over the whole report (Bonferroni over columns).
 */
export const AUTO = { effectSize: 0.1, familyAlpha: 0.01, topCategories: 20, minExpectedCount: 5 } as const
/** The bucket that the categories outside the top ones (and categories new in the current data) share. */
export const OTHER_CATEGORY = '__other__'

export interface ColumnOverride {
  readonly type?: ColumnType
  readonly test?: ColumnTest
  readonly threshold?: number
}

export interface DriftOptions {
  readonly method?: DriftMethod
  /** Only these columns (default: every column both tables have, datetime and nested ones skipped). */
  readonly columns?: readonly string[]
  readonly numeric?: readonly string[]
  readonly categorical?: readonly string[]
  readonly overrides?: Readonly<Record<string, ColumnOverride>>
  /** Dataset drift when at least this share of columns drift (Evidently's drift_share, 0.5). */
  readonly driftShare?: number
}

/** One column of the report, in the JSON shape issue #13 gives (snake_case: it is an output format). */
export interface DriftColumn {
  readonly name: string
  readonly type: ColumnType
  readonly method: string
  readonly value: number
  readonly threshold: number
  readonly drift: boolean
  readonly statistics: NumericStatistics | (CategoricalStatistics & Record<string, number>) | Record<string, number>
}

export interface DriftReport {
  readonly columns: DriftColumn[]
  readonly share_drifted: number
  readonly dataset_drift: boolean
  /** Columns left out, with the reason (no values, a datetime, nested values). */
  readonly skipped: { readonly name: string; readonly reason: string }[]
  readonly reference_rows: number
  readonly current_rows: number
}

/** A column's values ready for the statistics: numbers sorted, or category counts. */
export type PreparedColumn =
  | { readonly type: 'numeric'; readonly sorted: Float64Array }
  | { readonly type: 'categorical'; readonly counts: CategoryCounts; readonly size: number }

type Kind = ColumnType | { skip: string }

function kindOf(values: readonly unknown[]): Kind {
  let numbers = 0
  let others = 0
  for (const value of values) {
    if (value === null || value === undefined) continue
    if (typeof value === 'number' || typeof value === 'bigint') numbers++
    else if (typeof value === 'string' || typeof value === 'boolean') others++
    else if (value instanceof Date) return { skip: 'a datetime column (name it in --numeric to compare it as epoch milliseconds)' }
    else return { skip: 'nested values (lists or objects)' }
  }
  if (numbers === 0 && others === 0) return { skip: 'no values in the reference' }
  return others === 0 ? 'numeric' : 'categorical'
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  if (value instanceof Date) return value.getTime()
  if (typeof value === 'string' && value.trim() !== '') return Number(value)
  if (typeof value === 'boolean') return value ? 1 : 0
  return Number.NaN
}

/** Numbers without nulls and NaN, sorted. */
export function prepareNumeric(values: readonly unknown[] | Float64Array): Float64Array {
  const out = new Float64Array(values.length)
  let n = 0
  if (values instanceof Float64Array) {
    for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[n++] = values[i]!
  } else {
    for (let i = 0; i < values.length; i++) {
      const x = toNumber(values[i])
      if (!Number.isNaN(x)) out[n++] = x
    }
  }
  return sortFloat64(n === out.length ? out : out.slice(0, n))
}

/** Counts of each category's text form, nulls left out. One hash lookup per value. */
export function prepareCategorical(values: readonly unknown[]): { counts: Map<string, number>; size: number } {
  const index = new Map<string, number>()
  let tally = new Float64Array(64)
  let size = 0
  for (const value of values) {
    if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) continue
    const key = typeof value === 'string' ? value : String(value)
    let slot = index.get(key)
    if (slot === undefined) {
      slot = index.size
      index.set(key, slot)
      if (slot === tally.length) {
        const grown = new Float64Array(tally.length * 2)
        grown.set(tally)
        tally = grown
      }
    }
    tally[slot]!++
    size++
  }
  const counts = new Map<string, number>()
  for (const [key, slot] of index) counts.set(key, tally[slot]!)
  return { counts, size }
}

/** Category counts of a sorted numeric sample (each distinct value a category). */
function countsOfSorted(sorted: Float64Array): Map<string, number> {
  const counts = new Map<string, number>()
  for (let i = 0; i < sorted.length; ) {
    let j = i
    while (j < sorted.length && sorted[j] === sorted[i]) j++
    counts.set(String(sorted[i]), j - i)
    i = j
  }
  return counts
}

function distinctSorted(sorted: Float64Array, stopAfter: number): number {
  let distinct = 0
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) if (++distinct > stopAfter) break
  return distinct
}

interface Verdict {
  readonly method: string
  readonly value: number
  readonly threshold: number
  readonly drift: boolean
}

const sizeOf = (column: PreparedColumn) => (column.type === 'numeric' ? column.sorted.length : column.size)

/** The two-sample KS statistic's critical value at level alpha (Smirnov's asymptotic formula). */
export function ksCriticalValue(n: number, m: number, alpha: number): number {
  return Math.sqrt((-Math.log(alpha / 2) / 2) * ((n + m) / (n * m)))
}

/**
 * The Jensen–Shannon distance that two samples of one distribution over k categories exceed with
 * probability alpha: JSD ≈ χ²₍ₖ₋₁₎·(1/n + 1/m)/8 for close distributions (second-order expansion).
 */
export function jensenShannonCriticalValue(categories: number, n: number, m: number, alpha: number): number {
  if (categories < 2) return 0
  return Math.sqrt((chiSquaredQuantile(1 - alpha, categories - 1) * (1 / n + 1 / m)) / 8)
}

/**
 * Collapses categories to the reference's most frequent ones (at most `top`, each expected at least
 * `minExpected` times in the smaller sample) plus one OTHER bucket for the rest and for categories
 * the reference never saw.
 */
export function topCategories(reference: CategoryCounts, current: CategoryCounts, top: number, minExpected: number): { reference: number[]; current: number[]; kept: string[] } {
  const referenceTotal = [...reference.values()].reduce((s, c) => s + c, 0)
  const currentTotal = [...current.values()].reduce((s, c) => s + c, 0)
  const smaller = Math.min(referenceTotal, currentTotal)
  const kept = [...reference.entries()]
    .filter(([, count]) => (count / referenceTotal) * smaller >= minExpected)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, top)
    .map(([name]) => name)
  const referenceCounts = kept.map((k) => reference.get(k)!)
  const currentCounts = kept.map((k) => current.get(k) ?? 0)
  let referenceOther = referenceTotal
  let currentOther = currentTotal
  for (const c of referenceCounts) referenceOther -= c
  for (const c of currentCounts) currentOther -= c
  if (referenceOther > 0 || currentOther > 0) {
    referenceCounts.push(referenceOther)
    currentCounts.push(currentOther)
  }
  return { reference: referenceCounts, current: currentCounts, kept }
}

function autoVerdict(type: ColumnType, reference: PreparedColumn, current: PreparedColumn, stats: Record<string, number>, alpha: number, threshold: number | undefined): Verdict {
  const n = sizeOf(reference)
  const m = sizeOf(current)
  if (type === 'numeric') {
    const limit = threshold ?? Math.max(AUTO.effectSize, ksCriticalValue(n, m, alpha))
    return { method: 'auto_ks', value: stats.ks_statistic!, threshold: limit, drift: stats.ks_statistic! >= limit }
  }
  const r = reference as Extract<PreparedColumn, { type: 'categorical' }>
  const c = current as Extract<PreparedColumn, { type: 'categorical' }>
  const collapsed = topCategories(r.counts, c.counts, AUTO.topCategories, AUTO.minExpectedCount)
  const value = jensenShannonDistance(collapsed.reference, collapsed.current)
  const occupied = collapsed.reference.filter((x) => x > 0).length
  const limit = threshold ?? Math.max(AUTO.effectSize, jensenShannonCriticalValue(occupied, n, m, alpha))
  stats.jensenshannon_top_k = value
  return { method: 'auto_jensenshannon_top_k', value, threshold: limit, drift: value >= limit }
}

function asCategorical(column: PreparedColumn): Extract<PreparedColumn, { type: 'categorical' }> {
  return column.type === 'categorical' ? column : { type: 'categorical', counts: countsOfSorted(column.sorted), size: column.sorted.length }
}

/** z-test for two proportions with a pooled variance, Evidently's test for binary columns. */
function zTestPvalue(reference: CategoryCounts, current: CategoryCounts): number {
  const aligned = alignCounts(reference, current)
  if (aligned.categories.length < 2) return 1
  const n1 = aligned.reference.reduce((s, x) => s + x, 0)
  const n2 = aligned.current.reduce((s, x) => s + x, 0)
  const p1 = aligned.reference[0]! / n1
  const p2 = aligned.current[0]! / n2
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
  return normalTwoSidedPvalue(z)
}

function testVerdict(test: Exclude<ColumnTest, 'auto'>, reference: PreparedColumn, current: PreparedColumn, stats: Record<string, number>, threshold: number | undefined): Verdict {
  let value: number
  switch (test) {
    case 'wasserstein':
      value = stats.wasserstein_normed!
      break
    case 'ks':
      value = stats.ks_pvalue!
      break
    case 'psi':
      value = stats.psi!
      break
    case 'jensenshannon':
      value = stats.jensenshannon ?? categoricalStatistics(asCategorical(reference).counts, asCategorical(current).counts).jensenshannon
      break
    case 'chisquare':
      value = chiSquaredPvalue(asCategorical(reference).counts, asCategorical(current).counts)
      break
    case 'z':
      value = zTestPvalue(asCategorical(reference).counts, asCategorical(current).counts)
      break
  }
  const isPvalue = P_VALUE_TESTS.has(test)
  const limit = threshold ?? (isPvalue ? EVIDENTLY.pvalue : EVIDENTLY.distance)
  return { method: test, value, threshold: limit, drift: isPvalue ? value < limit : value >= limit }
}

/** Evidently's default test for a column, from its type, the reference's size and distinct values. */
export function evidentlyTest(type: ColumnType, reference: PreparedColumn): Exclude<ColumnTest, 'auto'> {
  const distinct =
    reference.type === 'numeric' ? distinctSorted(reference.sorted, EVIDENTLY.categoricalUnique) : reference.counts.size
  const treatAsCategorical = type === 'categorical' || distinct <= EVIDENTLY.categoricalUnique
  if (sizeOf(reference) <= EVIDENTLY.largeReference) {
    if (!treatAsCategorical) return 'ks'
    return distinct <= EVIDENTLY.binaryUnique ? 'z' : 'chisquare'
  }
  return treatAsCategorical ? 'jensenshannon' : 'wasserstein'
}

/** The statistics and verdict for one prepared column. */
export function analyseColumn(
  name: string,
  reference: PreparedColumn,
  current: PreparedColumn,
  options: { method: DriftMethod; override?: ColumnOverride; alpha: number },
): DriftColumn {
  const type = reference.type
  const stats: Record<string, number> =
    reference.type === 'numeric' && current.type === 'numeric'
      ? { ...numericStatistics(reference.sorted, current.sorted) }
      : { ...categoricalStatistics(asCategorical(reference).counts, asCategorical(current).counts) }
  const test = options.override?.test ?? (options.method === 'auto' ? 'auto' : evidentlyTest(type, reference))
  if (type === 'categorical' && NUMERIC_ONLY.has(test)) throw invalidParameter(`Column '${name}' is categorical; the '${test}' test needs numbers (use jensenshannon, chisquare, z, psi or auto).`)
  const verdict =
    test === 'auto'
      ? autoVerdict(type, reference, current, stats, options.alpha, options.override?.threshold)
      : testVerdict(test, reference, current, stats, options.override?.threshold)
  return { name, type, ...verdict, statistics: stats }
}

/** The drift report of `current` against `reference`. */
export function driftReport(reference: ColumnTable, current: ColumnTable, options: DriftOptions = {}): DriftReport {
  const method = options.method ?? 'auto'
  const driftShare = options.driftShare ?? EVIDENTLY.driftShare
  if (!(driftShare > 0 && driftShare <= 1)) throw invalidParameter(`The drift share must be in (0, 1], got ${driftShare}.`)
  const numeric = new Set(options.numeric ?? [])
  const categorical = new Set(options.categorical ?? [])
  for (const name of numeric) if (categorical.has(name)) throw invalidParameter(`Column '${name}' is named both numeric and categorical.`)
  const overrides = options.overrides ?? {}
  for (const [name, override] of Object.entries(overrides)) {
    if (override.test !== undefined && !COLUMN_TESTS.includes(override.test)) throw invalidParameter(`Unknown test '${override.test}' for column '${name}'; use one of ${COLUMN_TESTS.join(', ')}.`)
    if (override.threshold !== undefined && !Number.isFinite(override.threshold)) throw invalidParameter(`The threshold for column '${name}' must be a finite number.`)
  }
  // Named columns must be comparable; by default every shared column is tried and odd ones skipped.
  const explicit = options.columns !== undefined && options.columns.length > 0
  const named = new Set([...numeric, ...categorical, ...Object.keys(overrides)])
  for (const name of named) {
    if (!reference.names.includes(name)) throw invalidParameter(`The reference data has no column '${name}'.`)
    if (!current.names.includes(name)) throw invalidParameter(`The current data has no column '${name}'.`)
  }
  const names = explicit ? [...new Set(options.columns)] : reference.names.filter((name) => current.names.includes(name))
  if (names.length === 0) throw invalidParameter('The reference and current data have no column in common.')
  const skipped: { name: string; reason: string }[] = []
  const prepared: { name: string; reference: PreparedColumn; current: PreparedColumn }[] = []
  for (const name of names) {
    const referenceValues = reference.columns[reference.names.indexOf(name)]
    const currentValues = current.columns[current.names.indexOf(name)]
    if (!referenceValues) throw invalidParameter(`The reference data has no column '${name}'.`)
    if (!currentValues) throw invalidParameter(`The current data has no column '${name}'.`)
    const override = overrides[name]
    const kind: Kind = override?.type ?? (numeric.has(name) ? 'numeric' : categorical.has(name) ? 'categorical' : kindOf(referenceValues))
    if (typeof kind === 'object') {
      if (explicit || named.has(name)) throw invalidParameter(`Column '${name}' cannot be compared: ${kind.skip}.`)
      skipped.push({ name, reason: kind.skip })
      continue
    }
    const pair =
      kind === 'numeric'
        ? { reference: { type: 'numeric' as const, sorted: prepareNumeric(referenceValues) }, current: { type: 'numeric' as const, sorted: prepareNumeric(currentValues) } }
        : { reference: { type: 'categorical' as const, ...prepareCategorical(referenceValues) }, current: { type: 'categorical' as const, ...prepareCategorical(currentValues) } }
    const empty = sizeOf(pair.reference) === 0 ? 'reference' : sizeOf(pair.current) === 0 ? 'current' : undefined
    if (empty) {
      const reason = kind === 'numeric' ? `no numbers in the ${empty} data` : `no values in the ${empty} data`
      if (explicit || named.has(name)) throw invalidParameter(`Column '${name}' cannot be compared: ${reason}.`)
      skipped.push({ name, reason })
      continue
    }
    prepared.push({ name, ...pair })
  }
  if (prepared.length === 0) throw invalidParameter(`No column could be compared: ${skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}.`)
  const alpha = AUTO.familyAlpha / prepared.length
  const columns = prepared.map((p) => analyseColumn(p.name, p.reference, p.current, { method, alpha, ...(overrides[p.name] ? { override: overrides[p.name] } : {}) }))
  const drifted = columns.filter((c) => c.drift).length
  const share = drifted / columns.length
  return { columns, share_drifted: share, dataset_drift: share >= driftShare, skipped, reference_rows: reference.rowCount, current_rows: current.rowCount }
}

