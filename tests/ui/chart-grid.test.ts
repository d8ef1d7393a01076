// The experiment's chart view in Chromium: reached from the runs table by "Charts", one chart per
// metric (lines for histories, bars for single values) in one colour per run, configurable metrics,
// x axis and log scale in the URL, and an experiment with 1,000 metric keys that only fetches what
// scrolls into view.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { SCREENSHOTS, launchBrowser, newPage, settled } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

const T0 = 1_763_000_000_000
const WIDE_KEYS = 1000

describe('chart view in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let experimentId: string
  let wideId: string
  const ids: string[] = []

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    const api = new RestTransport(server.url)
    experimentId = await api.createExperiment({ name: 'grid/sweep' })
    for (let r = 0; r < 3; r++) {
      const run = await api.createRun({ experimentId, runName: `trial-${r}`, startTime: T0 + r * 1000 })
      ids.push(run.info.runId)
      await api.logBatch(run.info.runId, {
        metrics: [
          ...Array.from({ length: 30 }, (_, step) => ({ key: 'loss', value: (r + 1) / (step + 1), timestamp: T0 + r * 1000 + step * 100, step })),
          ...Array.from({ length: 10 }, (_, step) => ({ key: 'system/cpu_utilization_percentage', value: 40 + step, timestamp: T0 + step * 1000, step })),
          { key: 'accuracy', value: 0.8 + r * 0.05, timestamp: T0 + 5000, step: 0 },
        ],
      })
    }
    wideId = await api.createExperiment({ name: 'grid/wide' })
    for (let r = 0; r < 3; r++) {
      const run = await api.createRun({ experimentId: wideId, runName: `wide-${r}`, startTime: T0 + r })
      await api.logBatch(run.info.runId, {
        metrics: Array.from({ length: WIDE_KEYS }, (_, k) => ({ key: `feature_${String(k).padStart(4, '0')}_importance`, value: (k % 7) + r, timestamp: T0, step: 0 })),
      })
    }
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  const captions = () => page.locator('[data-testid=chart-grid] figcaption span').allTextContents()

  it('opens from the runs table on the shown runs: a chart per metric, bars for single values, system metrics last', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByTestId('run-count').filter({ hasText: '3 runs' }).waitFor()
    await page.getByRole('button', { name: 'Charts', exact: true }).click()
    await page.waitForURL(/\/charts\?runs=/)
    assert.equal(new URL(page.url()).searchParams.get('runs')?.split(',').length, 3)
    await page.getByRole('heading', { name: 'Charts' }).waitFor()
    assert.deepEqual(await settled(captions, (c) => c.length === 3), ['accuracy', 'loss', 'system/cpu_utilization_percentage'])
    const cell = (metric: string) => page.locator(`[data-testid=chart-grid] figure[data-metric="${metric}"]`)
    await cell('loss').locator('canvas').first().waitFor()
    await cell('accuracy').locator('svg.bars').waitFor()
    assert.equal(await cell('accuracy').getAttribute('data-kind'), 'bar')
    assert.equal(await cell('loss').getAttribute('data-kind'), 'line')
    assert.equal(await cell('system/cpu_utilization_percentage').getAttribute('data-kind'), 'line')
    // One colour per run, the same in the legend and in the bars (the table's order: newest first).
    const legend = await page.locator('.grid-legend li').allTextContents()
    assert.deepEqual(legend, ['trial-2', 'trial-1', 'trial-0'])
    const swatches = await page.locator('.grid-legend .swatch').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor))
    const bars = await cell('accuracy').locator('rect').evaluateAll((els) => els.map((e) => getComputedStyle(e).fill))
    assert.deepEqual(bars, swatches)
    assert.equal(new Set(swatches).size, 3)
    assert.deepEqual(await cell('accuracy').locator('.bar-value').allTextContents(), ['0.9', '0.85', '0.8'])
    await page.screenshot({ path: `${SCREENSHOTS}chart-grid.png`, fullPage: true })
  })

  it('charts the selected runs only', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByLabel('Select trial-0').check()
    await page.getByLabel('Select trial-2').check()
    await page.getByRole('button', { name: 'Charts (2)' }).click()
    await page.waitForURL(/\/charts\?runs=/)
    assert.deepEqual(new Set(new URL(page.url()).searchParams.get('runs')?.split(',')), new Set([ids[0], ids[2]]))
    await page.locator('.grid-legend li').nth(1).waitFor()
    assert.deepEqual((await page.locator('.grid-legend li').allTextContents()).sort(), ['trial-0', 'trial-2'])
  })

  it('chooses metrics, the x axis and a log scale, kept in the URL', async () => {
    await page.locator('.metric-chooser summary').click()
    await page.getByLabel('Search metrics').fill('system')
    await page.locator('.metric-chooser label', { hasText: 'system/cpu' }).locator('input').uncheck()
    await page.waitForURL(/metrics=/)
    assert.deepEqual(await settled(captions, (c) => c.length === 2), ['accuracy', 'loss'])
    await page.locator('.metric-chooser summary').click()
    await page.getByLabel('Log scale').check()
    await page.getByLabel('X axis').selectOption('relative')
    await page.waitForURL(/x=relative/)
    await page.reload()
    assert.deepEqual(await settled(captions, (c) => c.length === 2), ['accuracy', 'loss'])
    assert.equal(await page.getByLabel('Log scale').isChecked(), true)
    assert.equal(await page.getByLabel('X axis').inputValue(), 'relative')
    await page.locator('figure[data-metric="loss"] canvas').first().waitFor()
    // Open one chart on its own page, and come back to the grid.
    await page.getByRole('link', { name: 'Open loss' }).click()
    await page.waitForURL(/metric=loss/)
    await page.getByRole('heading', { name: 'loss' }).waitFor()
    await page.locator('[data-testid=metric-chart] canvas').waitFor()
    await page.getByRole('link', { name: 'All charts' }).click()
    assert.deepEqual(await settled(captions, (c) => c.length === 2), ['accuracy', 'loss'])
  })

  it('stays light with 1,000 metric keys: a page of charts, histories fetched as they scroll into view', async () => {
    const asked: string[] = []
    page.on('request', (request) => {
      if (request.url().includes('/orchard/metrics/get-history-buckets')) asked.push(new URL(request.url()).searchParams.get('metric_key') ?? '')
    })
    await page.goto(`${server.url}/experiments/${wideId}`)
    await page.getByTestId('run-count').filter({ hasText: '3 runs' }).waitFor()
    await page.getByRole('button', { name: 'Charts', exact: true }).click()
    await page.locator('figure[data-metric="feature_0000_importance"] svg.bars').waitFor()
    assert.equal(await page.locator('[data-testid=chart-grid] figure').count(), 24)
    await page.getByRole('button', { name: `Show 24 more of ${WIDE_KEYS - 24} charts` }).waitFor()
    const early = asked.length
    assert.ok(early > 0 && early < 24, `only charts near the view fetch (${early} of 24)`)
    await page.locator('figure[data-metric="feature_0023_importance"]').scrollIntoViewIfNeeded()
    await page.locator('figure[data-metric="feature_0023_importance"] svg.bars').waitFor()
    assert.ok(asked.includes('feature_0023_importance'))
    assert.equal(new Set(asked).size, asked.length, 'each chart fetches once')
    await page.locator('.metric-chooser summary').click()
    await page.getByLabel('Search metrics').fill('0999')
    assert.deepEqual((await page.locator('.metric-chooser label').allTextContents()).map((t) => t.trim()), ['feature_0999_importance'])
  })
})
