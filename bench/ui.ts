// `npm run bench:ui`: the web UI in headless Chromium against a real server (SQLite). Seeds
// (bench/ui-seed.ts) 10,000 runs × 20 params × 20 metrics, 100,000 runs × 2 params × 2 metrics, one run
// with a 100,000-step metric and 100 runs × 100 metrics × 100 steps, then times, from navigation start:
//   - the runs table (10,000 and 100,000 runs): until the first rows are painted (the table's
//     `orchard:first-rows` mark, then the next frame);
//   - the chart: until the 100,000-step metric is painted (uPlot's first `orchard:chart-drawn` mark,
//     then the next frame).
// Each is measured --repeat times in fresh pages of one browser context: the first is cold (no cached
// assets), the median is over all. Then, inside the page (bench/ui-interactions.ts): scrolling the
// 100,000-run table (frame intervals), sorting the 10,000-run table by a metric and grouping it by a
// param (change → painted), and the chart grid of 100 runs × 100 metrics (first screen drawn, every
// chart drawn, longest task, a log-scale toggle). Options: --runs, --big-runs, --steps, --grid-runs,
// --grid-metrics, --grid-steps, --repeat.
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
import { seedChartGrid, seedLongHistory, seedManyRuns, seedRuns } from './ui-seed.ts'
import { chartGrid, groupBy, scroll, sortBy } from './ui-interactions.ts'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    'big-runs': { type: 'string', default: '100000' },
    steps: { type: 'string', default: '100000' },
    'grid-runs': { type: 'string', default: '100' },
    'grid-metrics': { type: 'string', default: '100' },
    'grid-steps': { type: 'string', default: '100' },
    repeat: { type: 'string', default: '5' },
  },
})
const RUNS = Number(args.runs)
const BIG_RUNS = Number(args['big-runs'])
const STEPS = Number(args.steps)
const GRID_RUNS = Number(args['grid-runs'])
const GRID_METRICS = Number(args['grid-metrics'])
const GRID_STEPS = Number(args['grid-steps'])
const REPEAT = Number(args.repeat)
const KEYS = 20
// The 100,000-run experiment is about the table's length, not its width: a few keys per run.
const BIG_KEYS = 2

async function seed(uri: string, databasePath: string) {
  const store = await openTrackingStore(uri, { defaultArtifactRoot: 'mlflow-artifacts:/' })
  try {
    const experimentId = await seedRuns(store, 'bench/runs', RUNS, KEYS)
    const bigExperimentId = await seedManyRuns(store, databasePath, 'bench/100k-runs', BIG_RUNS, BIG_KEYS)
    const chart = await seedLongHistory(store, STEPS)
    const grid = await seedChartGrid(store, GRID_RUNS, GRID_METRICS, GRID_STEPS)
    return { experimentId, bigExperimentId, chartExperimentId: chart.experimentId, chartRunId: chart.runId, grid }
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
  const ids = await seed(uri, join(dir, 'orchard.db'))
  console.log(
    `seeded ${RUNS.toLocaleString('en')} runs × ${KEYS} params × ${KEYS} metrics, ${BIG_RUNS.toLocaleString('en')} runs × ${BIG_KEYS} × ${BIG_KEYS}, a ${STEPS.toLocaleString('en')}-step metric and ${GRID_RUNS} runs × ${GRID_METRICS} metrics × ${GRID_STEPS} steps in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  )
  const server = await startServerProcess(uri, join(dir, 'artifacts'))
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    // tsx compiles the functions handed to page.evaluate with esbuild's keepNames, whose `__name`
    // helper is not in the page.
    await context.addInitScript({ content: 'window.__name = (f) => f' })
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
    const allLoaded = () => {
      const count = document.querySelector('[data-testid=run-count]')?.textContent ?? ''
      return count !== '' && !count.includes('loading')
    }
    // Each load is left to finish (50,100 runs in pages of 5,000), as the 10,000-run one is: a page
    // closed at its first rows leaves the server reading its next 5,000-run page (SQLite is
    // synchronous, so 0.4-1 s of the one event loop), and the next load's index.html and first
    // page then queued behind it, which measured the queue rather than the page.
    await measure(`runs table, ${BIG_RUNS} runs: first rows painted (ms)`, `${server.url}/experiments/${ids.bigExperimentId}`, 'orchard:first-rows', {
      name: `runs table, ${BIG_RUNS} runs: all loaded (ms)`,
      when: allLoaded,
    })
    const interactions: Record<string, number[]> = {}
    const add = (name: string, values: readonly number[]) => (interactions[name] = [...(interactions[name] ?? []), ...values])
    {
      const page = await context.newPage()
      await page.goto(`${server.url}/experiments/${ids.bigExperimentId}`)
      await page.waitForFunction(allLoaded, undefined, { timeout: 600_000, polling: 250 })
      const frames = await scroll(page)
      const loaded = await page.getByTestId('run-count').textContent()
      add(`runs table, ${BIG_RUNS} runs (${loaded}): scroll frame interval, median (ms)`, [frames.median])
      add(`runs table, ${BIG_RUNS} runs: scroll frame interval, 95th percentile (ms)`, [frames.p95])
      add(`runs table, ${BIG_RUNS} runs: scroll frames over 20 ms (%)`, [frames.slowShare * 100])
      await page.close()
    }
    {
      const page = await context.newPage()
      await page.goto(`${server.url}/experiments/${ids.experimentId}?cols=metrics.m3,metrics.m7,params.p0,params.p1`)
      await page.waitForFunction(allLoaded, undefined, { timeout: 300_000, polling: 250 })
      for (let i = 0; i < REPEAT; i++) {
        add(`runs table, ${RUNS} runs × ${KEYS} × ${KEYS}: sort by a metric, click → sorted rows painted (ms)`, await sortBy(page, 'metrics.m3'))
        await page.waitForFunction(allLoaded, undefined, { timeout: 300_000, polling: 250 })
      }
      for (let i = 0; i < REPEAT; i++) add(`runs table, ${RUNS} runs × ${KEYS} × ${KEYS}: group by a param (13 groups), change → painted (ms)`, [await groupBy(page, 'params.p0')])
      await page.close()
    }
    {
      const page = await context.newPage()
      const grid = await chartGrid(page, `${server.url}/experiments/${ids.grid.experimentId}/charts?runs=${ids.grid.runIds.join(',')}`)
      add(`chart grid, ${GRID_RUNS} runs × ${GRID_METRICS} metrics: navigation → first screen of charts drawn (ms)`, [grid.firstScreen])
      add(`chart grid: every one of the ${GRID_METRICS} charts shown and drawn (ms)`, [grid.all])
      add('chart grid: longest main-thread task while loading and drawing (ms)', [grid.longestTask])
      add(`chart grid, ${GRID_METRICS} charts drawn: log-scale toggle → next frame (ms)`, [grid.toggle])
      await page.close()
    }
    console.log('| figure | cold (first load) | median of ' + REPEAT + ' |')
    console.log('|---|---|---|')
    for (const [name, f] of Object.entries(figures)) console.log(`| ${name} | ${Math.round(f.cold)} | ${Math.round(f.median)} |`)
    console.log('| interaction | first | median |')
    console.log('|---|---|---|')
    for (const [name, all] of Object.entries(interactions)) console.log(`| ${name} | ${all[0]!.toFixed(1)} | ${median(all).toFixed(1)} |`)
    console.log(JSON.stringify({ ...Object.fromEntries(Object.entries(figures).map(([k, f]) => [k, f.all.map(Math.round)])), ...interactions }))
  } finally {
    await browser.close()
    server.close()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
