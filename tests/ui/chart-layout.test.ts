// The experiment chart grid's layout in Chromium: charts reordered by dragging, by buttons and by
// Alt+Shift+Arrow; scatter and parallel-coordinates charts added with chosen axes, their labels inside
// the chart and apart; the layout kept in the URL, remembered per experiment, and saved with a view
// of the runs table (as MLflow chart cards) so a shared link brings it to another browser.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { SCREENSHOTS, launchBrowser, newPage, settled } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

const T0 = 1_763_000_000_000
const LONG = 'validation_loss_of_the_held_out_fold_after_calibration'

describe('chart grid layout in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let api: RestTransport
  let experimentId: string

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    api = new RestTransport(server.url)
    experimentId = await api.createExperiment({ name: 'layout/sweep' })
    for (let r = 0; r < 4; r++) {
      const run = await api.createRun({ experimentId, runName: `trial-${r}`, startTime: T0 + r * 1000 })
      await api.logBatch(run.info.runId, {
        params: [
          { key: 'lr', value: String(0.001 * 10 ** r) },
          { key: 'optimizer_with_a_long_descriptive_name', value: r % 2 ? 'adam-with-decoupled-weight-decay' : 'sgd' },
        ],
        metrics: [
          ...Array.from({ length: 20 }, (_, step) => ({ key: 'loss', value: (r + 1) / (step + 1), timestamp: T0 + step, step })),
          { key: 'accuracy', value: 0.7 + r * 0.05, timestamp: T0, step: 0 },
          { key: LONG, value: 0.0001 * (r + 1), timestamp: T0, step: 0 },
        ],
      })
    }
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  const charts = () => page.locator('[data-testid=chart-grid] > figure').evaluateAll((els) => els.map((e) => e.getAttribute('data-chart')))
  const figure = (item: string) => page.locator(`[data-testid=chart-grid] > figure[data-chart="${item}"]`)
  const layoutParam = () => new URL(page.url()).searchParams.get('metrics')

  /** Every text of an SVG lies inside it, and no two of the given texts overlap. */
  async function assertLabelsFit(svg: ReturnType<Page['locator']>, apart: string) {
    const result = await svg.evaluate((el, selector) => {
      const box = el.getBoundingClientRect()
      const outside = [...el.querySelectorAll('text')].filter((t) => {
        const r = t.getBoundingClientRect()
        return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5
      }).map((t) => t.textContent)
      const rects = [...el.querySelectorAll(selector)].map((t) => t.getBoundingClientRect())
      let overlaps = 0
      for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
        const [a, b] = [rects[i]!, rects[j]!]
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps++
      }
      return { outside, overlaps, count: rects.length }
    }, apart)
    assert.deepEqual(result.outside, [], 'labels outside the chart')
    assert.equal(result.overlaps, 0, `overlapping labels among ${result.count}`)
  }

  it('reorders charts by dragging, by the move buttons and by Alt+Shift+Arrow, kept in the URL', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByTestId('run-count').filter({ hasText: '4 runs' }).waitFor()
    await page.getByRole('button', { name: 'Charts', exact: true }).click()
    await page.waitForURL(/\/charts\?runs=/)
    assert.deepEqual(await settled(charts, (c) => c.length === 3), ['accuracy', 'loss', LONG])
    await figure(LONG).locator('figcaption > span').first().dragTo(figure('accuracy').locator('figcaption > span').first())
    assert.deepEqual(await settled(charts, (c) => c[0] === LONG), [LONG, 'accuracy', 'loss'])
    assert.equal(layoutParam(), `${LONG},accuracy,loss`)
    await page.getByRole('button', { name: 'Move loss earlier' }).click()
    assert.deepEqual(await settled(charts, (c) => c[1] === 'loss'), [LONG, 'loss', 'accuracy'])
    await page.getByRole('link', { name: 'Open accuracy' }).focus()
    await page.keyboard.press('Alt+Shift+ArrowLeft')
    assert.deepEqual(await settled(charts, (c) => c[1] === 'accuracy'), [LONG, 'accuracy', 'loss'])
    assert.equal(await page.getByRole('link', { name: 'Open accuracy' }).evaluate((e) => e === document.activeElement), true)
    assert.equal(layoutParam(), `${LONG},accuracy,loss`)
  })

  it('adds a scatter and parallel coordinates with chosen axes, labels inside the chart and apart', async () => {
    await page.getByText('Add chart').click()
    await page.getByLabel('Scatter horizontal axis').selectOption('params.lr')
    await page.getByLabel('Scatter vertical axis').selectOption(`metrics.${LONG}`)
    await page.getByRole('button', { name: 'Add scatter' }).click()
    const scatter = figure(`scatter|params.lr|metrics.${LONG}`)
    await scatter.locator('svg.scatter').waitFor()
    assert.equal(await scatter.locator('circle').count(), 4)
    assert.equal(await scatter.getAttribute('data-kind'), 'scatter')
    await assertLabelsFit(scatter.locator('svg.scatter'), '.axis-tick, .axis-title')

    await page.getByLabel('Chart kind').selectOption('parallel')
    for (const axis of ['param lr', 'param optimizer_with_a_long_descriptive_name', 'metric accuracy', `metric ${LONG}`, 'metric loss']) {
      await page.locator('.add-chart label', { hasText: axis }).locator('input').check()
    }
    await page.getByRole('button', { name: 'Add parallel coordinates' }).click()
    const axes = ['params.lr', 'params.optimizer_with_a_long_descriptive_name', 'metrics.accuracy', `metrics.${LONG}`, 'metrics.loss']
    const parallel = figure(`parallel|${axes.join('|')}`)
    await parallel.locator('svg.parallel').waitFor()
    assert.equal(await parallel.locator('polyline').count(), 4)
    assert.deepEqual(await parallel.locator('g[data-axis]').evaluateAll((els) => els.map((e) => e.getAttribute('data-axis'))), axes)
    await assertLabelsFit(parallel.locator('svg.parallel'), '.axis-title')
    assert.deepEqual(await charts(), [LONG, 'accuracy', 'loss', `scatter|params.lr|metrics.${LONG}`, `parallel|${axes.join('|')}`])
    await page.keyboard.press('Escape')
    await page.locator('.add-chart summary').click()
    await scatter.scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SCREENSHOTS}chart-layout.png`, fullPage: true })
  })

  it('keeps the layout on reload and opens it again from the runs table', async () => {
    await page.getByLabel('Log scale').check()
    await page.waitForURL(/log=1/)
    const layout = await charts()
    await page.reload()
    assert.deepEqual(await settled(charts, (c) => c.length === 5), layout)
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByTestId('run-count').filter({ hasText: '4 runs' }).waitFor()
    await page.getByRole('button', { name: 'Charts', exact: true }).click()
    await page.waitForURL(/log=1/)
    assert.deepEqual(await settled(charts, (c) => c.length === 5), layout)
    assert.equal(await page.getByLabel('Log scale').isChecked(), true)
    // Removing a chart is a layout change like any other.
    await page.getByRole('button', { name: 'Remove loss' }).click()
    assert.deepEqual(await settled(charts, (c) => c.length === 4), layout.filter((c) => c !== 'loss'))
  })

  it('saves the layout with a view of the runs table; its shared link restores it in another browser', async () => {
    const layout = await charts()
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByTestId('run-count').filter({ hasText: '4 runs' }).waitFor()
    await page.locator('.saved-views summary').click()
    await page.getByLabel('View name').fill('Sweep charts')
    await page.getByRole('button', { name: 'Save view' }).click()
    await page.locator('.view-list li', { hasText: 'Sweep charts' }).waitFor()
    const tag = (await api.getExperiment(experimentId)).tags.find((t) => t.key.startsWith('mlflow.sharedViewState.'))!
    const state = JSON.parse(JSON.parse(tag.value).state)
    assert.deepEqual(state.orchardCharts.compareRunCharts.map((c: { type: string }) => c.type), ['LINE', 'LINE', 'SCATTER', 'PARALLEL'])
    assert.equal(state.orchardCharts.scaleType, 'log')

    const other = await newPage(browser)
    try {
      await other.goto(`${server.url}/experiments/${experimentId}?viewStateShareKey=${tag.key.slice('mlflow.sharedViewState.'.length)}`)
      await other.getByTestId('run-count').filter({ hasText: '4 runs' }).waitFor()
      await other.getByRole('button', { name: 'Charts', exact: true }).click()
      await other.waitForURL(/log=1/)
      const restored = () => other.locator('[data-testid=chart-grid] > figure').evaluateAll((els) => els.map((e) => e.getAttribute('data-chart')))
      assert.deepEqual(await settled(restored, (c) => c.length === 4), layout)
    } finally {
      await other.context().close()
    }
  })
})
