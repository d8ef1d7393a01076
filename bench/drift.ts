// A drift report over 1,000,000 reference rows and 1,000,000 current rows of 20 columns (14
// numeric: normal, heavy-tailed, rounded and small-integer; 6 categorical: 2 to 5,000 categories),
// the size issue #13 sets a 2-second target for. Times the whole report from in-memory tables (the
// statistics of every column and both verdict methods) and, apart, the sorting it rests on.
//   node --import tsx bench/drift.ts [--rows 1000000]
import { parseArgs } from 'node:util'
import { categoricalSample, driftReport, normalSample, seededRandom, sortFloat64 } from '@orchard/models'
import type { ColumnTable } from '@orchard/models'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } })
const rows = Number(values.rows)

function makeTable(seed: number, shift: number): ColumnTable {
  const random = seededRandom(seed)
  const names: string[] = []
  const columns: unknown[][] = []
  const add = (name: string, data: ArrayLike<unknown>) => {
    names.push(name)
    columns.push(Array.from(data))
  }
  for (let i = 0; i < 5; i++) add(`normal_${i}`, normalSample(random, rows, i === 0 ? shift : 0))
  for (let i = 0; i < 4; i++) add(`heavy_${i}`, normalSample(random, rows, i === 0 ? shift : 0).map((z) => Math.exp(z) * (random() < 0.001 ? 1e4 : 1)))
  for (let i = 0; i < 3; i++) add(`rounded_${i}`, normalSample(random, rows, 20, 5).map((v) => Math.round(v * 100) / 100))
  for (let i = 0; i < 2; i++) add(`count_${i}`, normalSample(random, rows, 3, 1).map((v) => Math.max(0, Math.round(v))))
  const cardinalities = [2, 5, 30, 265, 1000, 5000]
  for (const k of cardinalities) {
    const categories = Array.from({ length: k }, (_, i) => `k${k}_${i}`)
    add(`category_${k}`, categoricalSample(random, rows, categories, categories.map((_, i) => 1 / (i + 1 + (k === 30 ? shift * 10 : 0)))))
  }
  return { names, columns, rowCount: rows }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

console.log(`Generating 2 × ${rows.toLocaleString('en-US')} rows × 20 columns…`)
const reference = makeTable(1, 0)
const current = makeTable(2, 0.05)
const categorical = reference.names.filter((n) => n.startsWith('category_'))

for (const method of ['auto', 'evidently'] as const) {
  const times: number[] = []
  const cpu: number[] = []
  let report
  for (let i = 0; i < 3; i++) {
    const startCpu = process.cpuUsage()
    const start = performance.now()
    report = driftReport(reference, current, { method, categorical })
    times.push(performance.now() - start)
    const used = process.cpuUsage(startCpu)
    cpu.push((used.user + used.system) / 1000)
  }
  console.log(`${method.padEnd(9)} report: wall ${times.map((t) => (t / 1000).toFixed(2)).join(' / ')} s (median ${(median(times) / 1000).toFixed(2)} s), CPU median ${(median(cpu) / 1000).toFixed(2)} s; ${report!.columns.filter((c) => c.drift).map((c) => c.name).join(', ') || 'no column'} drifted`)
}

const data = Float64Array.from(reference.columns[0] as number[])
const sorts: number[] = []
const natives: number[] = []
for (let i = 0; i < 3; i++) {
  let start = performance.now()
  sortFloat64(data.slice())
  sorts.push(performance.now() - start)
  start = performance.now()
  data.slice().sort()
  natives.push(performance.now() - start)
}
console.log(`sorting ${rows.toLocaleString('en-US')} doubles: radix ${median(sorts).toFixed(0)} ms, Float64Array#sort ${median(natives).toFixed(0)} ms (median of 3)`)
