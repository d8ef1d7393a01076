// Reordering the runs table's columns in Chromium: a header dragged onto another in its group takes
// that place, Alt+Shift+Arrow does the same from the keyboard, columns never leave their group, and
// the order is kept in the URL and remembered per experiment with the rest of the column choice.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, newPage, settled } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

const T0 = 1_763_000_000_000

describe('column reordering in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let experimentId: string

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    const api = new RestTransport(server.url)
    experimentId = await api.createExperiment({ name: 'reorder' })
    for (let r = 0; r < 3; r++) {
      const run = await api.createRun({ experimentId, runName: `run-${r}`, startTime: T0 + r })
      await api.logBatch(run.info.runId, {
        params: [{ key: 'depth', value: String(r) }, { key: 'width', value: String(r * 2) }],
        metrics: ['alpha', 'beta', 'gamma'].map((key, k) => ({ key, value: r + k, timestamp: T0, step: 0 })),
      })
    }
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  const order = () => page.locator('.grid-header button.sort[data-column]').evaluateAll((els) => els.map((e) => e.getAttribute('data-column')).filter((c) => c !== 'run_name' && !['start_time', 'user_id', 'status'].includes(c!)))
  const header = (id: string) => page.locator(`.grid-header [role=columnheader]:has(button.sort[data-column="${id}"])`)
  const cols = () => new URL(page.url()).searchParams.get('cols')

  it('moves a column by dragging its header onto another of its group, in the URL and remembered', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}?cols=metrics.alpha,metrics.beta,metrics.gamma,params.depth,params.width`)
    await page.getByTestId('run-count').filter({ hasText: '3 runs' }).waitFor()
    assert.deepEqual(await order(), ['metrics.alpha', 'metrics.beta', 'metrics.gamma', 'params.depth', 'params.width'])
    await header('metrics.gamma').dragTo(header('metrics.alpha'))
    assert.deepEqual(await settled(order, (o) => o[0] === 'metrics.gamma'), ['metrics.gamma', 'metrics.alpha', 'metrics.beta', 'params.depth', 'params.width'])
    await page.waitForURL(/cols=metrics.gamma/)
    assert.equal(cols(), 'metrics.gamma,metrics.alpha,metrics.beta,params.depth,params.width')
    // The cells follow their headers.
    const firstRow = page.locator('.grid-body [role=row]').first().locator('[role=cell]')
    assert.deepEqual((await firstRow.allTextContents()).slice(5, 8), ['4', '2', '3'])
    // A param dropped on a metric stays among the params.
    await header('params.width').dragTo(header('metrics.alpha'))
    await header('params.width').dragTo(header('params.depth'))
    assert.deepEqual(await settled(order, (o) => o[3] === 'params.width'), ['metrics.gamma', 'metrics.alpha', 'metrics.beta', 'params.width', 'params.depth'])
    // Opened again without cols= in the URL: this browser's last order.
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByTestId('run-count').filter({ hasText: '3 runs' }).waitFor()
    assert.deepEqual(await settled(order, (o) => o[0] === 'metrics.gamma'), ['metrics.gamma', 'metrics.alpha', 'metrics.beta', 'params.width', 'params.depth'])
  })

  it('moves a column with Alt+Shift+Arrow on its header, keeping focus and saying where it went', async () => {
    const button = page.locator('.grid-header button.sort[data-column="metrics.gamma"]')
    await button.focus()
    await page.keyboard.press('Alt+Shift+ArrowRight')
    assert.deepEqual(await settled(order, (o) => o[1] === 'metrics.gamma'), ['metrics.alpha', 'metrics.gamma', 'metrics.beta', 'params.width', 'params.depth'])
    await page.keyboard.press('Alt+Shift+ArrowRight')
    // The last metric does not cross into the params.
    await page.keyboard.press('Alt+Shift+ArrowRight')
    assert.deepEqual(await settled(order, (o) => o[2] === 'metrics.gamma'), ['metrics.alpha', 'metrics.beta', 'metrics.gamma', 'params.width', 'params.depth'])
    assert.equal(await button.evaluate((e) => e === document.activeElement), true)
    assert.equal(await page.locator('.sr-only[aria-live]').first().textContent(), 'Moved column gamma')
    await page.waitForURL(/cols=metrics.alpha%2Cmetrics.beta%2Cmetrics.gamma|cols=metrics.alpha,metrics.beta,metrics.gamma/)
    assert.match(await header('metrics.gamma').getAttribute('aria-keyshortcuts') ?? '', /Alt\+Shift\+ArrowLeft/)
  })
})
