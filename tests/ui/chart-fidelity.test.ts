// Full-fidelity charts in Chromium: a 100,000-step history with one spike. Sampling 320 points (what
// MLflow's UI asks for) misses the spike; the bucketed chart keeps it in its min/max band, and zooming
// in fetches finer buckets until every logged point is drawn.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { SCREENSHOTS, launchBrowser, newPage } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

const STEPS = 100_000
const SPIKE_STEP = 54_321
const SPIKE = 25
const T0 = 1_763_000_000_000
const valueAt = (step: number) => (step === SPIKE_STEP ? SPIKE : 0.5 + 0.1 * Math.sin(step / 500))

describe('full-fidelity metric chart in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let runId: string
  let chartUrl: string
  const bucketRequests: URLSearchParams[] = []

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    page.on('request', (request) => {
      if (request.url().includes('/orchard/metrics/get-history-buckets')) bucketRequests.push(new URL(request.url()).searchParams)
    })
    const api = new RestTransport(server.url)
    const experimentId = await api.createExperiment({ name: 'long-history' })
    runId = (await api.createRun({ experimentId, runName: 'long' })).info.runId
    for (let start = 0; start < STEPS; start += 1000) {
      const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: valueAt(start + i), timestamp: T0 + (start + i) * 10, step: start + i }))
      await api.logBatch(runId, { metrics })
    }
    chartUrl = `${server.url}/experiments/${experimentId}/charts?runs=${runId}&metric=loss`
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('misses the spike with 320-point sampling (the baseline this chart beats)', async () => {
    const url = `${server.url}/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=${runId}&metric_key=loss&max_results=320`
    const sampled = ((await (await fetch(url)).json()) as { metrics: { value: number }[] }).metrics
    assert.ok(sampled.length >= 320 && sampled.length <= 322)
    assert.ok(Math.max(...sampled.map((m) => m.value)) < 1, 'no sampled point is the spike')
  })

  const legendValues = () => page.locator('[data-testid=metric-chart] .u-legend .u-series .u-value').allTextContents()

  it('draws the whole history in buckets whose max band holds the spike', async () => {
    await page.goto(chartUrl)
    const chart = page.locator('[data-testid=metric-chart]')
    await chart.locator('canvas').waitFor()
    assert.equal(await chart.getAttribute('data-banded'), 'true')
    assert.equal(
      await page.getByTestId('chart-resolution').textContent(),
      "Steps 0–99,999 in buckets of 100 steps: the line is each bucket's last value, the band its min and max. Drag across the chart to zoom in; double-click to zoom out. ",
    )
    assert.equal(bucketRequests.at(-1)?.get('buckets'), '1000')
    assert.equal(bucketRequests.at(-1)?.has('x_min'), false)
    const labels = await page.locator('[data-testid=metric-chart] .u-legend .u-series .u-label').allTextContents()
    assert.deepEqual(labels, ['step', 'long', 'long min', 'long max'])
    const summary = (await page.locator('table[aria-label="Run summary"] tbody tr').first().locator('td').allTextContents()).slice(1)
    assert.deepEqual(summary.slice(1), ['0.4', String(SPIKE), String(STEPS)], 'min, max (the spike) and every point counted')

    // Hover across the spike's bucket (last step 54,399): the band's max there is the spike.
    const over = (await chart.locator('.u-over').boundingBox())!
    const atStep = (step: number) => over.x + (over.width * (step - 99)) / (99_999 - 99)
    const maxima = new Set<string>()
    for (let dx = -3; dx <= 3; dx++) {
      await page.mouse.move(atStep(54_399) + dx, over.y + over.height / 2)
      maxima.add((await legendValues())[3]!)
    }
    assert.ok(maxima.has(String(SPIKE)), `the max band reaches ${SPIKE} near step ${SPIKE_STEP}; saw ${[...maxima]}`)
    await page.screenshot({ path: `${SCREENSHOTS}chart-fidelity.png` })
  })

  it('fetches finer buckets on zoom until every point is drawn, and zooms back out', async () => {
    const chart = page.locator('[data-testid=metric-chart]')
    const over = (await chart.locator('.u-over').boundingBox())!
    const atStep = (step: number) => over.x + (over.width * (step - 99)) / (99_999 - 99)
    const before = bucketRequests.length
    await page.mouse.move(atStep(54_000), over.y + over.height / 2)
    await page.mouse.down()
    await page.mouse.move(atStep(54_700), over.y + over.height / 2, { steps: 5 })
    await page.mouse.up()
    await page.getByTestId('chart-resolution').filter({ hasText: 'full resolution' }).waitFor()
    const zoomed = bucketRequests.slice(before)
    assert.equal(zoomed.length, 1)
    const [low, high] = [Number(zoomed[0]!.get('x_min')), Number(zoomed[0]!.get('x_max'))]
    assert.ok(low > 53_500 && low < SPIKE_STEP && high > SPIKE_STEP && high < 55_300, `zoomed to ${low}–${high}`)
    assert.match((await page.getByTestId('chart-resolution').textContent()) ?? '', /^Steps [\d,]+–[\d,]+: every logged point drawn \(full resolution\)\./)
    const summary = (await page.locator('table[aria-label="Run summary"] tbody tr').first().locator('td').allTextContents()).slice(1)
    assert.equal(summary[2], String(SPIKE))
    assert.equal(Number(summary[3]), high - low + 1, 'one bucket per step in the range')
    assert.equal(await chart.getAttribute('data-banded'), null, 'single-point buckets need no band')
    await page.screenshot({ path: `${SCREENSHOTS}chart-zoomed.png` })

    await page.getByRole('button', { name: 'Reset zoom' }).click()
    await page.getByTestId('chart-resolution').filter({ hasText: 'buckets of 100 steps' }).waitFor()
    assert.equal(bucketRequests.at(-1)?.has('x_min'), false)
  })
})
