// The per-column drift statistics every report carries, defined as issue #13 states them, which is
// how scipy and Evidently compute them: for numbers the normed Wasserstein distance, the two-sample
// Kolmogorov–Smirnov statistic and p-value and a decile PSI; for categories the Jensen–Shannon
// distance, PSI and (for Evidently's small-sample rule) the chi-squared p-value.
import { ksPvalue } from './kolmogorov-smirnov.ts'
import { chiSquaredSurvival } from './special-functions.ts'

/** The share an empty bin or category counts as in PSI, so that its logarithm stays finite. */
export const EMPTY_SHARE = 0.0001
/** Evidently's floor on the reference's standard deviation when norming the Wasserstein distance. */
export const MIN_NORM = 0.001

export interface NumericStatistics {
  readonly wasserstein_normed: number
  readonly ks_statistic: number
  readonly ks_pvalue: number
  readonly psi: number
}

export interface CategoricalStatistics {
  readonly jensenshannon: number
  readonly psi: number
}

/** Statistics of two numeric samples; both must be sorted ascending and free of NaN. */
export function numericStatistics(reference: Float64Array, current: Float64Array): NumericStatistics {
  const merged = mergeStatistics(reference, current)
  const ks = ksPvalue(reference.length, current.length, merged.ks)
  return {
    wasserstein_normed: merged.wasserstein / Math.max(standardDeviation(reference), MIN_NORM),
    ks_statistic: ks.statistic,
    ks_pvalue: ks.pvalue,
    psi: numericPsi(reference, current),
  }
}

/** The KS statistic and the Wasserstein distance in one merge of the two ascending samples. */
function mergeStatistics(a: Float64Array, b: Float64Array): { ks: number; wasserstein: number } {
  const n = a.length
  const m = b.length
  let i = 0
  let j = 0
  let ks = 0
  let wasserstein = 0
  let previous = Math.min(a[0]!, b[0]!)
  while (i < n || j < m) {
    const x = j >= m || (i < n && a[i]! <= b[j]!) ? a[i]! : b[j]!
    const gap = Math.abs(i / n - j / m)
    wasserstein += gap * (x - previous)
    if (gap > ks) ks = gap
    previous = x
    while (i < n && a[i] === x) i++
    while (j < m && b[j] === x) j++
  }
  // The gap after the last step is 0; the largest gap is always seen before a step.
  return { ks, wasserstein }
}

/** Population standard deviation (ddof 0), two-pass for accuracy. */
export function standardDeviation(values: ArrayLike<number>): number {
  const n = values.length
  if (n === 0) return 0
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i]!
  const mean = sum / n
  let squares = 0
  let error = 0
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean
    squares += d * d
    error += d
  }
  // The corrected two-pass formula: subtracts the rounding left in the mean.
  return Math.sqrt(Math.max(0, (squares - (error * error) / n) / n))
}

/**
 * The first Wasserstein distance ∫|F_a − F_b| between the empirical distributions of two ascending
 * samples (scipy.stats.wasserstein_distance without weights): a merge over both, summing the gap
 * between the CDFs times the width of each step.
 */
export function wassersteinDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length
  const m = b.length
  let i = 0
  let j = 0
  let distance = 0
  let previous = Math.min(a[0]!, b[0]!)
  while (i < n || j < m) {
    const x = j >= m || (i < n && a[i]! <= b[j]!) ? a[i]! : b[j]!
    distance += Math.abs(i / n - j / m) * (x - previous)
    previous = x
    while (i < n && a[i] === x) i++
    while (j < m && b[j] === x) j++
  }
  return distance
}

/** numpy.percentile's default ('linear') of an ascending sample, q in [0, 1]. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1)
  const below = Math.floor(position)
  const above = Math.min(below + 1, sorted.length - 1)
  const lower = sorted[below]!
  return lower + (sorted[above]! - lower) * (position - below)
}

/** How many of the ascending `sorted` are strictly below `value`. */
export function countBelow(sorted: ArrayLike<number>, value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Counts of an ascending sample in the bins cut at ascending `edges`; a value on an edge goes up. */
export function binCounts(sorted: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts: number[] = []
  let previous = 0
  for (const edge of edges) {
    const below = countBelow(sorted, edge)
    counts.push(below - previous)
    previous = below
  }
  counts.push(sorted.length - previous)
  return counts
}

/** PSI = Σ (cᵢ − rᵢ) ln(cᵢ/rᵢ) over shares, an empty share counting as EMPTY_SHARE. */
export function psiFromCounts(reference: readonly number[], current: readonly number[]): number {
  const referenceTotal = reference.reduce((s, c) => s + c, 0)
  const currentTotal = current.reduce((s, c) => s + c, 0)
  let psi = 0
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]! / referenceTotal || EMPTY_SHARE
    const c = current[i]! / currentTotal || EMPTY_SHARE
    psi += (c - r) * Math.log(c / r)
  }
  return psi
}

/** The nine interior reference deciles, the edges of the numeric PSI's ten bins. */
export function decileEdges(reference: ArrayLike<number>): number[] {
  return Array.from({ length: 9 }, (_, i) => quantileSorted(reference, (i + 1) / 10))
}

/** PSI over ten bins cut at the reference's deciles. */
export function numericPsi(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const edges = decileEdges(reference)
  return psiFromCounts(binCounts(reference, edges), binCounts(current, edges))
}

/** Category → count. */
export type CategoryCounts = ReadonlyMap<string, number>

function total(counts: CategoryCounts): number {
  let sum = 0
  for (const count of counts.values()) sum += count
  return sum
}

/** The union of both sides' categories, reference's first, and both count vectors over it. */
export function alignCounts(reference: CategoryCounts, current: CategoryCounts): { categories: string[]; reference: number[]; current: number[] } {
  const categories = [...reference.keys()]
  for (const key of current.keys()) if (!reference.has(key)) categories.push(key)
  return { categories, reference: categories.map((c) => reference.get(c) ?? 0), current: categories.map((c) => current.get(c) ?? 0) }
}

/** Jensen–Shannon distance (natural log) between two count vectors' relative frequencies. */
export function jensenShannonDistance(reference: readonly number[], current: readonly number[]): number {
  const referenceTotal = reference.reduce((s, c) => s + c, 0)
  const currentTotal = current.reduce((s, c) => s + c, 0)
  let divergence = 0
  for (let i = 0; i < reference.length; i++) {
    const p = reference[i]! / referenceTotal
    const q = current[i]! / currentTotal
    const m = (p + q) / 2
    if (p > 0) divergence += p * Math.log(p / m)
    if (q > 0) divergence += q * Math.log(q / m)
  }
  return Math.sqrt(Math.max(0, divergence / 2))
}

export function categoricalStatistics(reference: CategoryCounts, current: CategoryCounts): CategoricalStatistics {
  const aligned = alignCounts(reference, current)
  return { jensenshannon: jensenShannonDistance(aligned.reference, aligned.current), psi: psiFromCounts(aligned.reference, aligned.current) }
}

/**
 * Evidently's chi-squared test: the current counts against the reference's scaled to the current
 * total, over the union of categories (scipy.stats.chisquare, k − 1 degrees of freedom). A category
 * the reference never saw makes the statistic infinite and the p-value 0.
 */
export function chiSquaredPvalue(reference: CategoryCounts, current: CategoryCounts): number {
  const aligned = alignCounts(reference, current)
  const scale = total(current) / total(reference)
  let statistic = 0
  for (let i = 0; i < aligned.categories.length; i++) {
    const expected = aligned.reference[i]! * scale
    const difference = aligned.current[i]! - expected
    statistic += expected === 0 ? Infinity : (difference * difference) / expected
  }
  const df = aligned.categories.length - 1
  if (df < 1) return 1
  return chiSquaredSurvival(statistic, df)
}
