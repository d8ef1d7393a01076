// `npm run bench:ui-scroll`: the scroll figure of `npm run bench:ui` alone, for A/B comparisons of UI
// builds. Seeds only the large experiment (bench/ui-seed.ts), starts one server, then scrolls the runs
// table (bench/ui-interactions.ts) in rounds, one fresh page per build per round, the builds' order
// alternating between rounds so that a change in the machine's load falls on both. Each build is a
// Vite output folder given as `--dist label=folder` (repeatable); without one, the current sources
// are built. The page's files are served from that folder by intercepting its requests in the
// browser, so the server and its data are the same for every build. Prints each round's figures with
// the load average, then per build the median over rounds. Besides the frame intervals (which a busy
// machine stretches), each scroll is traced and the renderer main thread's CPU time is summed per
// frame (bench/ui-scroll-profile.ts): the work a frame needed, whatever else ran on the machine.
//   npm run bench:ui-scroll -- --dist before=/tmp/ui-before --dist after=/tmp/ui-after --rounds 4 [--scrolls 2] [--px 30]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { chromium } from 'playwright-core'
import type { BrowserContext } from 'playwright-core'
import { openTrackingStore } from '@orchard/store'
import { build } from 'vite'
import { seedManyRuns } from './ui-seed.ts'
import { scroll } from './ui-interactions.ts'
import { frameCpu } from './ui-scroll-profile.ts'

const { values: args } = parseArgs({
  options: {
    'big-runs': { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    // Scrolls per page: the first after the last page of runs is in, the rest one after another.
    scrolls: { type: 'string', default: '1' },
    // Pixels scrolled a frame: 600 (20 rows) is a fast fling, 30 a row a frame.
    px: { type: 'string', default: '600' },
    dist: { type: 'string', multiple: true, default: [] },
    // A trace and CPU profile of the first build's first scroll, summarised (build with --minify false for names).
    profile: { type: 'boolean', default: false },
    // With --profile: write the profiled scroll's trace events to this file (JSON) for a closer look.
    'trace-out': { type: 'string' },
    // A style sheet added to every page before it scrolls: CSS experiments without a build.
    style: { type: 'string' },
  },
})
const BIG_RUNS = Number(args['big-runs'])
const ROUNDS = Number(args.rounds)
const SCROLLS = Number(args.scrolls)
const KEYS = 2

const CONTENT_TYPES: Readonly<Record<string, string>> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' }

const dir = mkdtempSync(join(tmpdir(), 'orchard-bench-ui-scroll-'))
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ')

/** A page whose UI files come from `dist`: every request outside the API is answered from the folder. */
async function pageFrom(context: BrowserContext, dist: string) {
  const page = await context.newPage()
  await page.route(
    (url) => !url.pathname.startsWith('/ajax-api/') && !url.pathname.startsWith('/api/'),
    async (route) => {
      const path = new URL(route.request().url()).pathname
      const file = path.startsWith('/assets/') || (extname(path) !== '' && path !== '/') ? join(dist, path) : join(dist, 'index.html')
      await route.fulfill({ body: readFileSync(file), contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' })
    },
  )
  return page
}

try {
  const builds = args.dist.map((spec) => {
    const [label, folder] = spec.split('=') as [string, string | undefined]
    if (!folder) throw new Error(`--dist takes label=folder, not ${spec}`)
    return { label, folder }
  })
  if (builds.length === 0) {
    const outDir = join(dir, 'dist')
    await build({ root: fileURLToPath(new URL('../packages/ui/', import.meta.url)), logLevel: 'warn', build: { outDir, emptyOutDir: true } })
    builds.push({ label: 'current', folder: outDir })
  }
  const uri = `sqlite:///${join(dir, 'orchard.db')}`
  const store = await openTrackingStore(uri, { defaultArtifactRoot: 'mlflow-artifacts:/' })
  const experimentId = await seedManyRuns(store, join(dir, 'orchard.db'), 'bench/100k-runs', BIG_RUNS, KEYS).finally(() => store.close())
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./ui-server.ts', import.meta.url)), uri, join(dir, 'artifacts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [chunk] = (await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => [undefined])])) as [Buffer | undefined]
  if (!chunk) throw new Error('the bench server exited before it listened')
  const url = chunk.toString().trim()
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const results = new Map(builds.map((b) => [b.label, [] as { median: number; p95: number; slowShare: number; cpuMedian: number; cpuP95: number; cpuOver: number }[]]))
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    await context.addInitScript({ content: 'window.__name = (f) => f' })
    const allLoaded = () => {
      const count = document.querySelector('[data-testid=run-count]')?.textContent ?? ''
      return count !== '' && !count.includes('loading')
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const b of round % 2 === 0 ? builds : [...builds].reverse()) {
        const page = await pageFrom(context, b.folder)
        await page.goto(`${url}/experiments/${experimentId}`)
        await page.waitForFunction(allLoaded, undefined, { timeout: 600_000, polling: 250 })
        if (args.style) await page.addStyleTag({ content: args.style })
        for (let s = 0; s < SCROLLS; s++) {
          await page.evaluate(() => (document.querySelector('.grid-scroll')!.scrollTop = 0))
          const measured = await frameCpu(page, () => scroll(page, Number(args.px)), args.profile && round === 0 && b === builds[0] && s === 0, args['trace-out'])
          const frames = { ...measured.result, cpuMedian: measured.median, cpuP95: measured.p95, cpuOver: measured.overBudget }
          results.get(b.label)!.push(frames)
          const rows = await page.evaluate(() => document.querySelectorAll('.grid-body [role=row]').length)
          console.log(
            `round ${round + 1} ${b.label}: median ${frames.median.toFixed(1)} ms, p95 ${frames.p95.toFixed(1)} ms, over 20 ms ${(frames.slowShare * 100).toFixed(1)} %; main-thread CPU per frame median ${frames.cpuMedian.toFixed(1)} ms, p95 ${frames.cpuP95.toFixed(1)} ms, over 16.7 ms ${(frames.cpuOver * 100).toFixed(1)} %; ${rows} rows in the DOM (load ${load()})`,
          )
        }
        await page.close()
      }
    }
  } finally {
    await browser.close()
    child.kill('SIGTERM')
  }
  console.log('| build | frame interval, median (ms) | 95th percentile (ms) | frames over 20 ms (%) | main-thread CPU per frame, median (ms) | 95th percentile (ms) | frames over 16.7 ms CPU (%) |')
  console.log('|---|---|---|---|---|---|---|')
  for (const [label, all] of results) {
    console.log(
      `| ${label} | ${median(all.map((r) => r.median)).toFixed(1)} | ${median(all.map((r) => r.p95)).toFixed(1)} | ${median(all.map((r) => r.slowShare * 100)).toFixed(1)} | ${median(all.map((r) => r.cpuMedian)).toFixed(1)} | ${median(all.map((r) => r.cpuP95)).toFixed(1)} | ${median(all.map((r) => r.cpuOver * 100)).toFixed(1)} |`,
    )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
