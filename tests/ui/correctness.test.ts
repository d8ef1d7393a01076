// Details that were wrong before, each checked in Chromium: chart ticks for tiny and huge values, a
// single-point series, scatter labels inside the plot, MLmodel flavors with dots in their names.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { SCREENSHOTS, launchBrowser, newPage, settled } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

const T0 = 1_763_000_000_000

describe('chart and preview details in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let experimentId: string
  const ids: string[] = []

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    const api = new RestTransport(server.url)
    experimentId = await api.createExperiment({ name: 'details' })
    for (let r = 0; r < 2; r++) {
      const run = await api.createRun({ experimentId, runName: `run-${r}`, startTime: T0 + r })
      ids.push(run.info.runId)
      await api.logBatch(run.info.runId, {
        params: [{ key: 'learning_rate_schedule_with_a_long_name', value: r ? 'cosine-annealing-with-warm-restarts' : 'constant' }],
        metrics: [
          ...Array.from({ length: 20 }, (_, step) => ({ key: 'tiny', value: (1 + step + r) * 1e-6, timestamp: T0 + step, step })),
          ...Array.from({ length: 20 }, (_, step) => ({ key: 'huge', value: (1 + step) * 2.5e9 * (r + 1), timestamp: T0 + step, step })),
          { key: 'single', value: 0.42 + r * 0.01, timestamp: T0, step: 0 },
          { key: 'evaluation_recall_at_k_precision_weighted', value: 0.000123456789 * (r + 1), timestamp: T0, step: 0 },
        ],
      })
    }
    const mlmodel = 'artifact_path: model\nflavors:\n  orchard.linear:\n    coefficients: coef.json\n  python_function:\n    loader_module: orchard.serve\nrun_id: abc\n'
    const response = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${ids[0]}/artifacts/model/MLmodel`, { method: 'PUT', body: mlmodel })
    assert.equal(response.status, 200)
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  const chartPage = (metric: string) => `${server.url}/experiments/${experimentId}/charts?runs=${ids.join(',')}&metric=${metric}`
  const ticksOf = async () => {
    const chart = page.getByTestId('metric-chart')
    const ticks = await settled(async () => (await chart.getAttribute('data-y-ticks')) ?? '', (t) => t !== '')
    return ticks.split('|')
  }

  it('labels tiny values in scientific notation, never all 0', async () => {
    await page.goto(chartPage('tiny'))
    const ticks = await ticksOf()
    assert.ok(ticks.length >= 3, `ticks ${ticks.join(' ')}`)
    assert.equal(new Set(ticks).size, ticks.length, `every tick differs: ${ticks.join(' ')}`)
    assert.ok(ticks.every((t) => /^-?\d(\.\d+)?e-\d+$|^0$/.test(t)), `scientific ticks: ${ticks.join(' ')}`)
    // Each label is the tick's exact value: evenly spaced, none rounded to its neighbour's digits.
    const values = ticks.map(Number)
    const gaps = values.slice(1).map((v, i) => v - values[i]!)
    assert.ok(gaps.every((g) => Math.abs(g - gaps[0]!) < Math.abs(gaps[0]!) * 1e-6), `even ticks: ${ticks.join(' ')}`)
    await page.screenshot({ path: `${SCREENSHOTS}chart-tiny.png` })
  })

  it('labels huge values with an SI suffix', async () => {
    await page.goto(chartPage('huge'))
    const ticks = await ticksOf()
    assert.equal(new Set(ticks).size, ticks.length)
    assert.ok(ticks.every((t) => /^\d+(\.\d+)?[GT]$|^0$/.test(t)), `SI ticks: ${ticks.join(' ')}`)
  })

  it('draws a single-point series on an axis around its value, not 0 to 100', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}/charts?runs=${ids[0]}&metric=single`)
    const chart = page.getByTestId('metric-chart')
    const range = await settled(async () => (await chart.getAttribute('data-y-range')) ?? '', (r) => r !== '')
    const [min, max] = range.split(',').map(Number) as [number, number]
    assert.ok(min < 0.42 && max > 0.42, `range ${range} holds the value`)
    assert.ok(max - min < 1, `range ${range} is about the value, not 0–100`)
  })

  it('keeps scatter tick labels and titles inside the plot', async () => {
    await page.goto(
      `${server.url}/experiments/${experimentId}/compare?runs=${ids.join(',')}&sx=params.learning_rate_schedule_with_a_long_name&sy=metrics.evaluation_recall_at_k_precision_weighted`,
    )
    const scatter = page.locator('svg.scatter')
    await scatter.waitFor()
    const outside = await scatter.evaluate((svg) => {
      const box = svg.getBoundingClientRect()
      return [...svg.querySelectorAll('text')]
        .filter((t) => {
          const b = t.getBoundingClientRect()
          return b.left < box.left - 0.5 || b.right > box.right + 0.5 || b.top < box.top - 0.5 || b.bottom > box.bottom + 0.5
        })
        .map((t) => t.textContent)
    })
    assert.deepEqual(outside, [])
    // A cut label keeps its full text on hover.
    assert.ok((await scatter.locator('text title').allTextContents()).includes('cosine-annealing-with-warm-restarts'))
    // Parallel-coordinates titles: inside the plot and clear of each other, long key names included.
    const parallel = page.locator('svg.parallel')
    await parallel.waitFor()
    const titles = await parallel.evaluate((svg) => {
      const box = svg.getBoundingClientRect()
      return [...svg.querySelectorAll('text.axis-title')].map((t) => {
        const b = t.getBoundingClientRect()
        return { text: t.textContent ?? '', left: b.left, right: b.right, top: b.top, bottom: b.bottom, inside: b.left >= box.left - 0.5 && b.right <= box.right + 0.5 }
      })
    })
    assert.ok(titles.length >= 3, `axes: ${titles.map((t) => t.text).join(', ')}`)
    assert.deepEqual(titles.filter((t) => !t.inside).map((t) => t.text), [])
    const overlapping = titles.flatMap((a, i) => titles.slice(i + 1).filter((b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom).map((b) => `${a.text} / ${b.text}`))
    assert.deepEqual(overlapping, [])
  })

  it('lists MLmodel flavors whose names hold dots', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}/runs/${ids[0]}?tab=artifacts&path=model%2FMLmodel`)
    const flavors = page.locator('table[aria-label="MLmodel summary"] tr', { hasText: 'Flavors' }).locator('td')
    await flavors.waitFor()
    assert.equal(await flavors.textContent(), 'orchard.linear, python_function')
  })
})
