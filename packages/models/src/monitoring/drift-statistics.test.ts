// Known answers computed once with scipy 1.17 (ks_2samp, kstwo.sf, smirnov, gammaincc,
// wasserstein_distance, spatial.distance.jensenshannon, chisquare) on the same seeded samples, so
// the tests pin Orchard's numbers to scipy's without needing Python to run.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { categoricalStatistics, chiSquaredPvalue, numericStatistics, quantileSorted, binCounts, wassersteinDistance } from './drift-statistics.ts'
import { kolmogorovSurvival, ksPvalue, ksTwoSample } from './kolmogorov-smirnov.ts'
import { sortFloat64 } from './radix-sort.ts'
import { gammaQ, logGamma, smirnovSurvival } from './special-functions.ts'
import { categoricalSample, normalSample, seededRandom } from './synthetic.ts'

function close(actual: number, expected: number, relative: number, label: string): void {
  const error = expected === actual ? 0 : Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300)
  assert.ok(error <= relative, `${label}: got ${actual}, scipy says ${expected} (relative error ${error.toExponential(2)})`)
}

const rounded = (values: Float64Array, digits: number) => Float64Array.from(values, (v) => Math.round(v * 10 ** digits) / 10 ** digits)
const counts = (values: readonly string[]) => {
  const map = new Map<string, number>()
  for (const v of values) map.set(v, (map.get(v) ?? 0) + 1)
  return map
}

// The samples scipy saw: drawn in this order from seed 42.
const random = seededRandom(42)
const samples = {
  small: [rounded(normalSample(random, 40), 2), rounded(normalSample(random, 55, 0.4), 2)],
  equal: [rounded(normalSample(random, 300), 1), rounded(normalSample(random, 300, 0.1), 1)],
  medium: [rounded(normalSample(random, 4000), 3), rounded(normalSample(random, 2500, 0.05, 1.1), 3)],
  large: [normalSample(random, 30000), normalSample(random, 20000, 0.02)],
} as const
const categoryA = categoricalSample(random, 5000, ['a', 'b', 'c', 'd'], [5, 3, 1.5, 0.5])
const categoryB = categoricalSample(random, 800, ['a', 'b', 'c', 'e'], [5, 2.5, 2, 0.1])

// [wasserstein_normed, ks_statistic, ks_pvalue, psi] from scipy/numpy.
const SCIPY = {
  small: [0.6692439615510763, 0.2863636363636364, 0.03547873333972238, 0.7256998281073629], // exact, n₁ ≠ n₂
  equal: [0.18521043246051347, 0.07666666666666666, 0.34165950354815394, 0.10149904732296679], // exact, n₁ = n₂, ties
  medium: [0.09021404071717243, 0.0485, 0.0013876039527068455, 0.02580530544474941], // exact, larger
  large: [0.0133609632042241, 0.014333333333333309, 0.014304095475416926, 0.0014877323275079614], // asymptotic
} as const

describe('numeric drift statistics against scipy', () => {
  for (const [name, [reference, current]] of Object.entries(samples)) {
    it(`match scipy on the ${name} samples`, () => {
      const stats = numericStatistics(sortFloat64(reference.slice()), sortFloat64(current.slice()))
      const [wasserstein, ks, p, psi] = SCIPY[name as keyof typeof SCIPY]
      close(stats.wasserstein_normed, wasserstein, 1e-9, 'wasserstein_normed')
      close(stats.ks_statistic, ks, 1e-12, 'ks_statistic')
      close(stats.ks_pvalue, p, 1e-8, 'ks_pvalue')
      close(stats.psi, psi, 1e-9, 'psi')
    })
  }

  it('are zero (p = 1) for identical samples and symmetric in the KS statistic', () => {
    const a = sortFloat64(normalSample(seededRandom(1), 2000))
    const same = numericStatistics(a, a.slice())
    assert.deepEqual([same.wasserstein_normed, same.ks_statistic, same.ks_pvalue], [0, 0, 1])
    assert.ok(Math.abs(same.psi) < 1e-12)
    const b = sortFloat64(normalSample(seededRandom(2), 1500, 1))
    assert.equal(ksTwoSample(a, b).statistic, ksTwoSample(b, a).statistic)
    // A one-sd mean shift moves the normed Wasserstein distance by about one.
    close(numericStatistics(a, b).wasserstein_normed, 1, 0.1, 'one-sd shift')
  })

  it('floor the normalising standard deviation at 0.001 for a constant reference', () => {
    const stats = numericStatistics(new Float64Array([5, 5, 5, 5]), new Float64Array([5, 5, 6, 6]))
    close(stats.wasserstein_normed, 0.5 / 0.001, 1e-12, 'wasserstein over the floor')
  })

  it('cut PSI bins at linearly interpolated deciles with edge values in the upper bin', () => {
    const reference = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    assert.equal(quantileSorted(reference, 0.1), 2)
    assert.equal(quantileSorted(reference, 0.25), 3.5)
    assert.deepEqual(binCounts(new Float64Array([1, 2, 2, 2.5, 3, 11]), [2, 3, 4]), [1, 3, 1, 1])
  })

  it('compute the Wasserstein distance as the area between the CDFs', () => {
    assert.equal(wassersteinDistance([0, 1, 3], [5, 6, 8]), 5)
    close(wassersteinDistance([0, 1], [0, 0, 2]), 0.5, 1e-12, 'mixed') // scipy: 0.5
  })
})

describe('categorical drift statistics against scipy', () => {
  it('match scipy for Jensen–Shannon distance and PSI over the union of categories', () => {
    const stats = categoricalStatistics(counts(categoryA), counts(categoryB))
    close(stats.jensenshannon, 0.16181323609042714, 1e-12, 'jensenshannon')
    close(stats.psi, 0.4155804146559407, 1e-12, 'psi')
  })

  it('give Evidently’s chi-squared p-value, and 0 for a category the reference never saw', () => {
    const withoutNew = categoryB.filter((c) => c !== 'e')
    assert.equal(withoutNew.length, 787)
    close(chiSquaredPvalue(counts(categoryA), counts(withoutNew)), 2.6812550803628627e-14, 1e-8, 'chi-squared p')
    assert.equal(chiSquaredPvalue(counts(categoryA), counts(categoryB)), 0)
    assert.equal(chiSquaredPvalue(counts(['a', 'b']), counts(['a', 'b'])), 1)
  })

  it('are zero for identical frequencies and ln 2 squared-rooted for disjoint ones', () => {
    assert.equal(categoricalStatistics(counts(['a', 'b']), counts(['b', 'a', 'a', 'b'])).jensenshannon, 0)
    close(categoricalStatistics(counts(['a']), counts(['b'])).jensenshannon, Math.sqrt(Math.LN2), 1e-12, 'disjoint')
  })
})

describe('the Kolmogorov distribution and special functions against scipy', () => {
  it('gives the exact two-sample p-value (lattice paths) as scipy for n ≤ 10,000', () => {
    // [n₁, n₂, d, scipy's p]
    const cases = [
      [100, 37, 0.2, 0.19568360368737245],
      [1000, 999, 0.05, 0.15592065000426333],
      [3000, 2000, 0.1, 6.950967065440557e-11],
      [10000, 8000, 0.02, 0.05638707786318439],
      [10000, 8000, 0.2, 6.112805236539263e-156],
      [7, 1000, 0.4, 0.16256989845107114],
      [997, 10000, 0.05, 0.020704841785756885],
      [5000, 5000, 0.02, 0.27001861264689325],
      [50, 50, 0.2, 0.2719135601522248],
    ] as const
    for (const [n1, n2, d, p] of cases) close(ksPvalue(n1, n2, d).pvalue, p, 1e-9, `n=${n1},${n2} d=${d}`)
  })

  it('gives kstwo.sf over every algorithm scipy switches between', () => {
    const cases = [
      [10, 0.2, 0.7487190399999999], // Durbin matrix (scipy: Pomeranz), small n
      [10, 0.7, 1.9544800000000034e-5], // x ≥ 0.5: 2·smirnov
      [150, 0.05, 0.8290828416799794], // Durbin matrix, n > 140
      [50000, 0.003, 0.7579000443487147], // Pelz–Good
      [50000, 0.01, 9.018048811843602e-5], // 2·smirnov, exact sum
      [500000, 0.003, 0.00024632301239186754], // 2·smirnov, large n
      [500000, 0.01, 7.374635645083527e-44],
      [2000000, 0.003, 4.629776712470284e-16], // smirnov beyond a million terms: cephes' approximation
    ] as const
    for (const [n, x, p] of cases) close(kolmogorovSurvival(n, x), p, 1e-6, `kstwo.sf(${x}, ${n})`)
  })

  it('gives smirnov, gammaincc and gammaln as scipy.special does', () => {
    close(smirnovSurvival(100, 0.05), 0.5871453380805337, 1e-12, 'smirnov(100, 0.05)')
    close(smirnovSurvival(100000, 0.01), 2.046639011774627e-9, 1e-8, 'smirnov(1e5, 0.01)')
    close(gammaQ(2.5, 3), 0.30621891841327875, 1e-12, 'gammaincc(2.5, 3)')
    close(gammaQ(6500, 6400), 0.8929971523909739, 1e-9, 'gammaincc(6500, 6400)')
    close(logGamma(100.5), 361.43554046777757, 1e-13, 'gammaln(100.5)')
  })
})

describe('sortFloat64', () => {
  it('sorts as Float64Array#sort does, with negatives, zeros, infinities and ties', () => {
    const random = seededRandom(7)
    const values = new Float64Array(5000).map((_, i) => (i % 5 === 0 ? Math.round(random() * 10) - 5 : (random() - 0.5) * 10 ** Math.floor(random() * 12 - 6)))
    values[1] = -0
    values[2] = Infinity
    values[3] = -Infinity
    assert.deepEqual(Array.from(sortFloat64(values.slice())), Array.from(values.slice().sort()))
  })
})
