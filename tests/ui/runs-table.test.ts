// The runs table of a taxi-like experiment in Chromium: column groups, default columns that show the
// metric that matters, headers at full width, visible sort state, a pinned run name, resizable
// columns remembered per experiment, a searchable column chooser and a CSV export of what is shown.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { SCREENSHOTS, launchBrowser, newPage, settled } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

const T0 = 1_763_000_000_000
// The taxi-duration sweep's shape: a parent run with one-off figures, one child per model with the
// same four metrics, and a promotion run with its own keys that sort first alphabetically.
const MODELS = ['linear', 'ridge-alpha-0.1', 'ridge-alpha-1', 'ridge-alpha-10', 'lasso-alpha-0.001', 'lasso-alpha-0.01', 'lasso-alpha-0.1']

describe('runs table in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let experimentId: string

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    const api = new RestTransport(server.url)
    experimentId = await api.createExperiment({ name: 'taxi-duration' })
    const parent = await api.createRun({ experimentId, runName: 'sweep', startTime: T0 })
    await api.logBatch(parent.info.runId, {
      metrics: ['best_val_rmse', 'read_seconds', 'prepare_seconds', 'vectorize_seconds'].map((key, i) => ({ key, value: 7.45 + i, timestamp: T0 + 9000, step: 0 })),
    })
    for (const [i, model] of MODELS.entries()) {
      const run = await api.createRun({ experimentId, runName: model, startTime: T0 + (i + 1) * 1000, tags: [{ key: 'mlflow.parentRunId', value: parent.info.runId }] })
      await api.logBatch(run.info.runId, {
        params: [
          { key: 'model', value: model.split('-')[0]! },
          { key: 'alpha', value: model.split('-').at(-1)! },
        ],
        metrics: [
          { key: 'train_rmse', value: 4.6 + i, timestamp: T0 + 5000, step: 0 },
          { key: 'val_rmse', value: 7.48 + i, timestamp: T0 + 5000, step: 0 },
          { key: 'val_mae', value: 4.98 + i, timestamp: T0 + 5000, step: 0 },
          { key: 'intercept', value: 26.4 - i, timestamp: T0 + 5000, step: 0 },
          // last 4+i, min 1+i, max 5+i, mean 3+i
          ...[5, 1, 3, 2, 4].map((v, step) => ({ key: 'loss', value: v + i, timestamp: T0 + 100 + step, step })),
        ],
      })
      await api.logInputs(run.info.runId, [
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: { name: 'yellow-2021-01', digest: 'a1b2c3d4e5f6', sourceType: 'local', source: '{"uri": "data/yellow_tripdata_2021-01.parquet"}' },
        },
      ])
    }
    const promote = await api.createRun({ experimentId, runName: 'promote', startTime: T0 + 20_000 })
    await api.logBatch(promote.info.runId, {
      metrics: ['challenger_rmse', 'champion_rmse', 'improvement'].map((key) => ({ key, value: 0.0012, timestamp: T0 + 21_000, step: 0 })),
    })
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  const headerLabels = () => page.locator('.grid-header .cell.head .label').allTextContents()

  it('groups columns, shows the metrics the runs share first, and never cuts a header', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByTestId('run-count').filter({ hasText: '9 runs' }).waitFor()
    await page.getByRole('button', { name: 'Show 7 child runs' }).click()
    const groups = await page.locator('.grid-groups .cell.group').allTextContents()
    assert.deepEqual(groups, ['Attributes', 'Metrics', 'Parameters', 'Datasets'])
    const labels = await settled(headerLabels, (l) => l.includes('val_rmse'))
    assert.ok(labels.includes('val_rmse'), `val_rmse is a default column: ${labels.join(', ')}`)
    // …and in view without scrolling sideways at 1280 px.
    const valRmse = (await page.locator('[data-column="metrics.val_rmse"]').boundingBox())!
    assert.ok(valRmse.x + valRmse.width < 1280, `val_rmse header ends at ${valRmse.x + valRmse.width}`)
    // The four metrics every sweep run logs lead; the parent's and the promotion's one-offs follow.
    const metricHeaders = await page.locator('.grid-header [role=columnheader] button[data-column^="metrics."]').evaluateAll((els) => els.map((e) => e.getAttribute('data-column')))
    assert.deepEqual(new Set(metricHeaders.slice(0, 4)), new Set(['metrics.train_rmse', 'metrics.val_rmse', 'metrics.val_mae', 'metrics.intercept']))
    // Every header label fits its column: nothing ends in an ellipsis.
    const cut = await page.locator('.grid-header .cell.head .label').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent))
    assert.deepEqual(cut, [])
    assert.equal(await page.locator('.grid-header [role=columnheader]', { has: page.locator('[data-column="metrics.challenger_rmse"]') }).getAttribute('title'), 'metrics.challenger_rmse (click to sort)')
    const datasets = await page.locator('.grid-body [role=row]', { hasText: 'ridge-alpha-1' }).first().locator('[role=cell]').last().textContent()
    assert.equal(datasets, 'yellow-2021-01@a1b2c3d4 (training)')
    await page.screenshot({ path: `${SCREENSHOTS}runs-table.png` })
  })

  it('shows the sort state on every sortable header', async () => {
    const header = page.locator('.grid-header [role=columnheader]', { has: page.locator('[data-column="metrics.val_rmse"]') })
    assert.equal(await header.getAttribute('aria-sort'), 'none')
    assert.equal(await header.locator('.arrow').textContent(), '↕')
    await header.locator('button').click()
    await page.waitForURL(/order=/)
    await settled(() => header.getAttribute('aria-sort'), (s) => s === 'descending')
    assert.equal(await header.getAttribute('aria-sort'), 'descending')
    assert.equal(await header.locator('.arrow').textContent(), '▼')
    await header.locator('button').click()
    await settled(() => header.getAttribute('aria-sort'), (s) => s === 'ascending')
    assert.equal(await header.locator('.arrow').textContent(), '▲')
    // linear has the smallest val_rmse, lasso-alpha-0.1 the largest; runs without it come after.
    const order = await settled(
      async () => (await page.locator('.grid-body [role=row] .cell.name a').allTextContents()).filter((n) => MODELS.includes(n)),
      (names) => names[0] === 'linear',
    )
    assert.deepEqual(order, MODELS)
  })

  it('keeps the run name in view while the columns scroll sideways', async () => {
    await page.setViewportSize({ width: 900, height: 700 })
    const name = page.locator('.grid-body .cell.name', { hasText: 'linear' })
    const before = (await name.boundingBox())!
    const scrolled = await page.locator('.grid-scroll').evaluate((element) => {
      element.scrollLeft = 600
      return element.scrollLeft
    })
    assert.ok(scrolled > 100, `the table scrolls sideways (${scrolled} px)`)
    await page.waitForFunction(() => document.querySelector('.grid-scroll')!.scrollLeft > 100)
    const after = (await name.boundingBox())!
    assert.equal(Math.round(after.x), Math.round(before.x), 'the run name stays pinned')
    // What is under the pinned cell is not painted over it: the topmost element there is the name.
    const onTop = await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.closest('.cell')?.classList.contains('name'), [after.x + 20, after.y + after.height / 2])
    assert.equal(onTop, true)
    await page.locator('.grid-scroll').evaluate((element) => {
      element.scrollLeft = 0
    })
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('resizes a column by dragging its edge and remembers the width', async () => {
    const header = page.locator('.grid-header [role=columnheader]', { has: page.locator('[data-column="metrics.val_rmse"]') })
    await header.scrollIntoViewIfNeeded()
    const before = (await header.boundingBox())!.width
    const handle = (await header.getByRole('separator').boundingBox())!
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2)
    await page.mouse.down()
    await page.mouse.move(handle.x + 60, handle.y + handle.height / 2, { steps: 5 })
    await page.mouse.move(handle.x + 120, handle.y + handle.height / 2, { steps: 5 })
    await page.mouse.up()
    const after = (await header.boundingBox())!.width
    assert.ok(Math.abs(after - before - 120) <= 8, `width ${before} → ${after}`)
    // A cell of the column follows its header.
    const cellWidth = await page.locator('.grid-body [role=row]').first().locator('[role=cell]').nth(5).evaluate((e) => e.getBoundingClientRect().width)
    assert.ok(cellWidth > 100)
    await page.reload()
    await header.waitFor()
    await header.scrollIntoViewIfNeeded()
    const reloaded = (await header.boundingBox())!.width
    assert.ok(Math.abs(reloaded - after) <= 1, `remembered width ${reloaded}, was ${after}`)
  })

  it('searches the column chooser and remembers the choice per experiment', async () => {
    await page.locator('.column-chooser summary').click()
    await page.getByLabel('Search columns').fill('MAE')
    const listed = await page.locator('.column-chooser label').allTextContents()
    assert.deepEqual(listed.map((t) => t.trim()), ['val_mae'])
    await page.locator('.column-chooser label', { hasText: 'val_mae' }).locator('input').uncheck()
    await page.waitForURL(/cols=/)
    assert.equal(await page.locator('button[data-column="metrics.val_mae"]').count(), 0)
    await page.getByLabel('Search columns').fill('champion')
    await page.locator('.column-chooser label', { hasText: 'champion_rmse' }).locator('input').check()
    await page.locator('button[data-column="metrics.champion_rmse"]').waitFor()
    await page.locator('.column-chooser summary').click()
    // The experiment opened again without cols= in its URL shows this browser's last choice.
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.locator('button[data-column="metrics.champion_rmse"]').waitFor()
    assert.equal(await page.locator('button[data-column="metrics.val_mae"]').count(), 0)
    assert.equal(await page.locator('button[data-column="metrics.val_rmse"]').count(), 1)
    // Defaults bring back the computed choice.
    await page.locator('.column-chooser summary').click()
    await page.getByRole('button', { name: 'Defaults' }).click()
    await page.locator('button[data-column="metrics.val_mae"]').waitFor()
    await page.locator('.column-chooser summary').click()
  })

  it('shows a metric’s min, max or mean over each run’s history and sorts by it', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByRole('button', { name: 'Show 7 child runs' }).click()
    const lossCell = async (run: string) => {
      const header = await headerLabels()
      const row = page.locator('.grid-body [role=row]', { has: page.getByRole('link', { name: run, exact: true }) })
      // Cells line up with the header labels (the run name first).
      return row.locator('[role=cell]').nth(header.indexOf('loss')).textContent()
    }
    await page.locator('button[data-column="metrics.loss"]').waitFor()
    assert.equal(await lossCell('linear'), '4')
    await page.getByLabel('Aggregate of loss').selectOption('min')
    await page.waitForURL(/loss%40min|loss@min/)
    assert.equal(await settled(() => lossCell('linear'), (t) => t === '1'), '1')
    assert.equal(await lossCell('lasso-alpha-0.1'), '7')
    await page.getByLabel('Aggregate of loss').selectOption('max')
    assert.equal(await settled(() => lossCell('ridge-alpha-1'), (t) => t === '7'), '7')
    await page.getByLabel('Aggregate of loss').selectOption('mean')
    assert.equal(await settled(() => lossCell('ridge-alpha-0.1'), (t) => t === '4'), '4')
    // The server sorts every run by the mean (order_by mean(metrics.loss)): the largest first, then
    // the smallest.
    const header = page.locator('.grid-header [role=columnheader]', { has: page.locator('[data-column="metrics.loss@mean"]') })
    await header.locator('button.sort').click()
    await settled(() => header.getAttribute('aria-sort'), (s) => s === 'descending')
    assert.match(decodeURIComponent(page.url()), /order=mean\(metrics\.`loss`\)\+DESC/)
    const children = async () => (await page.locator('.grid-body [role=row] .cell.name a').allTextContents()).filter((n) => MODELS.includes(n))
    assert.deepEqual(await settled(children, (c) => c[0] === MODELS.at(-1)), [...MODELS].reverse())
    await header.locator('button.sort').click()
    await settled(() => header.getAttribute('aria-sort'), (s) => s === 'ascending')
    assert.deepEqual(await settled(children, (c) => c[0] === MODELS[0]), MODELS)
    // Another aggregate keeps the column sorted, in the same direction.
    await page.getByLabel('Aggregate of loss').selectOption('max')
    await page.waitForURL(/order=max/)
    const maxHeader = page.locator('.grid-header [role=columnheader]', { has: page.locator('[data-column="metrics.loss@max"]') })
    assert.equal(await settled(() => maxHeader.getAttribute('aria-sort'), (s) => s === 'ascending'), 'ascending')
    await page.getByLabel('Aggregate of loss').selectOption('mean')
    await page.waitForURL(/order=mean/)
    await page.screenshot({ path: `${SCREENSHOTS}runs-aggregate.png` })
    await page.getByLabel('Aggregate of loss').selectOption('last')
    await page.locator('button[data-column="metrics.loss"]').waitFor()
  })

  it('filters on an aggregate of a metric’s history on the server, with help and completion', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByTestId('run-count').filter({ hasText: '9 runs' }).waitFor()
    const box = page.getByLabel('Filter runs')
    await box.click()
    // Completion: `min(` then the metric inside, closed, then the numeric operators.
    await box.pressSequentially('min(los')
    const options = page.getByRole('listbox', { name: 'Filter suggestions' }).getByRole('option')
    assert.deepEqual(await settled(() => options.allTextContents(), (o) => o.length === 1), ['metrics.loss'])
    await box.press('ArrowDown')
    await box.press('Enter')
    assert.equal(await box.inputValue(), 'min(metrics.loss) ')
    // The last loss of child i is 4+i and its least 1+i: only linear (1) and ridge-alpha-0.1 (2) have
    // a least loss under 3, though no run's last value is under 3.
    await box.pressSequentially('< 3')
    await box.press('Enter')
    await page.getByTestId('run-count').filter({ hasText: /^2 runs/ }).waitFor()
    const shown = async () => (await page.locator('.grid-body [role=row] .cell.name a').allTextContents()).sort()
    assert.deepEqual(await shown(), ['linear', 'ridge-alpha-0.1'])
    assert.match(decodeURIComponent(page.url()), /filter=min\(metrics\.loss\)/)
    // The mean (3+i) with OR and a param, and the server's message for a bad aggregate.
    await box.fill("mean(metrics.loss) >= 9 or params.model = 'linear'")
    await box.press('Enter')
    await page.getByTestId('run-count').filter({ hasText: /^2 runs/ }).waitFor()
    assert.deepEqual(await shown(), ['lasso-alpha-0.1', 'linear'])
    // The help lists the syntax; an example goes into the box.
    await page.getByLabel('Filter syntax', { exact: true }).click()
    const help = page.getByRole('note', { name: 'Filter syntax help' })
    await page.screenshot({ path: `${SCREENSHOTS}runs-filter-help.png` })
    await help.getByRole('button', { name: 'min(metrics.loss) < 0.2' }).click()
    assert.equal(await box.inputValue(), 'min(metrics.loss) < 0.2')
    await page.getByLabel('Filter syntax', { exact: true }).click()
    await box.fill("min(params.model) = 'x'")
    await box.press('Enter')
    await page.getByText('applies to metrics only').waitFor()
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByTestId('run-count').filter({ hasText: '9 runs' }).waitFor()
  })

  it('saves views as experiment tags MLflow reads, opens them from the list and by a shared link', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}?filter=${encodeURIComponent("params.model = 'ridge'")}&order=${encodeURIComponent('metrics.`val_rmse` ASC')}`)
    await page.getByTestId('run-count').filter({ hasText: '3 runs' }).waitFor()
    await page.locator('.saved-views summary').click()
    await page.getByLabel('View name').fill('Ridge by val_rmse')
    await page.getByRole('button', { name: 'Save view' }).click()
    await page.locator('.view-list li', { hasText: 'Ridge by val_rmse' }).waitFor()
    const api = new RestTransport(server.url)
    const tags = (await api.getExperiment(experimentId)).tags.filter((t) => t.key.startsWith('mlflow.sharedViewState.'))
    assert.equal(tags.length, 1)
    const envelope = JSON.parse(tags[0]!.value)
    assert.equal(envelope.name, 'Ridge by val_rmse')
    const state = JSON.parse(envelope.state)
    assert.equal(state.searchFilter, "params.model = 'ridge'")
    assert.equal(state.orderByKey, 'metrics.`val_rmse`')
    assert.equal(state.orderByAsc, true)
    assert.ok(state.orchardColumns.includes('metrics.val_rmse'))

    // Back to the whole experiment, then the saved view from the list.
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByTestId('run-count').filter({ hasText: '9 runs' }).waitFor()
    await page.locator('.saved-views summary').click()
    await page.locator('.view-list').getByRole('button', { name: 'Ridge by val_rmse', exact: true }).click()
    await page.getByTestId('run-count').filter({ hasText: '3 runs' }).waitFor()
    assert.equal(await page.getByLabel('Filter runs').inputValue(), "params.model = 'ridge'")
    assert.match(decodeURIComponent(page.url()), /order=metrics\.`val_rmse`\+ASC/)

    // A view as MLflow's UI writes it (no Orchard columns), opened by MLflow's link parameter.
    const mlflowState = JSON.stringify({ searchFilter: "params.model = 'lasso'", orderByKey: 'metrics.`val_rmse`', orderByAsc: false, lifecycleFilter: 'Active', compareRunCharts: [] })
    await api.setExperimentTag(experimentId, { key: 'mlflow.sharedViewState.from-mlflow', value: JSON.stringify({ name: 'Lasso (MLflow)', createdAt: 1, updatedAt: 1, state: mlflowState }) })
    await page.goto(`${server.url}/experiments/${experimentId}?viewStateShareKey=from-mlflow`)
    await page.getByTestId('run-count').filter({ hasText: '3 runs' }).waitFor()
    assert.equal(await page.getByLabel('Filter runs').inputValue(), "params.model = 'lasso'")
    const names = (await page.locator('.grid-body [role=row] .cell.name a').allTextContents()).filter((n) => MODELS.includes(n))
    assert.deepEqual(names, ['lasso-alpha-0.1', 'lasso-alpha-0.01', 'lasso-alpha-0.001'])
    await page.locator('.saved-views summary').click()
    await page.screenshot({ path: `${SCREENSHOTS}runs-views.png` })
    await page.getByRole('button', { name: 'Delete view Ridge by val_rmse' }).click()
    await page.locator('.view-list li', { hasText: 'Ridge by val_rmse' }).waitFor({ state: 'detached' })
    assert.equal((await api.getExperiment(experimentId)).tags.filter((t) => t.key.startsWith('mlflow.sharedViewState.')).length, 1)
    await page.locator('.saved-views summary').click()
  })

  it('groups runs by a param with each metric’s mean and range, groups expand to their runs', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByTestId('run-count').filter({ hasText: '9 runs' }).waitFor()
    await page.getByLabel('Group by').selectOption('params.model')
    await page.waitForURL(/group=params\.model/)
    const groupNames = () => page.locator('.grid-body .group-row .group-name').allTextContents()
    assert.deepEqual(await settled(groupNames, (g) => g.length === 4), ['model = lasso', 'model = linear', 'model = ridge', 'no model'])
    const header = await headerLabels()
    const lasso = page.locator('.grid-body .group-row[data-group-value="lasso"]')
    assert.equal(await lasso.locator('.badge').textContent(), '3')
    // val_rmse of the lasso runs: 11.48, 12.48, 13.48.
    assert.equal(await lasso.locator('[role=cell]').nth(header.indexOf('val_rmse')).textContent(), '12.48 (11.48–13.48)')
    assert.equal(await lasso.locator('[role=cell]').nth(header.indexOf('model')).textContent(), 'lasso')
    await lasso.getByRole('button', { name: 'Show the 3 runs of model = lasso' }).click()
    const names = await page.locator('.grid-body [role=row] .cell.name a').allTextContents()
    assert.deepEqual(new Set(names), new Set(['lasso-alpha-0.001', 'lasso-alpha-0.01', 'lasso-alpha-0.1']))
    await page.screenshot({ path: `${SCREENSHOTS}runs-grouped.png` })
    await page.reload()
    assert.deepEqual(await settled(groupNames, (g) => g.length === 4), ['model = lasso', 'model = linear', 'model = ridge', 'no model'])
    await page.getByLabel('Group by').selectOption('')
    await page.locator('.grid-body .group-row').first().waitFor({ state: 'detached' })
  })

  it('completes filter keys and operators as one types', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`)
    await page.getByTestId('run-count').filter({ hasText: '9 runs' }).waitFor()
    const box = page.getByLabel('Filter runs')
    await box.click()
    await box.pressSequentially('val_r')
    const options = page.getByRole('listbox', { name: 'Filter suggestions' }).getByRole('option')
    await options.first().waitFor()
    assert.deepEqual(await options.allTextContents(), ['metrics.val_rmse', 'metrics.best_val_rmse'])
    await box.press('ArrowDown')
    await box.press('Enter')
    assert.equal(await box.inputValue(), 'metrics.val_rmse ')
    await box.pressSequentially('<')
    assert.deepEqual(await settled(() => options.allTextContents(), (o) => o.length === 1), ['<='])
    await box.pressSequentially(' 8')
    await box.press('Enter')
    await page.getByTestId('run-count').filter({ hasText: /^1 runs/ }).waitFor()
    assert.match(decodeURIComponent(page.url()), /filter=metrics\.val_rmse\+?( |\+)<\+?( |\+)8/)
    await page.getByRole('button', { name: 'Clear' }).click()
    await page.getByTestId('run-count').filter({ hasText: '9 runs' }).waitFor()
  })

  it('exports the rows and columns shown as CSV', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}?order=${encodeURIComponent('metrics.`val_rmse` ASC')}`)
    await page.getByRole('button', { name: 'Show 7 child runs' }).click()
    const shownRows = await page.locator('.grid-body [role=row]').count()
    const shownHeaders = await headerLabels()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()])
    assert.equal(download.suggestedFilename(), 'taxi-duration-runs.csv')
    const text = await readFile((await download.path())!, 'utf8')
    const lines = text.trimEnd().split('\r\n')
    assert.equal(lines.length, 1 + shownRows)
    assert.deepEqual(lines[0]!.split(','), ['Run ID', ...shownHeaders])
    const linear = lines.find((l) => l.includes(',linear,'))!
    const header = lines[0]!.split(',')
    assert.equal(linear.split(',')[header.indexOf('val_rmse')], '7.48')
    // A field with a comma or quote is quoted: the dataset source stays one field.
    assert.match(linear, /"?yellow-2021-01@a1b2c3d4 \(training\)"?$/)
  })

  it('fills an aggregate column for every run, not just the first rows', async () => {
    // 1,200 runs, more than one step of the fill (1,000 runs): run i's loss history is i, i + 2, so
    // its mean is i + 1. The last row of the table (the oldest run) is reached by the second step.
    const api = new RestTransport(server.url)
    const many = await api.createExperiment({ name: 'many-runs' })
    const RUNS = 1200
    for (let start = 0; start < RUNS; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, RUNS - start) }, async (_, j) => {
          const i = start + j
          const run = await api.createRun({ experimentId: many, runName: `r${String(i).padStart(4, '0')}`, startTime: T0 + i * 1000 })
          await api.logBatch(run.info.runId, { metrics: [i, i + 2].map((value, step) => ({ key: 'loss', value, timestamp: T0 + step, step })) })
        }),
      )
    }
    await page.goto(`${server.url}/experiments/${many}`)
    await page.getByTestId('run-count').filter({ hasText: '1,200 runs' }).waitFor({ timeout: 20_000 })
    await page.getByLabel('Aggregate of loss').selectOption('mean')
    await page.locator('button[data-column="metrics.loss@mean"]').waitFor()
    const lossCell = async (run: string) => {
      const header = await headerLabels()
      const row = page.locator('.grid-body [role=row]', { has: page.getByRole('link', { name: run, exact: true }) })
      return row.locator('[role=cell]').nth(header.indexOf('loss')).textContent()
    }
    // Newest first: r1199's mean is 1200; the oldest, r0000, is the last row, and its mean is 1.
    assert.equal(await settled(() => lossCell('r1199'), (t) => t === '1200'), '1200')
    await page.locator('.grid-scroll').evaluate((element) => {
      element.scrollTop = element.scrollHeight
    })
    await page.getByRole('link', { name: 'r0000', exact: true }).waitFor()
    assert.equal(await settled(() => lossCell('r0000'), (t) => t === '1', 15_000), '1')
    assert.equal(await lossCell('r0001'), '2')
  })
})
