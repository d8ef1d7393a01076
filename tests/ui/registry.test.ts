// The model registry pages in Chromium, over a registry seeded through the REST API: the models list
// with search, latest versions per stage and aliases; a model's page with versions, stage transitions
// and alias changes behind confirm dialogs, its description, tags and audit trail; a version's page
// linking back to its run and to the model files it came from.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { registryRoutes } from '@orchard/protocol'
import type { RouteDef } from '@orchard/protocol'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { SCREENSHOTS, launchBrowser, newPage, settled } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

const MODEL = 'churn-classifier'

describe('model registry pages in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let runId: string
  let experimentId: string

  /** One registry call over HTTP, as any client makes it; resolves to the reply's JSON. */
  const call = async (def: RouteDef, body: Record<string, unknown>) => {
    const method = def.methods[0]!
    const url = new URL(`${server.url}/api/2.0${def.path}`)
    if (method === 'GET') for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v))
    const response = await fetch(url, method === 'GET' ? {} : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const json = (await response.json()) as Record<string, any>
    assert.equal(response.status, 200, JSON.stringify(json))
    return json
  }
  const stageOf = async (version: string) => (await call(registryRoutes.getModelVersion, { name: MODEL, version })).model_version.current_stage as string

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    const api = new RestTransport(server.url)
    experimentId = await api.createExperiment({ name: 'churn' })
    const run = await api.createRun({ experimentId, runName: 'train-gbm' })
    runId = run.info.runId
    const mlmodel =
      `artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n  sklearn:\n    pickled_model: model.pkl\nrun_id: ${runId}\n` +
      `saved_input_example_info:\n  artifact_path: input_example.json\n  type: dataframe\n` +
      `signature:\n  inputs: '[{"type": "double", "name": "tenure_months", "required": true}, {"type": "string",\n    "name": "plan", "required": false}]'\n  outputs: '[{"type": "long", "required": true}]'\n  params: null\n`
    for (const [path, body] of [['model/MLmodel', mlmodel], ['model/input_example.json', '{"columns": ["tenure_months", "plan"], "data": [[12.0, "pro"]]}']]) {
      const upload = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/${path}`, { method: 'PUT', body })
      assert.equal(upload.status, 200)
    }

    await call(registryRoutes.createRegisteredModel, { name: MODEL, description: 'Predicts **churn** per account.', tags: [{ key: 'team', value: 'growth' }] })
    for (let i = 0; i < 3; i++) await call(registryRoutes.createModelVersion, { name: MODEL, source: `runs:/${runId}/model`, run_id: runId })
    await call(registryRoutes.transitionModelVersionStage, { name: MODEL, version: '1', stage: 'Production', archive_existing_versions: false })
    await call(registryRoutes.setRegisteredModelAlias, { name: MODEL, alias: 'champion', version: '1' })
    await call(registryRoutes.createRegisteredModel, { name: 'fraud-detector' })
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('lists models with their latest version per stage and aliases, and searches by name', async () => {
    await page.goto(server.url)
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Models' }).click()
    await page.waitForURL(/\/models$/)
    const rows = page.locator('table[aria-label=Models] tbody tr')
    await rows.first().waitFor()
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-model'))), [MODEL, 'fraud-detector'])
    const churn = page.locator(`tr[data-model="${MODEL}"]`)
    assert.deepEqual(await churn.locator('.version-chip').allTextContents(), ['Production v1', 'None v3'])
    assert.equal(await churn.locator('.aliases').textContent(), '@champion → v1')
    assert.equal(await page.locator('tr[data-model="fraud-detector"] .latest').textContent(), 'none')
    await page.screenshot({ path: `${SCREENSHOTS}models.png` })

    await page.getByLabel('Search models').fill('FRAUD')
    await page.getByLabel('Search models').press('Enter')
    await page.waitForURL(/filter=FRAUD/)
    await page.waitForFunction(() => document.querySelectorAll('table[aria-label=Models] tbody tr').length === 1)
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-model'))), ['fraud-detector'])

    await page.getByLabel('Search models').fill("tags.team = 'growth' AND")
    await page.getByLabel('Search models').press('Enter')
    await page.locator('.models-page [role=alert]').waitFor()
    assert.match((await page.locator('.models-page [role=alert]').textContent()) ?? '', /^Search failed: .+/)
  })

  it('transitions a version after a confirm dialog, which Escape cancels, and records it in the audit trail', async () => {
    await page.goto(`${server.url}/models/${MODEL}`)
    const row = (v: string) => page.locator(`table[aria-label=Versions] tr[data-version="${v}"]`)
    await row('3').waitFor()
    assert.equal(await page.locator('table[aria-label=Versions] tbody tr').count(), 3)
    assert.equal(await page.locator('.model-page .markdown strong').textContent(), 'churn')

    await page.getByLabel('Transition version 3').selectOption('Staging')
    const dialog = page.getByRole('dialog', { name: 'Move version 3 to Staging?' })
    await dialog.waitFor()
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    assert.equal(await stageOf('3'), 'None', 'Escape changed nothing')

    await page.getByLabel('Transition version 3').selectOption('Staging')
    await dialog.getByLabel('Comment (kept in the audit trail)').fill('passed offline eval')
    await page.screenshot({ path: `${SCREENSHOTS}model-transition.png` })
    await dialog.getByRole('button', { name: 'Move to Staging' }).click()
    await dialog.waitFor({ state: 'detached' })
    await row('3').locator('.stage', { hasText: 'Staging' }).waitFor()
    assert.equal(await stageOf('3'), 'Staging')
    const latest = page.locator('table[aria-label="Audit trail"] tbody tr').first()
    await latest.filter({ hasText: 'passed offline eval' }).waitFor()
    assert.equal(await latest.getAttribute('data-action'), 'TRANSITION_STAGE')
    assert.match((await latest.textContent()) ?? '', /v3stage: None → Stagingpassed offline eval$/)
  })

  it('archives the versions in the target stage when asked', async () => {
    await page.getByLabel('Transition version 2').selectOption('Production')
    const dialog = page.getByRole('dialog', { name: 'Move version 2 to Production?' })
    await dialog.getByLabel('Archive the versions now in Production').check()
    await dialog.getByRole('button', { name: 'Move to Production' }).click()
    await page.locator('table[aria-label=Versions] tr[data-version="1"] .stage', { hasText: 'Archived' }).waitFor()
    assert.deepEqual([await stageOf('1'), await stageOf('2')], ['Archived', 'Production'])
  })

  it('moves and removes an alias behind confirm dialogs, showing a refusal inside the dialog', async () => {
    await page.getByLabel('Alias', { exact: true }).fill('v7')
    await page.getByLabel('Alias version').selectOption('2')
    await page.getByRole('button', { name: 'Set alias' }).click()
    const refused = page.getByRole('dialog', { name: 'Set alias @v7 on version 2?' })
    await refused.getByRole('button', { name: 'Set alias' }).click()
    await refused.getByRole('alert').waitFor()
    assert.match((await refused.getByRole('alert').textContent()) ?? '', /v7/)
    await refused.getByRole('button', { name: 'Cancel' }).click()

    await page.getByLabel('Alias', { exact: true }).fill('champion')
    await page.getByLabel('Alias version').selectOption('2')
    await page.getByRole('button', { name: 'Set alias' }).click()
    const move = page.getByRole('dialog', { name: 'Move alias @champion to version 2?' })
    assert.match((await move.textContent()) ?? '', /points at version 1 now/)
    await move.getByRole('button', { name: 'Move alias' }).click()
    await page.locator('.alias-list li', { hasText: '@champion → version 2' }).waitFor()
    const byAlias = await call(registryRoutes.getModelVersionByAlias, { name: MODEL, alias: 'champion' })
    assert.equal(byAlias.model_version.version, '2')
    await page.locator('table[aria-label="Audit trail"] tbody tr[data-action=MOVE_ALIAS]').waitFor()

    await page.getByRole('button', { name: 'Remove alias champion' }).click()
    await page.getByRole('dialog', { name: 'Remove alias @champion?' }).getByRole('button', { name: 'Remove alias' }).click()
    await page.getByText('No aliases.').waitFor()
    assert.deepEqual((await call(registryRoutes.getRegisteredModel, { name: MODEL })).registered_model.aliases ?? [], [])
  })

  it('edits the description and the tags', async () => {
    await page.getByRole('button', { name: 'Edit description' }).click()
    await page.getByLabel('Description').fill('Gradient boosting, *retrained weekly*.')
    await page.getByRole('button', { name: 'Save description' }).click()
    await page.locator('.model-page .markdown em').filter({ hasText: 'retrained weekly' }).waitFor()
    assert.equal((await call(registryRoutes.getRegisteredModel, { name: MODEL })).registered_model.description, 'Gradient boosting, *retrained weekly*.')

    await page.getByLabel('Tag key').fill('owner')
    await page.getByLabel('Tag value').fill('ana')
    await page.getByRole('button', { name: 'Set tag' }).click()
    await page.getByRole('button', { name: 'Delete tag team' }).click()
    await page.getByRole('button', { name: 'Delete tag owner' }).waitFor()
    await page.getByRole('button', { name: 'Delete tag team' }).waitFor({ state: 'detached' })
    const tags = (await call(registryRoutes.getRegisteredModel, { name: MODEL })).registered_model.tags
    assert.deepEqual(tags, [{ key: 'owner', value: 'ana' }])
    await page.screenshot({ path: `${SCREENSHOTS}model.png` })
  })

  it('searches the model’s versions with a model-version filter, showing a bad filter’s error', async () => {
    await call(registryRoutes.setModelVersionTag, { name: MODEL, version: '2', key: 'validated', value: 'yes' })
    const shownVersions = () => page.locator('table.versions tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-version')))
    const search = async (filter: string) => {
      await page.getByLabel('Filter versions').fill(filter)
      await page.getByRole('search', { name: 'Search versions' }).getByRole('button', { name: 'Search' }).click()
    }
    await search("tags.validated = 'yes'")
    assert.deepEqual(await settled(shownVersions, (v) => v.length === 1), ['2'])
    await search('version_number = 1 OR version_number = 3')
    assert.deepEqual(await settled(shownVersions, (v) => v.length === 2), ['3', '1'])
    await search('bogus = 1')
    await page.getByRole('alert').filter({ hasText: "invalid attribute key 'bogus'" }).waitFor()
    await search("run_id = 'nope'")
    await page.getByText('No version matches this filter.').waitFor()
    await page.getByRole('search', { name: 'Search versions' }).getByRole('button', { name: 'Clear' }).click()
    assert.deepEqual(await settled(shownVersions, (v) => v.length === 3), ['3', '2', '1'])
  })

  it('opens a version page that links back to its run and to the model’s files', async () => {
    await page.locator('table[aria-label=Versions]').getByRole('link', { name: 'Version 3' }).click()
    await page.waitForURL(new RegExp(`/models/${MODEL}/versions/3$`))
    await page.getByRole('heading', { name: `${MODEL} · version 3` }).waitFor()
    const facts = page.locator('table.version-facts')
    assert.match((await facts.textContent()) ?? '', /StageStaging/)
    const events = await page.locator('table[aria-label="Audit trail"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))
    assert.deepEqual(events, ['TRANSITION_STAGE', 'CREATE'])
    // Lineage and the signature read from the model's MLmodel in the run's artifacts.
    const lineage = page.getByRole('region', { name: 'Lineage' })
    await lineage.getByRole('link', { name: 'train-gbm' }).waitFor()
    assert.equal(((await lineage.locator('.lineage').textContent()) ?? '').replace(/\s+/g, ' '), `run train-gbm→${MODEL} v3→no alias`)
    const inputs = page.getByRole('table', { name: 'Signature inputs' })
    await inputs.waitFor()
    assert.deepEqual(await inputs.locator('tbody tr').allTextContents(), ['tenure_monthsdoubleyes', 'planstringno'])
    assert.deepEqual(await page.getByRole('table', { name: 'Signature outputs' }).locator('tbody tr').allTextContents(), ['(unnamed)longyes'])
    assert.match((await page.locator('pre.input-example').textContent()) ?? '', /"data": \[\[12\.0, "pro"\]\]/)
    await page.screenshot({ path: `${SCREENSHOTS}model-version.png`, fullPage: true })

    await facts.getByRole('link', { name: `runs:/${runId}/model` }).click()
    await page.waitForURL(new RegExp(`/experiments/${experimentId}/runs/${runId}\\?tab=artifacts&path=model%2FMLmodel$`))
    const summary = page.getByRole('table', { name: 'MLmodel summary' })
    assert.match((await summary.textContent()) ?? '', /Flavorspython_function, sklearn/)
    await page.goBack()
    await page.locator('table.version-facts').getByRole('link', { name: 'train-gbm' }).click()
    await page.waitForURL(new RegExp(`/experiments/${experimentId}/runs/${runId}$`))
    await page.getByRole('heading', { name: 'train-gbm' }).waitFor()
  })

  it('answers a model that does not exist with a 404 page and the server’s message', async () => {
    await page.goto(`${server.url}/models/no-such-model`)
    const notFound = page.getByTestId('not-found')
    await notFound.getByRole('heading', { name: 'No registered model named “no-such-model”' }).waitFor()
    assert.match((await notFound.textContent()) ?? '', /404.*no-such-model.*See all models/s)
    assert.equal(await page.locator('[role=alert]').count(), 0)
  })

  it('deletes a version and a model behind confirmations that ask for an audit comment', async () => {
    await page.goto(`${server.url}/models/${MODEL}/versions/3`)
    await page.getByRole('button', { name: 'Delete version' }).click()
    const dialog = page.getByRole('dialog', { name: `Delete ${MODEL} version 3?` })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    await call(registryRoutes.getModelVersion, { name: MODEL, version: '3' })
    await page.getByRole('button', { name: 'Delete version' }).click()
    await dialog.getByLabel(/Comment/).fill('superseded')
    await dialog.getByRole('button', { name: 'Delete version' }).click()
    await page.waitForURL(new RegExp(`/models/${MODEL}$`))
    await page.locator('table[aria-label=Versions]').getByRole('link', { name: 'Version 2' }).waitFor()
    assert.equal(await page.locator('table[aria-label=Versions]').getByRole('link', { name: 'Version 3' }).count(), 0)
    const gone = await fetch(`${server.url}/api/2.0/mlflow/model-versions/get?name=${MODEL}&version=3`)
    assert.equal(gone.status, 404)

    await page.goto(`${server.url}/models/fraud-detector`)
    await page.getByRole('button', { name: 'Delete model' }).click()
    await page.getByRole('dialog', { name: 'Delete the model fraud-detector?' }).getByRole('button', { name: 'Delete model' }).click()
    await page.waitForURL(/\/models$/)
    const missing = await fetch(`${server.url}/api/2.0/mlflow/registered-models/get?name=fraud-detector`)
    assert.equal(missing.status, 404)
  })
})
