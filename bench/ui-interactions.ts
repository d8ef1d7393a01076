// In-page measurements for `npm run bench:ui`: each runs inside Chromium with performance.now(), so
// the driver's round trips are not counted. "Painted" is the frame after the change is rendered
// (requestAnimationFrame, then a task: the frame has been produced by then).
import type { Page } from 'playwright-core'

/**
 * Scrolls the runs table by `px` a frame for 180 frames (by default a fast fling: 600 px, 20 rows, a
 * frame; 30 px is a row a frame, a steady wheel or keyboard scroll); frame intervals.
 */
export async function scroll(page: Page, px = 600): Promise<{ median: number; p95: number; slowShare: number }> {
  const intervals = await page.evaluate(async (step) => {
    const scroller = document.querySelector('.grid-scroll')!
    const times: number[] = []
    await new Promise<void>((resolve) => {
      const frame = (time: number) => {
        times.push(time)
        if (times.length > 180) return resolve()
        scroller.scrollTop += step
        requestAnimationFrame(frame)
      }
      requestAnimationFrame(frame)
    })
    return times.slice(1).map((t, i) => t - times[i]!)
  }, px)
  const sorted = [...intervals].sort((a, b) => a - b)
  return { median: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.floor(sorted.length * 0.95)]!, slowShare: intervals.filter((t) => t > 20).length / intervals.length }
}

/** Clicks a column's sort header three times (descending, ascending, none); ms until the first two searches' rows are painted. */
export async function sortBy(page: Page, column: string): Promise<number[]> {
  const times: number[] = []
  for (let click = 0; click < 3; click++) {
    const ms = await page.evaluate(async (id) => {
      const before = performance.getEntriesByName('orchard:rows').length
      const start = performance.now()
      document.querySelector<HTMLButtonElement>(`button.sort[data-column="${id}"]`)!.click()
      await new Promise<void>((resolve) => {
        const check = () => (performance.getEntriesByName('orchard:rows').length > before ? requestAnimationFrame(() => setTimeout(resolve)) : setTimeout(check, 2))
        check()
      })
      return performance.now() - start
    }, column)
    if (click < 2) times.push(ms)
    // Let the rest of the search's pages load before the next click.
    await page.waitForFunction(() => !(document.querySelector('[data-testid=run-count]')?.textContent ?? '').includes('loading'), undefined, { timeout: 300_000, polling: 100 })
  }
  return times
}

/** Groups the table by `by`; ms from the change until the group rows are painted (then ungroups). */
export async function groupBy(page: Page, by: string): Promise<number> {
  return page.evaluate(async (value) => {
    const select = document.querySelector<HTMLSelectElement>('select[aria-label="Group by"]')!
    const change = (to: string) => {
      select.value = to
      select.dispatchEvent(new Event('change', { bubbles: true }))
    }
    const until = (done: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => (done() ? requestAnimationFrame(() => setTimeout(resolve)) : setTimeout(check, 2))
        check()
      })
    const start = performance.now()
    change(value)
    await until(() => document.querySelector('.group-row') !== null)
    const ms = performance.now() - start
    change('')
    await until(() => document.querySelector('.group-row') === null)
    return ms
  }, by)
}

/**
 * Opens the chart grid; ms from navigation start until the charts in the first screen are drawn, then
 * until every chart is shown ("Show more") and drawn, the longest main-thread task meanwhile, and how
 * long a log-scale toggle takes to reach the next frame with every chart on the page.
 */
export async function chartGrid(page: Page, url: string): Promise<{ firstScreen: number; all: number; longestTask: number; toggle: number }> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longest: number }
    w.__longest = 0
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longest = Math.max(w.__longest, entry.duration)
    }).observe({ type: 'longtask', buffered: true })
  })
  await page.goto(url)
  return page.evaluate(async () => {
    const until = (done: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => (done() ? requestAnimationFrame(() => setTimeout(resolve)) : setTimeout(check, 5))
        check()
      })
    const figures = () => [...document.querySelectorAll<HTMLElement>('[data-testid=chart-grid] > figure')]
    // A chart scrolled far out of view gives up its canvas (chart-grid.tsx) once it has drawn.
    const drawn = (f: HTMLElement) => f.dataset.kind !== undefined && f.querySelector('canvas, svg, .chart-parked') !== null
    await until(() => {
      const inView = figures().filter((f) => f.getBoundingClientRect().top < innerHeight)
      return inView.length > 0 && inView.every(drawn)
    })
    const firstScreen = performance.now()
    for (;;) {
      const more = [...document.querySelectorAll<HTMLButtonElement>('button.more')].find((b) => b.textContent?.startsWith('Show'))
      const waiting = figures().find((f) => !drawn(f))
      if (!more && !waiting) break
      ;(waiting ?? more!).scrollIntoView()
      if (!waiting) more!.click()
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await until(() => true)
    const all = performance.now()
    const longestTask = (window as unknown as { __longest: number }).__longest
    const start = performance.now()
    document.querySelector<HTMLInputElement>('.toolbar .toggle input[type=checkbox]')!.click()
    await until(() => true)
    return { firstScreen, all, longestTask, toggle: performance.now() - start }
  })
}
