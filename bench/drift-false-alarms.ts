// The false-alarm rate of the drift verdicts, measured: many pairs of samples drawn from the *same*
// distribution, for each sample size and kind of column, and how often each method calls drift on a
// column and on the whole report (any column). Also the detection rate for a few real shifts.
// docs/monitoring.md quotes its output.
//   node --import tsx bench/drift-false-alarms.ts [--repeats 100]
import { parseArgs } from 'node:util'
import { categoricalSample, driftReport, normalSample, seededRandom } from '@orchard/models'
import type { ColumnTable } from '@orchard/models'

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '100' } } })
const repeats = Number(values.repeats)

type Generator = (random: () => number, n: number, shifted: boolean) => unknown[]
const zipf = (k: number) => Array.from({ length: k }, (_, i) => 1 / (i + 1))
const labels = (k: number) => Array.from({ length: k }, (_, i) => `c${i}`)
const COLUMNS: Record<string, Generator> = {
  normal: (r, n, s) => Array.from(normalSample(r, n, s ? 0.3 : 0)),
  heavy_tail: (r, n, s) => Array.from(normalSample(r, n, s ? 0.3 : 0), (z) => Math.exp(0.8 * z) * (r() < 0.002 ? 2e4 : 1)),
  counts: (r, n, s) => Array.from(normalSample(r, n, s ? 2.6 : 2, 1.2), (v) => Math.max(0, Math.round(v))),
  category_5: (r, n, s) => categoricalSample(r, n, labels(5), s ? [2, 3, 2, 2, 1.5] : [5, 3, 2, 1, 0.5]),
  category_2000: (r, n, s) => categoricalSample(r, n, labels(2000), zipf(2000).map((w, i) => (s && i < 3 ? w * 2 : w))),
}
const CATEGORICAL = ['category_5', 'category_2000']

function sample(seed: number, n: number, shifted: boolean): ColumnTable {
  const random = seededRandom(seed)
  const names = Object.keys(COLUMNS)
  return { names, columns: names.map((name) => COLUMNS[name]!(random, n, shifted)), rowCount: n }
}

for (const n of [200, 2000, 20000]) {
  for (const method of ['auto', 'evidently'] as const) {
    const falseAlarms: Record<string, number> = Object.fromEntries(Object.keys(COLUMNS).map((c) => [c, 0]))
    const detections: Record<string, number> = { ...falseAlarms }
    let anyFalse = 0
    for (let rep = 0; rep < repeats; rep++) {
      const reference = sample(1000 * n + 2 * rep, n, false)
      const same = driftReport(reference, sample(1000 * n + 2 * rep + 1, n, false), { method, categorical: CATEGORICAL })
      for (const c of same.columns) if (c.drift) falseAlarms[c.name]!++
      if (same.columns.some((c) => c.drift)) anyFalse++
      const shifted = driftReport(reference, sample(7 + 1000 * n + 2 * rep, n, true), { method, categorical: CATEGORICAL })
      for (const c of shifted.columns) if (c.drift) detections[c.name]!++
    }
    const rate = (x: number) => `${((100 * x) / repeats).toFixed(1)}% (${x}/${repeats})`
    console.log(`n=${n} ${method}: false alarms ${Object.entries(falseAlarms).map(([c, x]) => `${c} ${rate(x)}`).join(', ')}; any column ${rate(anyFalse)}`)
    console.log(`n=${n} ${method}: detections  ${Object.entries(detections).map(([c, x]) => `${c} ${rate(x)}`).join(', ')}`)
  }
}
