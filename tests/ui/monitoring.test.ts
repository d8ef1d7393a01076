// The model version page's Monitoring tab in Chromium: a monitoring run seeded over the REST API,
// as `orchard monitor run` logs it (tags linking it to the version; drift.<column>.value,
// quality.*, serving.* metrics with step = window and timestamp = window start), and the version's
// latest alert tag. The tab draws a chart per family with one line per column or percentile.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { registryRoutes } from '@orchard/protocol'
import type { RouteDef } from '@orchard/protocol'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { SCREENSHOTS, launchBrowser, newPage } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

const MODEL = 'taxi-duration'
const HOUR = 3_600_000

describe('the Monitoring tab of a model version in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page

  const call = async (def: RouteDef, body: Record<string, unknown>) => {
    const response = await fetch(`${server.url}/api/2.0${def.path}`, { method: def.methods[0]!, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const json = (await response.json()) as Record<string, any>
    assert.equal(response.status, 200, JSON.stringify(json))
    return json
  }

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    const api = new RestTransport(server.url)
    const train = await api.createRun({ experimentId: await api.createExperiment({ name: 'taxi' }), runName: 'train' })
    await call(registryRoutes.createRegisteredModel, { name: MODEL })
    for (let i = 0; i < 2; i++) await call(registryRoutes.createModelVersion, { name: MODEL, source: `runs:/${train.info.runId}/model`, run_id: train.info.runId })
    const monitoring = await api.createExperiment({ name: 'monitoring' })
    const run = await api.createRun({
      experimentId: monitoring,
      runName: 'monitor taxi-duration v1',
      tags: [
        { key: 'orchard.monitoring', value: 'true' },
        { key: 'orchard.monitoring.model_name', value: MODEL },
        { key: 'orchard.monitoring.model_version', value: '1' },
      ],
    })
    // Four hourly windows: trip_distance drifts more each hour, the error rate and RMSE grow with it.
    const start = Date.UTC(2026, 11, 3, 8)
    const metrics = [0, 1, 2, 3].flatMap((w) => {
      const at = (key: string, value: number) => ({ key, value, step: w, timestamp: start + w * HOUR })
      return [
        at('drift.trip_distance.value', 0.02 + 0.06 * w),
        at('drift.PU_DO.value', 0.03),
        at('drift.share_drifted', w >= 2 ? 0.5 : 0),
        at('quality.rmse', 6 + w),
        at('quality.mae', 4 + w / 2),
        at('quality.count', 1000),
        at('serving.requests', 120 + 10 * w),
        at('serving.latency_p50_ms', 2),
        at('serving.latency_p99_ms', 9 + w),
        at('serving.error_rate', 0.01 * w),
      ]
    })
    await api.logBatch(run.info.runId, { metrics })
    await call(registryRoutes.setModelVersionTag, { name: MODEL, version: '1', key: 'orchard.monitoring.alert', value: JSON.stringify({ job: 'quality', rules: ['rmse > 8'], raised_at: new Date(start + 3 * HOUR).toISOString() }) })
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('charts drift per feature, quality, traffic, latency and error rate from the runs linked to the version', async () => {
    await page.goto(`${server.url}/models/${MODEL}/versions/1`)
    await page.getByRole('tab', { name: 'Monitoring' }).click()
    const tab = page.getByRole('region', { name: 'Monitoring' })
    await tab.locator('figure[data-chart="Error rate"] canvas').first().waitFor()
    assert.match((await tab.getByRole('alert', { name: 'Monitoring alert' }).textContent()) ?? '', /Latest alert \(quality\): rmse > 8/)
    assert.match((await tab.locator('p.muted').first().textContent()) ?? '', /^1 monitoring run, the latest monitor taxi-duration v1 at/)
    const legend = async (chart: string) => (await tab.locator(`figure[data-chart="${chart}"] .u-legend .u-series th`).allTextContents()).map((t) => t.trim()).filter((t) => t !== '' && t !== 'time')
    assert.deepEqual(await legend('Drift per feature'), ['PU_DO', 'trip_distance'])
    // Each line ends at its last window's value (the legend shows it until hovered).
    assert.deepEqual(await tab.locator('figure[data-chart="Drift per feature"] .u-legend .u-series td').allTextContents(), ['--', '0.03', '0.2'])
    assert.deepEqual(await legend('Quality'), ['mae', 'rmse'])
    assert.deepEqual(await legend('Latency'), ['p50', 'p99'])
    for (const chart of ['Drift per feature', 'Share of drifted columns', 'Quality', 'Traffic', 'Latency', 'Error rate']) {
      assert.equal(await tab.locator(`figure[data-chart="${chart}"] canvas`).count() > 0, true, chart)
    }
    // The overview is hidden while the tab is open, and comes back.
    assert.equal(await page.locator('table.version-facts').count(), 0)
    await page.screenshot({ path: `${SCREENSHOTS}model-version-monitoring.png`, fullPage: true })
    await page.getByRole('tab', { name: 'Overview' }).click()
    await page.locator('table.version-facts').waitFor()
  })

  it('says how to start monitoring a version that has no monitoring runs', async () => {
    await page.goto(`${server.url}/models/${MODEL}/versions/2`)
    await page.getByRole('tab', { name: 'Monitoring' }).click()
    const empty = page.getByRole('region', { name: 'Monitoring' }).locator('.status.empty')
    await empty.waitFor()
    assert.match((await empty.textContent()) ?? '', /No monitoring runs for taxi-duration version 2 yet\. orchard monitor run/)
  })
})
