// Keyboard access to the main actions, narrow windows, and the empty, error and loading states of the
// pages added with compare, artifacts and the registry, in Chromium against a real server.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { registryRoutes } from '@orchard/protocol'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { SCREENSHOTS, launchBrowser, newPage } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

const MISSING_RUN = 'f'.repeat(32)

describe('keyboard, narrow windows and page states in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let experimentId: string
  const ids = new Map<string, string>()

  const registry = async (path: string, body: Record<string, unknown>) => {
    const response = await fetch(`${server.url}/api/2.0${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    assert.equal(response.status, 200, await response.text())
  }

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    const api = new RestTransport(server.url)
    experimentId = await api.createExperiment({ name: 'keyboard' })
    for (const [i, name] of ['alpha', 'beta', 'gamma'].entries()) {
      const run = await api.createRun({ experimentId, runName: name, startTime: 1_763_000_000_000 + i })
      ids.set(name, run.info.runId)
      if (name !== 'gamma') {
        await api.logBatch(run.info.runId, {
          params: [{ key: 'model', value: i ? 'tree' : 'linear' }],
          metrics: [{ key: 'acc', value: 0.5 + i / 10, timestamp: 1, step: 0 }],
        })
      }
    }
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('shows empty and error states readably on the new pages', async () => {
    await page.goto(`${server.url}/models`)
    await page.getByText('No registered models yet.').waitFor()
    await page.goto(`${server.url}/experiments/${experimentId}/compare?runs=${ids.get('alpha')},${MISSING_RUN}`)
    const alert = page.getByRole('alert')
    await alert.waitFor()
    assert.match((await alert.textContent()) ?? '', new RegExp(`^Could not load the runs: .*${MISSING_RUN}`))
    await page.goto(`${server.url}/experiments/${experimentId}/compare?runs=${ids.get('alpha')}`)
    await page.getByText('Select at least two runs').waitFor()
    await page.goto(`${server.url}/experiments/${experimentId}/runs/${ids.get('gamma')}?tab=artifacts`)
    await page.getByText('No artifacts logged.').waitFor()
    await page.goto(`${server.url}/experiments/${experimentId}/runs/${ids.get('gamma')}?tab=artifacts&path=nope.txt`)
    const previewError = page.locator('.artifact-preview [role=alert]')
    await previewError.waitFor()
    assert.match((await previewError.textContent()) ?? '', /^Could not read nope\.txt: .+/)
    await page.goto(`${server.url}/experiments/${experimentId}/charts?runs=${ids.get('gamma')}`)
    await page.getByText('These runs have no metrics.').waitFor()
  })

  it('reaches the filter with “/”, selects runs with the keyboard and opens the comparison', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByTestId('run-count').filter({ hasText: '3 runs' }).waitFor()
    await page.locator('body').press('/')
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Filter runs')
    await page.keyboard.type("params.model != 'x'")
    await page.keyboard.press('Enter')
    await page.getByTestId('run-count').filter({ hasText: '2 runs' }).waitFor()
    for (const name of ['alpha', 'beta']) {
      await page.getByLabel(`Select ${name}`).focus()
      await page.keyboard.press('Space')
    }
    await page.getByRole('button', { name: 'Compare 2' }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Comparing 2 runs' }).waitFor()
    assert.equal(await page.locator('table[aria-label="Run comparison"] tr[data-key="params.model"]').getAttribute('class'), 'differs')
  })

  it('moves between run tabs with the arrow keys', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}/runs/${ids.get('alpha')}`)
    const overview = page.getByRole('tab', { name: 'Overview' })
    await overview.focus()
    await page.keyboard.press('ArrowRight')
    await page.waitForURL(/tab=params$/)
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-tab') === 'params')
    await page.keyboard.press('End')
    await page.waitForURL(/tab=artifacts$/)
    await page.keyboard.press('ArrowRight')
    await page.waitForURL(new RegExp(`/runs/${ids.get('alpha')}$`))
  })

  it('transitions a model version with the keyboard alone: select, then Enter in the dialog', async () => {
    await registry('/mlflow/registered-models/create', { name: 'kbd-model' })
    await registry('/mlflow/model-versions/create', { name: 'kbd-model', source: `runs:/${ids.get('alpha')}/model`, run_id: ids.get('alpha') })
    await page.goto(`${server.url}/models/kbd-model`)
    const select = page.getByLabel('Transition version 1')
    await select.focus()
    await page.keyboard.press('ArrowDown')
    const dialog = page.getByRole('dialog', { name: 'Move version 1 to Staging?' })
    await dialog.waitFor()
    // The modal takes focus, in its comment field: a note for the audit trail, then Enter confirms.
    assert.equal(await page.evaluate(() => document.activeElement?.closest('dialog')?.querySelector('h2')?.textContent), 'Move version 1 to Staging?')
    await page.keyboard.type('keyboard only')
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached' })
    await page.locator('tr[data-version="1"] .stage', { hasText: 'Staging' }).waitFor()
    const reply = await fetch(`${server.url}/api/2.0${registryRoutes.getModelVersion.path}?name=kbd-model&version=1`)
    assert.equal(((await reply.json()) as { model_version: { current_stage: string } }).model_version.current_stage, 'Staging')
    await page.locator('table[aria-label="Audit trail"] tbody tr').first().filter({ hasText: 'keyboard only' }).waitFor()
  })

  it('lays out for a narrow window without the page scrolling sideways', async () => {
    const narrow = await newPage(browser, { width: 600, height: 900 })
    try {
      for (const path of [`/experiments/${experimentId}`, `/experiments/${experimentId}/compare?runs=${ids.get('alpha')},${ids.get('beta')}`, '/models/kbd-model', `/experiments/${experimentId}/runs/${ids.get('alpha')}?tab=artifacts`]) {
        await narrow.goto(`${server.url}${path}`)
        await narrow.locator('main h1').first().waitFor()
        await narrow.waitForLoadState('networkidle')
        const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        assert.ok(overflow <= 0, `${path} overflows sideways by ${overflow}px`)
      }
      await narrow.goto(`${server.url}/experiments/${experimentId}`)
      await narrow.getByTestId('run-count').filter({ hasText: '3 runs' }).waitFor()
      const sidebar = (await narrow.locator('aside').boundingBox())!
      const main = (await narrow.locator('main').boundingBox())!
      assert.ok(sidebar.y + sidebar.height <= main.y + 1, 'the experiments list sits above the page')
      assert.ok(main.width >= 590, `the page takes the full width (${main.width}px)`)
      await narrow.screenshot({ path: `${SCREENSHOTS}runs-narrow.png` })
    } finally {
      await narrow.context().close()
    }
  })
})
