// The header's workspace switcher in Chromium: shown when server-info reports workspaces, it lists
// them, and picking one makes every later call of the page carry X-MLFLOW-WORKSPACE.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, newPage } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

describe('workspace switcher in Chromium', () => {
  let server: UiServer
  let plain: UiServer
  let browser: Browser
  let page: Page

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer({ enableWorkspaces: true }), launchBrowser()])
    plain = await startUiServer()
    page = await newPage(browser)
    const created = await fetch(`${server.url}/api/3.0/mlflow/workspaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'team-a' }),
    })
    assert.equal(created.status, 201)
    await new RestTransport(server.url).createExperiment({ name: 'home-experiment' })
    await new RestTransport(server.url, { workspace: 'team-a' }).createExperiment({ name: 'team-experiment' })
  })

  after(async () => {
    await browser?.close()
    await server?.close()
    await plain?.close()
  })

  it('switches workspaces from the header and sends the header on every call', async () => {
    const sent: (string | undefined)[] = []
    page.on('request', (request) => {
      if (request.url().includes('/experiments/search')) sent.push(request.headers()['x-mlflow-workspace'])
    })
    await page.goto(server.url)
    const switcher = page.getByLabel('Workspace')
    await switcher.waitFor()
    assert.deepEqual(await switcher.locator('option').allTextContents(), ['default', 'team-a'])
    assert.equal(await switcher.inputValue(), 'default')
    await page.getByLabel('Select home-experiment').waitFor()
    assert.equal(await page.getByLabel('Select team-experiment').count(), 0)

    await Promise.all([page.waitForURL(`${server.url}/`), switcher.selectOption('team-a')])
    await page.getByLabel('Select team-experiment').waitFor()
    assert.equal(await page.getByLabel('Select home-experiment').count(), 0)
    assert.equal(await page.getByLabel('Workspace').inputValue(), 'team-a')
    assert.equal(sent.at(-1), 'team-a')
    assert.equal(sent[0], undefined)

    // Back to default: the choice is forgotten and the header is no longer sent.
    await Promise.all([page.waitForURL(`${server.url}/`), page.getByLabel('Workspace').selectOption('default')])
    await page.getByLabel('Select home-experiment').waitFor()
    assert.equal(await page.evaluate(() => localStorage.getItem('orchard.workspace')), null)
  })

  it('shows no switcher on a server without workspaces', async () => {
    const other = await newPage(browser)
    await other.goto(plain.url)
    await other.getByRole('navigation', { name: 'Sections' }).waitFor()
    await other.waitForLoadState('networkidle')
    assert.equal(await other.getByLabel('Workspace').count(), 0)
    await other.close()
  })
})
