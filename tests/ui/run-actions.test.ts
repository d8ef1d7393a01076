// The runs table's actions in Chromium: on ticked runs, move to another experiment (Orchard's
// orchard/runs/move), delete and restore, tag and description, each behind a dialog; in the cells,
// rename and tag edits in place. Each is read back from the server; a refusal is shown where it was
// made and changes nothing.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, newPage } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

describe('runs table actions in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let api: RestTransport
  let source: string
  let destination: string
  let doomed: string
  const runIds: Record<string, string> = {}
  const artifactUris: Record<string, string> = {}

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    api = new RestTransport(server.url)
    source = await api.createExperiment({ name: 'taxi/sweep' })
    destination = await api.createExperiment({ name: 'taxi/keepers' })
    doomed = await api.createExperiment({ name: 'taxi/doomed' })
    for (const name of ['ridge-a', 'ridge-b', 'lasso-c']) {
      const run = await api.createRun({ experimentId: source, runName: name })
      runIds[name] = run.info.runId
      artifactUris[name] = run.info.artifactUri
    }
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  const where = async (name: string) => (await api.getRun(runIds[name]!)).info.experimentId
  const openSource = async (count: number) => {
    await page.goto(`${server.url}/experiments/${source}`)
    await page.getByTestId('run-count').filter({ hasText: new RegExp(`^${count} runs$`) }).waitFor()
  }
  const actions = () => page.getByRole('group', { name: 'Selected runs' })

  it('shows the server’s refusal in the move dialog and moves nothing', async () => {
    await openSource(3)
    await page.getByLabel('Select ridge-a').check()
    // The destination is deleted after the page listed it: the server refuses, the dialog says why.
    await api.deleteExperiment(doomed)
    await actions().getByRole('button', { name: 'Move…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Move “ridge-a” to another experiment?' })
    await dialog.getByLabel('Destination experiment').selectOption({ label: 'taxi/doomed' })
    await dialog.getByRole('button', { name: 'Move' }).click()
    await dialog.getByRole('alert').filter({ hasText: "must be in the 'active' state" }).waitFor()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    assert.equal(await where('ridge-a'), source)
  })

  it('moves the selected runs after a confirmation, keeping their artifact locations', async () => {
    await openSource(3)
    await page.getByLabel('Select ridge-a').check()
    await page.getByLabel('Select ridge-b').check()
    await actions().getByRole('button', { name: 'Move…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Move 2 runs to another experiment?' })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    assert.equal(await where('ridge-a'), source)
    await actions().getByRole('button', { name: 'Move…' }).click()
    assert.deepEqual(await dialog.getByLabel('Destination experiment').locator('option').allTextContents(), ['taxi/keepers', 'Default'])
    await dialog.getByLabel('Destination experiment').selectOption({ label: 'taxi/keepers' })
    await dialog.getByRole('button', { name: 'Move' }).click()
    await page.getByTestId('run-count').filter({ hasText: /^1 runs$/ }).waitFor()
    for (const name of ['ridge-a', 'ridge-b']) {
      const run = await api.getRun(runIds[name]!)
      assert.equal(run.info.experimentId, destination)
      assert.equal(run.info.artifactUri, artifactUris[name])
    }
    assert.equal(await where('lasso-c'), source)
  })

  it('renames a run in its name cell: the pencil or F2 opens it, Escape cancels, Enter saves', async () => {
    await openSource(1)
    const nameCell = () => page.locator('.grid-body [role=row] .cell.name')
    await nameCell().hover()
    await page.getByRole('button', { name: 'Rename lasso-c' }).click()
    const input = page.getByLabel('Run name of lasso-c', { exact: true })
    await input.fill('not this')
    await input.press('Escape')
    await input.waitFor({ state: 'detached' })
    assert.equal(await nameCell().locator('a').textContent(), 'lasso-c')
    assert.equal((await api.getRun(runIds['lasso-c']!)).info.runName, 'lasso-c')
    // An empty name is refused in place, and nothing is sent.
    await page.getByRole('link', { name: 'lasso-c' }).focus()
    await page.keyboard.press('F2')
    await input.fill('  ')
    await input.press('Enter')
    await page.locator('.inline-edit [role=alert]').filter({ hasText: 'A run needs a name' }).waitFor()
    await input.fill('lasso-final')
    await input.press('Enter')
    await page.getByRole('link', { name: 'lasso-final' }).waitFor()
    assert.equal((await api.getRun(runIds['lasso-c']!)).info.runName, 'lasso-final')
    assert.equal(await page.getByTestId('run-count').textContent(), '1 runs')
  })

  it('adds, changes and removes a tag in its column’s cell; sets other tags and the description behind a dialog', async () => {
    await page.goto(`${server.url}/experiments/${source}?cols=tags.stage`)
    await page.getByTestId('run-count').filter({ hasText: /^1 runs$/ }).waitFor()
    const runId = runIds['lasso-c']!
    const tag = async () => (await api.getRun(runId)).data.tags.find((t) => t.key === 'stage')?.value
    const cell = page.locator('.grid-body [role=row] [role=cell].editable')
    await cell.hover()
    await page.getByRole('button', { name: 'Add tag stage of lasso-final' }).click()
    const input = page.getByLabel('Tag stage of lasso-final', { exact: true })
    await input.fill('candidate')
    await input.press('Enter')
    await cell.locator('.text').filter({ hasText: 'candidate' }).waitFor()
    assert.equal(await tag(), 'candidate')
    // Double-click edits too; Escape leaves the tag as it was.
    await cell.dblclick()
    await input.fill('champion')
    await input.press('Escape')
    assert.equal(await cell.locator('.text').textContent(), 'candidate')
    await cell.dblclick()
    await input.fill('champion')
    await input.press('Enter')
    await cell.locator('.text').filter({ hasText: 'champion' }).waitFor()
    assert.equal(await tag(), 'champion')
    // Emptied, the tag is removed.
    await cell.dblclick()
    await input.fill('')
    await input.press('Enter')
    await input.waitFor({ state: 'detached' })
    assert.equal(await cell.locator('.text').textContent(), '')
    assert.equal(await tag(), undefined)

    await page.getByLabel('Select lasso-final').check()
    assert.equal(await actions().getByRole('button', { name: 'Rename…' }).count(), 0, 'renaming is in place now')
    await actions().getByRole('button', { name: 'Tag…' }).click()
    await page.getByLabel('New tag key').fill('owner')
    await page.getByLabel('New tag value').fill('ana')
    await page.getByRole('dialog').getByRole('button', { name: 'Set tag' }).click()
    await page.getByRole('dialog').waitFor({ state: 'detached' })
    await actions().getByRole('button', { name: 'Description…' }).click()
    await page.getByLabel('Run description (markdown)').fill('Lasso with **alpha 0.01**.')
    await page.getByRole('dialog').getByRole('tab', { name: 'Preview' }).click()
    await page.getByRole('dialog').getByRole('tabpanel', { name: 'Description preview' }).locator('strong', { hasText: 'alpha 0.01' }).waitFor()
    await page.getByRole('dialog').getByRole('button', { name: 'Save description' }).click()
    await page.getByRole('dialog').waitFor({ state: 'detached' })
    const tags = new Map((await api.getRun(runId)).data.tags.map((t) => [t.key, t.value]))
    assert.equal(tags.get('owner'), 'ana')
    assert.equal(tags.get('mlflow.note.content'), 'Lasso with **alpha 0.01**.')
    // An empty key is refused by the server in the dialog's own words.
    await actions().getByRole('button', { name: 'Tag…' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Set tag' }).click()
    await page.getByRole('dialog').getByRole('alert').waitFor()
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click()
  })

  it('deletes and restores selected runs behind a confirmation', async () => {
    await page.goto(`${server.url}/experiments/${destination}`)
    await page.getByTestId('run-count').filter({ hasText: /^2 runs$/ }).waitFor()
    await page.getByLabel('Select ridge-a').check()
    await page.getByLabel('Select ridge-b').check()
    await actions().getByRole('button', { name: 'Delete' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete 2 runs?' })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    assert.equal((await api.getRun(runIds['ridge-a']!)).info.lifecycleStage, 'active')
    await actions().getByRole('button', { name: 'Delete' }).click()
    await dialog.getByRole('button', { name: 'Delete' }).click()
    await page.getByTestId('run-count').filter({ hasText: /^0 runs$/ }).waitFor()
    assert.equal((await api.getRun(runIds['ridge-a']!)).info.lifecycleStage, 'deleted')
    assert.equal((await api.getRun(runIds['ridge-b']!)).info.lifecycleStage, 'deleted')
    await page.getByRole('region', { name: 'Runs' }).getByLabel('Show deleted').check()
    await page.getByTestId('run-count').filter({ hasText: /^2 runs$/ }).waitFor()
    await page.getByLabel('Select ridge-b').check()
    await actions().getByRole('button', { name: 'Restore' }).click()
    await page.getByRole('dialog', { name: 'Restore run “ridge-b”?' }).getByRole('button', { name: 'Restore' }).click()
    await page.getByRole('dialog').waitFor({ state: 'detached' })
    assert.equal((await api.getRun(runIds['ridge-b']!)).info.lifecycleStage, 'active')
    assert.equal((await api.getRun(runIds['ridge-a']!)).info.lifecycleStage, 'deleted')
  })
})
