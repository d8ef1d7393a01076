// The run page in Chromium: datasets with their schema and context, the model versions registered
// from the run, system metrics apart, and edits (description, rename, tags, delete and restore behind
// a confirmation), each read back from the server.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { SCREENSHOTS, launchBrowser, newPage } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

const T0 = 1_763_000_000_000
const SCHEMA = JSON.stringify({ mlflow_colspec: [{ name: 'trip_distance', type: 'double' }, { name: 'PULocationID', type: 'long' }] })

describe('run page in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let api: RestTransport
  let experimentId: string
  let runId: string
  let loggedModelIds: string[]

  const call = async (method: string, path: string, body: object) => {
    const response = await fetch(`${server.url}/api/2.0/mlflow/${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const text = await response.text()
    assert.equal(response.status, 200, text)
    return JSON.parse(text) as { model: { info: { model_id: string } } }
  }
  const post = (path: string, body: object) => call('POST', path, body)

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    api = new RestTransport(server.url)
    experimentId = await api.createExperiment({ name: 'taxi/run-page' })
    const run = await api.createRun({ experimentId, runName: 'trainer', startTime: T0, tags: [{ key: 'mlflow.source.name', value: 'train.ts' }] })
    runId = run.info.runId
    await api.logBatch(runId, {
      params: [{ key: 'alpha', value: '0.1' }],
      metrics: [
        ...Array.from({ length: 10 }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: T0 + step, step })),
        { key: 'val_rmse', value: 7.46, timestamp: T0 + 20, step: 0 },
        ...Array.from({ length: 5 }, (_, step) => ({ key: 'system/cpu_utilization_percentage', value: 30 + step, timestamp: T0 + step * 10_000, step })),
        { key: 'system/system_memory_usage_megabytes', value: 2048, timestamp: T0, step: 0 },
      ],
    })
    await api.logInputs(runId, [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: { name: 'yellow-2021-01', digest: '9f2c1e77', sourceType: 's3', source: '{"uri": "s3://trips/yellow_2021-01.parquet"}', schema: SCHEMA },
      },
    ])
    await post('registered-models/create', { name: 'taxi-duration' })
    await post('model-versions/create', { name: 'taxi-duration', source: `runs:/${runId}/model`, run_id: runId })
    await post('registered-models/alias', { name: 'taxi-duration', alias: 'champion', version: '1' })
    // MLflow 3 logged models: one the run created, one made by another run that this run logged as an output.
    const own = (await post('logged-models', { experiment_id: experimentId, name: 'ridge', model_type: 'sklearn', source_run_id: runId })).model.info.model_id
    await call('PATCH', `logged-models/${own}`, { status: 'LOGGED_MODEL_READY' })
    const other = await api.createRun({ experimentId, runName: 'pretrainer', startTime: T0 })
    const base = (await post('logged-models', { experiment_id: experimentId, name: 'base-encoder', source_run_id: other.info.runId })).model.info.model_id
    await post('runs/outputs', { run_id: runId, models: [{ model_id: base, step: 3 }] })
    loggedModelIds = [own, base]
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('shows the run’s datasets with context, source and schema', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}/runs/${runId}`)
    const datasets = page.getByRole('region', { name: 'Datasets' })
    const row = datasets.locator('tbody tr')
    await row.waitFor()
    const cells = await row.locator('td').allTextContents()
    assert.equal(cells[0], 'yellow-2021-01')
    assert.equal(cells[1], '9f2c1e77')
    assert.equal(cells[2], 'training')
    assert.match(cells[3]!, /^s3: .*s3:\/\/trips\/yellow_2021-01\.parquet/)
    await datasets.getByText('2 columns').click()
    assert.deepEqual(await datasets.locator('ul.schema li').allTextContents(), ['trip_distance double', 'PULocationID long'])
  })

  it('lists the model versions registered from the run and links to them', async () => {
    const registered = page.getByRole('region', { name: 'Registered models' })
    const link = registered.getByRole('link', { name: 'taxi-duration v1' })
    await link.waitFor()
    assert.match((await registered.locator('li').textContent()) ?? '', /@champion/)
    await page.screenshot({ path: `${SCREENSHOTS}run-overview.png`, fullPage: true })
    await link.click()
    await page.waitForURL(/\/models\/taxi-duration\/versions\/1$/)
    await page.goBack()
  })

  it('lists the MLflow 3 logged models the run created or logged as outputs', async () => {
    const section = page.getByRole('region', { name: 'Logged models' })
    await section.locator('tbody tr').nth(1).waitFor()
    const rows = await section.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 5).map((td) => td.textContent)))
    assert.deepEqual(
      rows.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [
        ['base-encoder', loggedModelIds[1], 'pending', '', '3'],
        ['ridge', loggedModelIds[0], 'ready', 'sklearn', ''],
      ],
    )
  })

  it('puts system metrics in their own section', async () => {
    await page.getByRole('tab', { name: /Metrics/ }).click()
    const own = page.locator('table[aria-label="Metrics"] tbody td:first-child')
    await own.first().waitFor()
    assert.deepEqual(await own.allTextContents(), ['loss', 'val_rmse'])
    await page.getByRole('heading', { name: 'System metrics' }).waitFor()
    assert.deepEqual(await page.locator('table[aria-label="System metrics"] tbody td:first-child').allTextContents(), [
      'system/cpu_utilization_percentage',
      'system/system_memory_usage_megabytes',
    ])
    await page.getByRole('region', { name: 'System metrics' }).locator('.chart-cell canvas').first().waitFor()
  })

  it('edits the description in markdown in place, with a preview; Escape cancels', async () => {
    await page.getByRole('tab', { name: 'Overview' }).click()
    const region = page.getByRole('region', { name: 'Description' })
    await region.getByRole('button', { name: 'Add' }).click()
    await page.getByLabel('Description (markdown)').fill('not kept')
    await page.getByLabel('Description (markdown)').press('Escape')
    await region.getByText('No description yet.').waitFor()
    await region.getByRole('button', { name: 'Add' }).click()
    await page.getByLabel('Description (markdown)').fill('Ridge with **alpha 0.1**: best `val_rmse`.')
    await region.getByRole('tab', { name: 'Preview' }).click()
    await region.getByRole('tabpanel', { name: 'Description preview' }).locator('strong', { hasText: 'alpha 0.1' }).waitFor()
    assert.equal((await api.getRun(runId)).data.tags.find((t) => t.key === 'mlflow.note.content'), undefined, 'nothing saved by a preview')
    await region.getByRole('tab', { name: 'Write' }).click()
    assert.equal(await page.getByLabel('Description (markdown)').inputValue(), 'Ridge with **alpha 0.1**: best `val_rmse`.')
    await page.getByRole('button', { name: 'Save description' }).click()
    await page.locator('.markdown strong', { hasText: 'alpha 0.1' }).waitFor()
    const note = (await api.getRun(runId)).data.tags.find((t) => t.key === 'mlflow.note.content')?.value
    assert.equal(note, 'Ridge with **alpha 0.1**: best `val_rmse`.')
  })

  it('renames the run in place: Escape cancels, Enter saves', async () => {
    const before = (await api.getRun(runId)).info.runName
    await page.getByRole('button', { name: 'Rename' }).click()
    await page.getByLabel('Run name').fill('not kept')
    await page.getByLabel('Run name').press('Escape')
    await page.getByRole('heading', { name: before }).waitFor()
    await page.getByRole('heading', { name: before }).dblclick()
    await page.getByLabel('Run name').fill('ridge-alpha-0.1')
    await page.getByLabel('Run name').press('Enter')
    await page.getByRole('heading', { name: 'ridge-alpha-0.1' }).waitFor()
    assert.equal((await api.getRun(runId)).info.runName, 'ridge-alpha-0.1')
  })

  it('sets, changes and deletes tags, leaving MLflow’s own alone', async () => {
    await page.getByRole('tab', { name: 'Tags' }).click()
    await page.getByLabel('Tag key').fill('team')
    await page.getByLabel('Tag value').fill('forecasting')
    await page.getByRole('button', { name: 'Set tag' }).click()
    await page.locator('table[aria-label=Tags] tr', { hasText: 'forecasting' }).waitFor()
    await page.getByRole('button', { name: 'Edit tag team' }).click()
    assert.equal(await page.getByLabel('Tag key').inputValue(), 'team')
    await page.getByLabel('Tag value').fill('pricing')
    await page.getByRole('button', { name: 'Set tag' }).click()
    await page.locator('table[aria-label=Tags] tr', { hasText: 'pricing' }).waitFor()
    assert.equal((await api.getRun(runId)).data.tags.find((t) => t.key === 'team')?.value, 'pricing')
    assert.equal(await page.getByRole('button', { name: 'Delete tag mlflow.source.name' }).count(), 0)
    await page.getByRole('button', { name: 'Delete tag team' }).click()
    await page.locator('table[aria-label=Tags] tr', { hasText: 'pricing' }).waitFor({ state: 'detached' })
    assert.equal((await api.getRun(runId)).data.tags.find((t) => t.key === 'team'), undefined)
  })

  it('registers a model folder of the run’s artifacts as a new model version', async () => {
    const mlmodel = `artifact_path: model\nflavors:\n  orchard.linear:\n    coefficients: coef.json\nrun_id: ${runId}\n`
    const upload = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/MLmodel`, { method: 'PUT', body: mlmodel })
    assert.equal(upload.status, 200)
    await page.goto(`${server.url}/experiments/${experimentId}/runs/${runId}?tab=artifacts&path=model%2FMLmodel`)
    await page.getByRole('button', { name: 'Register model' }).click()
    const dialog = page.getByRole('dialog', { name: 'Register model as a model version' })
    await dialog.getByRole('button', { name: 'Register' }).click()
    await dialog.getByRole('alert').filter({ hasText: 'Give the model a name.' }).waitFor()
    await dialog.getByLabel('Model name').fill('taxi-duration')
    await dialog.getByRole('button', { name: 'Register' }).click()
    await page.getByRole('link', { name: 'taxi-duration v2' }).waitFor()
    const response = await fetch(`${server.url}/api/2.0/mlflow/model-versions/get?name=taxi-duration&version=2`)
    const version = ((await response.json()) as { model_version: { source: string; run_id: string } }).model_version
    assert.equal(version.source, `runs:/${runId}/model`)
    assert.equal(version.run_id, runId)
    await page.getByRole('tab', { name: 'Overview' }).click()
  })

  it('deletes and restores the run behind a confirmation', async () => {
    await page.getByRole('button', { name: 'Delete run' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete run “ridge-alpha-0.1”?' })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    assert.equal((await api.getRun(runId)).info.lifecycleStage, 'active')
    await page.getByRole('button', { name: 'Delete run' }).click()
    await dialog.getByRole('button', { name: 'Delete run' }).click()
    await page.locator('.page-head .pill.deleted').waitFor()
    assert.equal((await api.getRun(runId)).info.lifecycleStage, 'deleted')
    await page.getByRole('button', { name: 'Restore run' }).click()
    await page.getByRole('dialog', { name: 'Restore run “ridge-alpha-0.1”?' }).getByRole('button', { name: 'Restore run' }).click()
    await page.locator('.page-head .pill.deleted').waitFor({ state: 'detached' })
    assert.equal((await api.getRun(runId)).info.lifecycleStage, 'active')
  })
})
