// The taxi-duration example's training cost: reading, preparing, vectorizing and fitting each model
// (converged) on 2021-01 from ../shared/data/nyc-tlc and on a synthetic month of `syntheticRows`
// trips (generated once into the OS temp folder and reused). Wall and CPU seconds per step (the CPU
// figure is what a loaded machine distorts least) and the peak resident memory.
//   node --import tsx bench/taxi.ts [--rows 5000000]
import { existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fitVectorizer, transform } from '../examples/taxi-duration/data/dict-vectorizer.ts'
import { generateTripFile } from '../examples/taxi-duration/data/generate.ts'
import { requireTaxiData } from '../examples/taxi-duration/data/data-dir.ts'
import { loadMonth } from '../examples/taxi-duration/pipeline/dataset.ts'
import { ModelFitter } from '../examples/taxi-duration/pipeline/fit-models.ts'
import type { ModelSpec } from '../examples/taxi-duration/pipeline/fit-models.ts'

const SHARED_DATA = requireTaxiData()
const MODELS: readonly [string, ModelSpec][] = [
  ['LinearRegression (OLS)', { kind: 'linear' }],
  ['Ridge alpha=1', { kind: 'ridge', alpha: 1 }],
  ['Lasso alpha=0.01', { kind: 'lasso', alpha: 0.01 }],
]

/** Repeats of each solve after the first: at least the minimum, then more while the budget lasts. */
const WARM_MIN_REPEATS = 4
const WARM_MAX_REPEATS = 30
const WARM_BUDGET_MS = 2000

interface Step {
  readonly step: string
  readonly wallSeconds: number
  readonly cpuSeconds: number
  readonly detail?: string
}

async function timed<T>(steps: Step[], step: string, fn: () => Promise<T> | T, detail?: (value: T) => string): Promise<T> {
  const cpu = process.cpuUsage()
  const started = performance.now()
  const value = await fn()
  const used = process.cpuUsage(cpu)
  steps.push({ step, wallSeconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, ...(detail ? { detail: detail(value) } : {}) })
  return value
}

/** Prep + training of one month; validation uses the same month (this measures cost, not accuracy). */
async function benchmarkMonth(dataDir: string, month: string): Promise<Step[]> {
  const steps: Step[] = []
  const loaded = await timed(steps, 'read + prepare', () => loadMonth(dataDir, month), (m) => `${m.prepared.rowsRead} trips read, ${m.prepared.rows} kept; read ${(m.readMs / 1000).toFixed(2)} s, prepare ${(m.prepareMs / 1000).toFixed(2)} s`)
  const vectorizer = await timed(steps, 'fit vectorizer', () => fitVectorizer(loaded.prepared), (v) => `${v.featureNames.length} features`)
  const matrix = await timed(steps, 'transform (CSR)', () => transform(vectorizer, loaded.prepared), (m) => `${m.values.length} stored values`)
  const fitter = new ModelFitter({ vectorizer, train: matrix, trainY: loaded.prepared.duration, val: matrix, valY: loaded.prepared.duration })
  // The set-up a sweep shares, timed apart from the solvers.
  await timed(steps, 'set-up: centring, XᵀX, groups', () => fitter.prepare('linear'))
  await timed(steps, 'set-up: CSC copy (lasso)', () => fitter.prepare('lasso'))
  for (const [name, spec] of MODELS) {
    // The step (first call in the process, JIT compilation included) also scores both matrices;
    // `solver` is the solve alone, `warm` the solve once compiled, as timing scikit-learn in a
    // long-lived Python process measures it.
    const fitted = await timed(steps, `fit ${name}`, () => fitter.fit(spec), (f) => `solver ${f.fitSeconds.toFixed(3)} s, ${f.convergence.iterations} ${spec.kind === 'lasso' ? 'sweeps' : 'iterations'}, ${f.convergence.measure} ${f.convergence.value.toExponential(1)}, train RMSE ${f.train.rmse.toFixed(4)}`)
    if (!fitted.convergence.converged) throw new Error(`${name} did not converge on ${month}`)
    steps.push(warmStep(`  warm ${name}`, 'solver alone', () => fitter.solve(spec)))
  }
  const fresh = () => new ModelFitter({ vectorizer, train: matrix, trainY: loaded.prepared.duration, val: matrix, valY: loaded.prepared.duration })
  steps.push(warmStep('  warm set-up: centring, XᵀX, groups', 'set-up alone', () => fresh().prepare('linear'), 2))
  return steps
}

/** Repeats `fn` (at least `minRepeats` times, more while the budget lasts) and reports its settled median. */
function warmStep(step: string, what: string, fn: () => void, minRepeats = WARM_MIN_REPEATS): Step {
  const warm: { wall: number; cpu: number }[] = []
  const budget = performance.now() + WARM_BUDGET_MS
  while (warm.length < minRepeats || (warm.length < WARM_MAX_REPEATS && performance.now() < budget)) {
    const cpu = process.cpuUsage()
    const started = performance.now()
    fn()
    const used = process.cpuUsage(cpu)
    warm.push({ wall: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 })
  }
  // The later half: V8 has optimised the code by then, as it has in a process that trains often.
  const settled = warm.slice(Math.floor(warm.length / 2))
  const median = (key: 'wall' | 'cpu') => settled.map((w) => w[key]).sort((a, b) => a - b)[Math.floor(settled.length / 2)]!
  return { step, wallSeconds: median('wall'), cpuSeconds: median('cpu'), detail: `${what}, median of the last ${settled.length} of ${warm.length} repeats` }
}

export async function taxiBenchmark(syntheticRows: number): Promise<Record<string, Step[]>> {
  const results: Record<string, Step[]> = {}
  results['2021-01'] = await benchmarkMonth(SHARED_DATA, '2021-01')
  const dir = join(tmpdir(), `orchard-taxi-bench-${syntheticRows}`)
  mkdirSync(dir, { recursive: true })
  const path = join(dir, 'green_tripdata_2030-01.parquet')
  if (!existsSync(path)) await generateTripFile(path, { rows: syntheticRows, month: '2030-01' })
  results[`synthetic ${syntheticRows.toLocaleString('en')} rows`] = await benchmarkMonth(dir, '2030-01')
  return results
}

export function printTaxiBenchmark(results: Record<string, Step[]>): void {
  for (const [name, steps] of Object.entries(results)) {
    console.log(`taxi-duration, ${name}:`)
    for (const step of steps) {
      console.log(`  ${step.step.padEnd(38)} wall ${step.wallSeconds.toFixed(3).padStart(7)} s  cpu ${step.cpuSeconds.toFixed(3).padStart(7)} s  ${step.detail ?? ''}`)
    }
    const firstCalls = steps.filter((step) => !step.step.startsWith('  warm'))
    const total = (key: 'wallSeconds' | 'cpuSeconds') => firstCalls.reduce((sum, step) => sum + step[key], 0).toFixed(3).padStart(7)
    console.log(`  ${'total (first calls)'.padEnd(38)} wall ${total('wallSeconds')} s  cpu ${total('cpuSeconds')} s`)
  }
  console.log(`  peak resident memory: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '5000000' } } })
  printTaxiBenchmark(await taxiBenchmark(Number(values.rows)))
}
