// Comparing three runs in Chromium: the side-by-side table with differences marked, parallel
// coordinates, a scatter of two chosen keys and overlaid metric charts, all read back from the page.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { SCREENSHOTS, launchBrowser, newPage } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

const T0 = 1_763_000_000_000
const RUNS = [
  { name: 'small-lr', lr: '0.001', model: 'tree', accuracy: 0.81 },
  { name: 'mid-lr', lr: '0.01', model: 'linear', accuracy: 0.87 },
  { name: 'big-lr', lr: '0.1', model: 'tree', accuracy: 0.84 },
]

describe('compare runs in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let experimentId: string
  const ids = new Map<string, string>()

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    const api = new RestTransport(server.url)
    experimentId = await api.createExperiment({ name: 'compare/sweep' })
    for (const [i, r] of RUNS.entries()) {
      const run = await api.createRun({ experimentId, runName: r.name, startTime: T0 + i * 1000 })
      ids.set(r.name, run.info.runId)
      await api.logBatch(run.info.runId, {
        params: [
          { key: 'lr', value: r.lr },
          { key: 'model', value: r.model },
          { key: 'seed', value: '7' },
        ],
        metrics: [
          { key: 'accuracy', value: r.accuracy, timestamp: T0, step: 0 },
          ...Array.from({ length: 20 }, (_, step) => ({ key: 'loss', value: (i + 1) / (step + 1), timestamp: T0 + step, step })),
        ],
      })
    }
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('selects three runs in the table and opens the comparison', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`)
    const compare = page.getByRole('button', { name: /^Compare/ })
    for (const r of RUNS) await page.getByLabel(`Select ${r.name}`).check()
    await compare.click()
    await page.waitForURL(/\/compare\?runs=/)
    assert.equal(new URL(page.url()).searchParams.get('runs')?.split(',').length, 3)
    await page.getByRole('heading', { name: 'Comparing 3 runs' }).waitFor()
  })

  it('shows params and metrics side by side and marks the rows that differ', async () => {
    const table = page.locator('table[aria-label="Run comparison"]')
    await table.waitFor()
    const headers = await table.locator('thead th').allTextContents()
    assert.deepEqual(headers.slice(1).sort(), RUNS.map((r) => r.name).sort())
    const cells = async (key: string) => table.locator(`tr[data-key="${key}"] td`).allTextContents()
    const order = headers.slice(1)
    assert.deepEqual(await cells('params.lr'), order.map((n) => RUNS.find((r) => r.name === n)!.lr))
    assert.deepEqual(await cells('metrics.accuracy'), order.map((n) => String(RUNS.find((r) => r.name === n)!.accuracy)))
    assert.deepEqual(await cells('params.seed'), ['7', '7', '7'])
    assert.equal(await table.locator('tr[data-key="params.lr"]').getAttribute('class'), 'differs')
    assert.equal(await table.locator('tr[data-key="params.model"]').getAttribute('class'), 'differs')
    assert.equal(await table.locator('tr[data-key="params.seed"]').getAttribute('class'), null)
    assert.match((await table.locator('tr.section').first().textContent()) ?? '', /Params \(2 of 3 differ\)/)

    await page.getByLabel('Only rows that differ').check()
    assert.equal(await table.locator('tr[data-key="params.seed"]').count(), 0)
    assert.equal(await table.locator('tr[data-key="params.lr"]').count(), 1)
  })

  it('draws parallel coordinates over the differing params and metrics', async () => {
    const svg = page.getByRole('img', { name: 'Parallel coordinates' })
    await svg.waitFor()
    const axes = await svg.locator('g[data-axis]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-axis')))
    assert.deepEqual(axes, ['params.lr', 'params.model', 'metrics.accuracy', 'metrics.loss'])
    const lines = svg.locator('polyline')
    assert.equal(await lines.count(), 3)
    const best = svg.locator(`polyline[data-run-id="${ids.get('mid-lr')}"]`)
    assert.match((await best.locator('title').textContent()) ?? '', /^mid-lr: lr=0\.01, model=linear, accuracy=0\.87/)
    // The best accuracy sits at the top of its axis: the line's third vertex has the smallest y.
    const accuracyY = async (name: string) => Number((await svg.locator(`polyline[data-run-id="${ids.get(name)}"]`).getAttribute('points'))!.split(' ')[2]!.split(',')[1])
    assert.ok((await accuracyY('mid-lr')) < (await accuracyY('big-lr')))
    assert.ok((await accuracyY('big-lr')) < (await accuracyY('small-lr')))
  })

  it('scatters any two keys, chosen in the URL', async () => {
    await page.getByLabel('Scatter X').selectOption('params.lr')
    await page.getByLabel('Scatter Y').selectOption('metrics.accuracy')
    await page.waitForURL(/sx=params\.lr&sy=metrics\.accuracy/)
    const scatter = page.getByRole('img', { name: 'Scatter of accuracy against lr' })
    const dots = await scatter.locator('circle title').allTextContents()
    assert.deepEqual(dots.sort(), ['big-lr: lr=0.1, accuracy=0.84', 'mid-lr: lr=0.01, accuracy=0.87', 'small-lr: lr=0.001, accuracy=0.81'])
    const cx = async (name: string) => Number(await scatter.locator(`circle[data-run-id="${ids.get(name)}"]`).getAttribute('cx'))
    assert.ok((await cx('small-lr')) < (await cx('mid-lr')) && (await cx('mid-lr')) < (await cx('big-lr')), 'x grows with lr')
  })

  it('overlays each metric of the three runs in one chart', async () => {
    const loss = page.locator('figure[data-metric="loss"]')
    await loss.locator('canvas').waitFor()
    const labels = await loss.locator('.u-legend .u-series .u-label').allTextContents()
    assert.deepEqual(labels.slice(1).sort(), RUNS.map((r) => r.name).sort())
    // Not hovered, the legend shows the last loss of each run: (i + 1) / 20.
    const values = await loss.locator('.u-legend .u-series .u-value').allTextContents()
    assert.deepEqual(values.slice(1).sort(), ['0.05', '0.1', '0.15'])
    await page.screenshot({ path: `${SCREENSHOTS}compare.png`, fullPage: true })
    await page.reload()
    await page.locator('table[aria-label="Run comparison"]').waitFor()
    assert.equal(await page.getByLabel('Scatter X').inputValue(), 'params.lr')
  })
})
