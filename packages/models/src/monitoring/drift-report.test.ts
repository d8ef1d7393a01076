// Drift verdicts on synthetic data whose answer is known by construction: same distribution → no
// drift under `auto`, shifted means or categories → drift; Evidently's rules picked by reference size
// and distinct values; per-column overrides; the JSON shape issue #13 gives.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ColumnTable } from '../table.ts'
import { AUTO, driftReport, evidentlyTest, jensenShannonCriticalValue, ksCriticalValue, prepareNumeric, topCategories } from './drift-report.ts'
import { categoricalSample, normalSample, seededRandom } from './synthetic.ts'

const table = (columns: Record<string, ArrayLike<unknown>>): ColumnTable => {
  const names = Object.keys(columns)
  return { names, columns: names.map((n) => Array.from(columns[n]!)), rowCount: columns[names[0]!]!.length }
}
const zipf = (k: number) => Array.from({ length: k }, (_, i) => 1 / (i + 1))
const names = (k: number) => Array.from({ length: k }, (_, i) => `c${i}`)
/** Lognormal body with a few enormous values, like taxi trip distances. */
const heavyTailed = (random: () => number, n: number, shift = 0) => {
  const out = normalSample(random, n).map((z) => Math.exp(0.8 * z + shift))
  for (let i = 0; i < n; i += 500) out[i] = 50_000 + random() * 100_000
  return out
}

describe('drift report, auto method', () => {
  const random = seededRandom(11)
  const n = 40_000
  const reference = table({
    x: normalSample(random, n),
    distance: heavyTailed(random, n),
    city: categoricalSample(random, n, names(5000), zipf(5000)),
    flag: categoricalSample(random, n, ['Y', 'N'], [1, 9]),
  })
  const same = table({
    x: normalSample(random, n),
    distance: heavyTailed(random, n),
    city: categoricalSample(random, n, names(5000), zipf(5000)),
    flag: categoricalSample(random, n, ['Y', 'N'], [1, 9]),
  })
  const shifted = table({
    x: normalSample(random, n, 0.5),
    distance: heavyTailed(random, n, 0.3),
    city: categoricalSample(random, n, names(5000), zipf(5000).map((w, i) => (i === 1 ? w * 3 : w))),
    flag: categoricalSample(random, n, ['Y', 'N'], [3, 7]),
  })

  it('raises no alarm on a same-distribution sample, where Evidently’s defaults flag the high-cardinality column', () => {
    const auto = driftReport(reference, same)
    assert.deepEqual(auto.columns.map((c) => [c.name, c.drift]), [['x', false], ['distance', false], ['city', false], ['flag', false]])
    assert.equal(auto.share_drifted, 0)
    assert.equal(auto.dataset_drift, false)
    const evidently = driftReport(reference, same, { method: 'evidently' })
    const city = evidently.columns.find((c) => c.name === 'city')!
    assert.equal(city.method, 'jensenshannon')
    assert.ok(city.value > 0.1, `Evidently's JS distance on 5,000 categories is sampling noise above 0.1: ${city.value}`)
    assert.equal(city.drift, true)
  })

  it('catches each shifted column, including a heavy-tailed one whose normed Wasserstein distance stays small', () => {
    const auto = driftReport(reference, shifted)
    assert.deepEqual(auto.columns.map((c) => [c.name, c.method, c.drift]), [
      ['x', 'auto_ks', true],
      ['distance', 'auto_ks', true],
      ['city', 'auto_jensenshannon_top_k', true],
      ['flag', 'auto_jensenshannon_top_k', true],
    ])
    assert.equal(auto.dataset_drift, true)
    const evidently = driftReport(reference, shifted, { method: 'evidently' })
    const distance = evidently.columns.find((c) => c.name === 'distance')!
    assert.equal(distance.method, 'wasserstein')
    assert.equal(distance.drift, false, `the outliers inflate the reference's sd: normed distance ${distance.value}`)
    assert.ok(distance.statistics.ks_statistic! > 0.1)
  })

  it('writes the JSON shape of issue #13, every statistic under its key', () => {
    const report = JSON.parse(JSON.stringify(driftReport(reference, shifted)))
    assert.deepEqual(Object.keys(report).slice(0, 3), ['columns', 'share_drifted', 'dataset_drift'])
    for (const column of report.columns) assert.deepEqual(Object.keys(column), ['name', 'type', 'method', 'value', 'threshold', 'drift', 'statistics'])
    assert.deepEqual(Object.keys(report.columns[0].statistics), ['wasserstein_normed', 'ks_statistic', 'ks_pvalue', 'psi'])
    assert.deepEqual(Object.keys(report.columns[2].statistics), ['jensenshannon', 'psi', 'jensenshannon_top_k'])
  })

  it('raises the threshold above the effect size where small samples are noisy', () => {
    const small = driftReport(table({ x: normalSample(seededRandom(3), 60) }), table({ x: normalSample(seededRandom(4), 60) }))
    assert.ok(small.columns[0]!.threshold > AUTO.effectSize)
    // Smirnov's asymptotic critical value at 1 % for 60 and 60: 1.628·√(2/60).
    assert.ok(Math.abs(small.columns[0]!.threshold - 1.6276 * Math.sqrt(2 / 60)) < 1e-3)
    assert.ok(Math.abs(ksCriticalValue(100, 100, 0.05) - 0.19206) < 1e-4)
    // √(χ²₀.₉₉(20)·(1/n+1/m)/8) with χ²₀.₉₉(20) = 37.566 (scipy).
    assert.ok(Math.abs(jensenShannonCriticalValue(21, 1000, 500, 0.01) - Math.sqrt((37.56623478662507 * (1 / 1000 + 1 / 500)) / 8)) < 1e-9)
  })

  it('keeps the reference’s frequent categories and pools the rest, new ones included, as other', () => {
    const reference = new Map([['a', 500], ['b', 300], ['c', 150], ['d', 40], ['e', 10]])
    const current = new Map([['a', 100], ['b', 50], ['z', 30], ['e', 2]])
    const collapsed = topCategories(reference, current, 3, 5)
    assert.deepEqual(collapsed.kept, ['a', 'b', 'c'])
    assert.deepEqual(collapsed.reference, [500, 300, 150, 50])
    assert.deepEqual(collapsed.current, [100, 50, 0, 32])
  })
})

describe('drift report, Evidently’s defaults', () => {
  it('picks KS, chi-squared and z for a reference of 1,000 rows or fewer, Wasserstein and JS above', () => {
    const random = seededRandom(5)
    const numeric = (n: number) => ({ type: 'numeric' as const, sorted: prepareNumeric(normalSample(random, n)) })
    const fewValues = { type: 'numeric' as const, sorted: prepareNumeric([1, 2, 3, 4, 5, 1, 2]) }
    const binary = { type: 'numeric' as const, sorted: prepareNumeric([0, 1, 1, 0]) }
    const categories = (k: number, n: number) => ({ type: 'categorical' as const, counts: new Map(names(k).map((c) => [c, n / k])), size: n })
    assert.equal(evidentlyTest('numeric', numeric(1000)), 'ks')
    assert.equal(evidentlyTest('numeric', numeric(1001)), 'wasserstein')
    assert.equal(evidentlyTest('numeric', fewValues), 'chisquare')
    assert.equal(evidentlyTest('numeric', binary), 'z')
    assert.equal(evidentlyTest('categorical', categories(3, 900)), 'chisquare')
    assert.equal(evidentlyTest('categorical', categories(2, 900)), 'z')
    assert.equal(evidentlyTest('categorical', categories(30, 3000)), 'jensenshannon')
  })

  it('applies p < 0.05 to tests and ≥ 0.1 to distances, and calls dataset drift at a share of 0.5', () => {
    const random = seededRandom(8)
    const reference = table({ a: normalSample(random, 500), b: normalSample(random, 500), c: categoricalSample(random, 500, ['x', 'y', 'z'], [1, 1, 1]), d: categoricalSample(random, 500, ['x', 'y', 'z'], [1, 1, 1]) })
    const current = table({ a: normalSample(random, 400, 1), b: normalSample(random, 400), c: categoricalSample(random, 400, ['x', 'y', 'z'], [3, 1, 1]), d: categoricalSample(random, 400, ['x', 'y', 'z'], [1, 1, 1]) })
    const report = driftReport(reference, current, { method: 'evidently' })
    assert.deepEqual(report.columns.map((c) => [c.name, c.method, c.threshold, c.drift]), [
      ['a', 'ks', 0.05, true],
      ['b', 'ks', 0.05, false],
      ['c', 'chisquare', 0.05, true],
      ['d', 'chisquare', 0.05, false],
    ])
    assert.equal(report.columns[0]!.value, report.columns[0]!.statistics.ks_pvalue)
    assert.equal(report.share_drifted, 0.5)
    assert.equal(report.dataset_drift, true)
    assert.equal(driftReport(reference, current, { method: 'evidently', driftShare: 0.75 }).dataset_drift, false)
  })

  it('takes per-column tests and thresholds, and types named on the command line', () => {
    const random = seededRandom(9)
    const reference = table({ a: normalSample(random, 3000), code: Array.from({ length: 3000 }, (_, i) => i % 7) })
    const current = table({ a: normalSample(random, 3000, 0.3), code: Array.from({ length: 3000 }, (_, i) => (i % 5 === 0 ? 0 : i % 7)) })
    const report = driftReport(reference, current, { categorical: ['code'], overrides: { a: { test: 'psi', threshold: 0.5 } } })
    assert.deepEqual(report.columns.map((c) => [c.name, c.type, c.method, c.threshold]), [
      ['a', 'numeric', 'psi', 0.5],
      ['code', 'categorical', 'auto_jensenshannon_top_k', AUTO.effectSize],
    ])
    assert.equal(report.columns[0]!.value, report.columns[0]!.statistics.psi)
    assert.equal(report.columns[0]!.drift, report.columns[0]!.value >= 0.5)
  })
})

describe('drift report, inputs it refuses or skips', () => {
  const reference = table({ a: [1, 2, 3], s: ['x', 'y', 'x'], when: [new Date(0), new Date(1), new Date(2)], empty: [null, null, null] })
  const current = table({ a: [2, 3, 4], s: ['x', 'x', 'y'], when: [new Date(3), new Date(4), new Date(5)], empty: [null, 1, null] })

  it('skips datetime and empty columns it was not asked for, saying why', () => {
    const report = driftReport(reference, current)
    assert.deepEqual(report.columns.map((c) => c.name), ['a', 's'])
    assert.deepEqual(report.skipped.map((s) => s.name), ['when', 'empty'])
    assert.match(report.skipped[0]!.reason, /datetime/)
  })

  it('compares a datetime named numeric as epoch milliseconds', () => {
    assert.equal(driftReport(reference, current, { numeric: ['when'], columns: ['when'] }).columns[0]!.statistics.ks_statistic, 1)
  })

  it('rejects unknown columns, conflicting types, numeric-only tests on categories and a bad drift share', () => {
    assert.throws(() => driftReport(reference, current, { numeric: ['nope'] }), { code: 'INVALID_PARAMETER_VALUE', message: /reference data has no column 'nope'/ })
    assert.throws(() => driftReport(reference, table({ b: [1] })), { message: /no column in common/ })
    assert.throws(() => driftReport(reference, current, { numeric: ['a'], categorical: ['a'] }), { message: /both numeric and categorical/ })
    assert.throws(() => driftReport(reference, current, { overrides: { s: { test: 'ks' } } }), { message: /categorical; the 'ks' test needs numbers/ })
    assert.throws(() => driftReport(reference, current, { driftShare: 0 }), { message: /drift share must be in/ })
    assert.throws(() => driftReport(reference, current, { columns: ['empty'] }), { message: /Column 'empty' cannot be compared: no values in the reference/ })
  })
})
