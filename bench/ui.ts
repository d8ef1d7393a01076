// `npm run bench:ui`: the web UI in headless Chromium against a real server (SQLite). Seeds 10,000 runs
// × 20 params × 20 metrics and one run with a 100,000-step metric, then times, from navigation start:
//   - the runs table: until the first rows are painted (the table's `orchard:first-rows` mark, then
//     the next frame);
//   - the chart: until the 100,000-step metric is painted (uPlot's first `orchard:chart-drawn` mark,
//     then the next frame).
// Each is measured --repeat times in fresh pages of one browser context: the first is cold (no cached
// assets), the median is over all. Options: --runs N, --steps N, --repeat N.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import type { BrowserContext } from 'playwright-core'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { openTrackingStore } from '@orchard/store'
import { build } from 'vite'

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '10000' }, steps: { type: 'string', default: '100000' }, repeat: { type: 'string', default: '5' } },
})
const RUNS = Number(args.runs)
const STEPS = Number(args.steps)
const REPEAT = Number(args.repeat)
const KEYS = 20
const T0 = 1_763_000_000_000

async function seed(uri: string): Promise<{ experimentId: string; chartExperimentId: string; chartRunId: string }> {
  const store = await openTrackingStore(uri, { defaultArtifactRoot: 'mlflow-artifacts:/' })
  try {
    const experimentId = await store.createExperiment({ name: 'bench/runs' })
    for (let i = 0; i < RUNS; i++) {
      const { runId } = (await store.createRun({ experimentId, runName: `run-${i}`, startTime: T0 + i, tags: [] })).info
      await store.logBatch(runId, {
        params: Array.from({ length: KEYS }, (_, k) => ({ key: `p${k}`, value: String((i * 7 + k) % 13) })),
        metrics: Array.from({ length: KEYS }, (_, k) => ({ key: `m${k}`, value: ((i * 31 + k) % 97) / 97, timestamp: T0 + i, step: 0 })),
      })
    }
    const chartExperimentId = await store.createExperiment({ name: 'bench/long-history' })
    const { runId: chartRunId } = (await store.createRun({ experimentId: chartExperimentId, runName: 'long', startTime: T0, tags: [] })).info
    for (let start = 0; start < STEPS; start += 1000) {
      const count = Math.min(1000, STEPS - start)
      await store.logBatch(chartRunId, {
        metrics: Array.from({ length: count }, (_, i) => ({ key: 'loss', value: 1 / (1 + (start + i) / 1000) + 0.01 * Math.sin(start + i), timestamp: T0 + (start + i) * 10, step: start + i })),
      })
    }
    return { experimentId, chartExperimentId, chartRunId }
  } finally {
    await store.close()
  }
}

/**
 * ms from navigation start until the frame after `mark` was first set, in a fresh page; then, with
 * `settled`, also until that condition holds (the page is left to finish its work before it closes,
 * so the next measurement does not share the server with this one's tail).
 */
async function timeToPaint(context: BrowserContext, url: string, mark: string, settled?: () => boolean): Promise<{ painted: number; settled?: number }> {
  const page = await context.newPage()
  try {
    // Registered before the app's scripts run: the mark schedules a read after the next frame.
    await page.addInitScript((name: string) => {
      const w = window as unknown as { __painted?: number }
      new PerformanceObserver((list, observer) => {
        if (!list.getEntriesByName(name).length) return
        observer.disconnect()
        requestAnimationFrame(() => setTimeout(() => (w.__painted = performance.now())))
      }).observe({ type: 'mark', buffered: true })
    }, mark)
    await page.goto(url)
    await page.waitForFunction(() => (window as unknown as { __painted?: number }).__painted !== undefined, undefined, { timeout: 120_000 })
    const painted = await page.evaluate(() => (window as unknown as { __painted: number }).__painted)
    if (!settled) return { painted }
    await page.waitForFunction(settled, undefined, { timeout: 300_000, polling: 50 })
    return { painted, settled: await page.evaluate(() => performance.now()) }
  } finally {
    await page.close()
  }
}

/** The server in a child process (bench/ui-server.ts): resolves once it prints its URL. */
async function startServerProcess(uri: string, artifacts: string): Promise<{ url: string; close(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./ui-server.ts', import.meta.url)), uri, artifacts], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [chunk] = (await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => [undefined])])) as [Buffer | undefined]
  if (!chunk) throw new Error('the bench server exited before it listened')
  return { url: chunk.toString().trim(), close: () => child.kill('SIGTERM') }
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const dir = mkdtempSync(join(tmpdir(), 'orchard-bench-ui-'))
try {
  await build({ root: fileURLToPath(new URL('../packages/ui/', import.meta.url)), logLevel: 'warn' })
  const uri = `sqlite:///${join(dir, 'orchard.db')}`
  const seedStart = performance.now()
  const ids = await seed(uri)
  console.log(`seeded ${RUNS.toLocaleString('en')} runs × ${KEYS} params × ${KEYS} metrics and a ${STEPS.toLocaleString('en')}-step metric in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`)
  const server = await startServerProcess(uri, join(dir, 'artifacts'))
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const figures: Record<string, { cold: number; median: number; all: number[] }> = {}
    const record = (name: string, all: number[]) => (figures[name] = { cold: all[0]!, median: median(all), all })
    const measure = async (name: string, url: string, mark: string, settled?: { name: string; when: () => boolean }) => {
      const results = []
      for (let i = 0; i < REPEAT; i++) results.push(await timeToPaint(context, url, mark, settled?.when))
      record(name, results.map((r) => r.painted))
      if (settled) record(settled.name, results.map((r) => r.settled!))
    }
    await measure(`runs table, ${RUNS} runs: first rows painted (ms)`, `${server.url}/experiments/${ids.experimentId}`, 'orchard:first-rows', {
      name: `runs table, ${RUNS} runs: all loaded (ms)`,
      when: () => {
        const count = document.querySelector('[data-testid=run-count]')?.textContent ?? ''
        return count !== '' && !count.includes('loading')
      },
    })
    await measure(
      `chart, ${STEPS}-step metric: painted (ms)`,
      `${server.url}/experiments/${ids.chartExperimentId}/charts?runs=${ids.chartRunId}&metric=loss`,
      'orchard:chart-drawn',
    )
    console.log('| figure | cold (first load) | median of ' + REPEAT + ' |')
    console.log('|---|---|---|')
    for (const [name, f] of Object.entries(figures)) console.log(`| ${name} | ${Math.round(f.cold)} | ${Math.round(f.median)} |`)
    console.log(JSON.stringify(Object.fromEntries(Object.entries(figures).map(([k, f]) => [k, f.all.map(Math.round)]))))
  } finally {
    await browser.close()
    server.close()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
