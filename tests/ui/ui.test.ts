// The web UI in real headless Chromium (Debian's, driven by playwright-core) against a real Orchard
// app: data seeded through the REST API, then everything asserted from what the page shows.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { RestTransport } from '@orchard/sdk/rest'
import { chromium } from 'playwright-core'
import type { Browser, Page } from 'playwright-core'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'
import { settled } from './browser.ts'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const BIG_RUNS = 10_000
const T0 = 1_763_000_000_000

interface Seeded {
  readonly churnId: string
  readonly bigId: string
  readonly described: string
  readonly parent: string
  readonly runIds: Map<string, string>
}

async function seed(server: UiServer): Promise<Seeded> {
  const api = new RestTransport(server.url)
  const churnId = await api.createExperiment({ name: 'team-a/churn/baseline' })
  await api.createExperiment({ name: 'team-a/ltv' })
  const runIds = new Map<string, string>()
  for (let i = 0; i < 24; i++) {
    const name = `run-${String(i).padStart(2, '0')}`
    const run = await api.createRun({ experimentId: churnId, runName: name, startTime: T0 + i * 60_000, userId: 'ana' })
    runIds.set(name, run.info.runId)
    await api.logBatch(run.info.runId, {
      params: [
        { key: 'lr', value: String(0.001 * (i + 1)) },
        { key: 'model', value: i % 2 ? 'tree' : 'linear' },
      ],
      metrics: [
        { key: 'accuracy', value: 0.5 + i * 0.02 + 0.001, timestamp: T0 + i * 60_000, step: 0 },
        ...Array.from({ length: 50 }, (_, step) => ({ key: 'loss', value: (1 + i * 0.05) / (1 + step), timestamp: T0 + i * 60_000 + step * 1000, step })),
      ],
    })
    await api.updateRun(run.info.runId, { status: 'FINISHED', endTime: T0 + i * 60_000 + 50_000 })
  }
  await api.deleteRun(runIds.get('run-00')!)

  const parent = await api.createRun({ experimentId: churnId, runName: 'parent-sweep', startTime: T0 - 120_000 })
  for (const child of ['child-a', 'child-b']) {
    await api.createRun({ experimentId: churnId, runName: child, startTime: T0 - 60_000, tags: [{ key: 'mlflow.parentRunId', value: parent.info.runId }] })
  }
  const described = await api.createRun({
    experimentId: churnId,
    runName: 'described-run',
    startTime: T0 - 180_000,
    userId: 'ben',
    tags: [
      { key: 'mlflow.note.content', value: '## Why this run\n\nTried **bigger trees**. See [the doc](https://mlflow.org).\n\n<script>alert(1)</script>' },
      { key: 'mlflow.source.git.commit', value: '0123456789abcdef0123456789abcdef01234567' },
      { key: 'mlflow.source.name', value: 'train.py' },
      { key: 'mlflow.parentRunId', value: parent.info.runId },
    ],
  })
  await api.logBatch(described.info.runId, { params: [{ key: 'lr', value: '0.5' }], metrics: [{ key: 'accuracy', value: 0.3, timestamp: T0, step: 0 }] })
  // Artifacts go through the artifact proxy, as MLflow's client uploads them.
  const artifactRoot = `${server.url}/api/2.0/mlflow-artifacts/artifacts/${churnId}/${described.info.runId}/artifacts`
  for (const [path, body] of [['model/weights.txt', 'w=1'], ['notes.md', '# notes']] as const) {
    const response = await fetch(`${artifactRoot}/${path}`, { method: 'PUT', body })
    assert.equal(response.status, 200, await response.text())
  }

  // 10,000 runs straight into the store: seeding them over HTTP would take most of the time budget.
  const bigId = await server.store.createExperiment({ name: 'scale/ten-thousand' })
  for (let i = 0; i < BIG_RUNS; i++) {
    await server.store.createRun({ experimentId: bigId, runName: `big-${String(i).padStart(5, '0')}`, startTime: T0 + i, userId: 'bot', tags: [] })
  }
  return { churnId, bigId, described: described.info.runId, parent: parent.info.runId, runIds }
}

const rows = (page: Page) => page.locator('.grid-body [role=row]')
const runNames = (page: Page) => page.locator('.grid-body [role=row] .cell.name a').allTextContents()

describe('web UI in Chromium', () => {
  let server: UiServer
  let data: Seeded
  let browser: Browser
  let page: Page
  let createdId: string

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run \`apt-get install -y chromium\` or set CHROMIUM_PATH.`)
    mkdirSync(SCREENSHOTS, { recursive: true })
    server = await startUiServer()
    const launching = chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    data = await seed(server)
    browser = await launching
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' })
    page = await context.newPage()
    page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`))
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('lists experiments as a folder tree and creates one from the sidebar', async () => {
    await page.goto(server.url)
    await page.getByRole('button', { name: 'team-a/' }).click()
    await page.getByRole('button', { name: 'churn/' }).click()
    await page.locator(`a[data-experiment-id="${data.churnId}"]`).waitFor()
    assert.equal(await page.locator(`a[data-experiment-id="${data.churnId}"]`).textContent(), 'baseline')
    await page.screenshot({ path: `${SCREENSHOTS}experiments.png` })

    await page.getByRole('button', { name: '+ New' }).click()
    await page.getByLabel('Experiment name').fill('ui-made/first')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.waitForURL(/\/experiments\/\d+$/)
    await page.getByText('No runs in this experiment yet').waitFor()
    const created = await new RestTransport(server.url).getExperimentByName('ui-made/first')
    assert.ok(created, 'the experiment exists on the server')
    assert.ok(page.url().endsWith(`/experiments/${created.experimentId}`))
    assert.equal(await page.locator(`a[data-experiment-id="${created.experimentId}"]`).textContent(), 'first')
    createdId = created.experimentId
  })

  it('renames, deletes and restores an experiment, and selects several', async () => {
    const api = new RestTransport(server.url)
    const row = () => page.locator('li.experiment', { has: page.locator(`a[data-experiment-id="${createdId}"]`) })
    await row().hover()
    await page.getByLabel('Rename ui-made/first').click()
    await page.getByLabel('New name').fill('ui-made/renamed')
    await page.getByRole('button', { name: 'Save' }).click()
    await row().filter({ hasText: 'renamed' }).waitFor()
    assert.equal((await api.getExperiment(createdId)).name, 'ui-made/renamed')

    await row().hover()
    await page.getByLabel('Delete ui-made/renamed').click()
    // One click only asks; Cancel keeps the experiment, the dialog's button deletes it.
    const dialog = page.getByRole('dialog', { name: 'Delete experiment “ui-made/renamed”?' })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    assert.equal((await api.getExperiment(createdId)).lifecycleStage, 'active')
    await row().hover()
    await page.getByLabel('Delete ui-made/renamed').click()
    await dialog.getByRole('button', { name: 'Delete experiment' }).click()
    await row().waitFor({ state: 'detached' })
    await dialog.waitFor({ state: 'detached' })
    assert.equal((await api.getExperiment(createdId)).lifecycleStage, 'deleted')
    await page.locator('aside label.toggle input').check()
    await row().and(page.locator('.deleted')).waitFor()
    await row().hover()
    await page.getByLabel('Restore ui-made/renamed').click()
    await row().and(page.locator(':not(.deleted)')).waitFor()
    assert.equal((await api.getExperiment(createdId)).lifecycleStage, 'active')
    await page.locator('aside label.toggle input').uncheck()

    await page.getByLabel('Search experiments').fill('churn')
    await page.locator(`a[data-experiment-id="${data.churnId}"]`).click()
    await page.getByLabel('Search experiments').fill('')
    await page.getByLabel('Select team-a/ltv').check()
    await page.waitForURL(new RegExp(`/experiments/${data.churnId},\\d+$`))
    assert.match((await page.locator('.runs h1').textContent()) ?? '', /team-a\/churn\/baseline, team-a\/ltv/)
    await page.getByRole('columnheader', { name: 'Experiment' }).waitFor()
  })

  it('shows an experiment’s runs, nests children under their parent and hides deleted runs', async () => {
    await page.locator(`a[data-experiment-id="${data.churnId}"]`).click()
    await page.getByTestId('run-count').filter({ hasText: '27 runs' }).waitFor()
    assert.equal(await page.title(), 'team-a/churn/baseline · Orchard')
    const names = await runNames(page)
    assert.ok(names.includes('run-23') && names.includes('parent-sweep'))
    assert.ok(!names.includes('run-00'), 'the deleted run is hidden')
    assert.ok(!names.includes('child-a'), 'children start collapsed')
    await page.getByRole('button', { name: 'Show 3 child runs' }).click()
    // The click scrolls the button into view, and the scroll moves the window by a few rows: for a
    // frame after that, the element that showed the first row may show the new last one before it
    // is moved to the end (the rows' positions on screen are right throughout). Read the settled rows.
    await page.waitForFunction(() => {
      const names = [...document.querySelectorAll('.grid-body [role=row] .cell.name a')].map((a) => a.textContent)
      const at = names.indexOf('parent-sweep')
      return at >= 0 && names.slice(at + 1, at + 4).sort().join(',') === 'child-a,child-b,described-run'
    })
    const expanded = await runNames(page)
    const at = expanded.indexOf('parent-sweep')
    assert.deepEqual(new Set(expanded.slice(at + 1, at + 4)), new Set(['child-a', 'child-b', 'described-run']))
    await page.locator('.runs label.toggle input').check()
    await page.getByTestId('run-count').filter({ hasText: '28 runs' }).waitFor()
    assert.match(page.url(), /deleted=1/)
    await page.locator('.runs label.toggle input').uncheck()
    await page.getByTestId('run-count').filter({ hasText: '27 runs' }).waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}runs.png` })
  })

  it('filters with MLflow’s grammar and shows the server’s message for a bad filter', async () => {
    const filter = page.getByLabel('Filter runs')
    await filter.fill('metrics.accuracy > 0.9')
    await filter.press('Enter')
    await page.getByTestId('run-count').filter({ hasText: '4 runs' }).waitFor()
    assert.deepEqual((await runNames(page)).sort(), ['run-20', 'run-21', 'run-22', 'run-23'])
    assert.match(decodeURIComponent(page.url()), /filter=metrics\.accuracy\+?( |\+)>/)

    await filter.fill('metrics.accuracy >')
    await filter.press('Enter')
    const alert = page.locator('.runs [role=alert]')
    await alert.waitFor()
    assert.match((await alert.textContent()) ?? '', /Invalid filter "metrics\.accuracy >".*expected a number/)
    await page.getByRole('button', { name: 'Clear' }).click()
    await page.getByTestId('run-count').filter({ hasText: '27 runs' }).waitFor()
    assert.equal(await alert.count(), 0)
  })

  it('sorts on the server when a column header is clicked', async () => {
    await page.locator('button[data-column="metrics.accuracy"]').click()
    await page.waitForURL(/order=metrics/)
    assert.match(decodeURIComponent(page.url()), /order=metrics\.`accuracy`\+DESC/)
    await page.waitForFunction(() => document.querySelector('.grid-body [role=row] .cell.name a')?.textContent === 'run-23')
    await page.locator('button[data-column="metrics.accuracy"]').click()
    // Ascending, described-run (0.3) comes first from the server but sits under its parent; run-01 leads.
    await page.waitForFunction(() => document.querySelector('.grid-body [role=row] .cell.name a')?.textContent === 'run-01')
    assert.match(decodeURIComponent(page.url()), /ASC/)
  })

  it('keeps the column choice and filter in the URL across a reload', async () => {
    await page.locator('.column-chooser summary').click()
    await page.locator('.column-chooser label', { hasText: 'model' }).locator('input').uncheck()
    await page.waitForURL(/cols=/)
    await page.getByLabel('Filter runs').fill("params.model = 'tree'")
    await page.getByLabel('Filter runs').press('Enter')
    await page.getByTestId('run-count').filter({ hasText: '12 runs' }).waitFor()
    const before = page.url()
    await page.reload()
    await page.getByTestId('run-count').filter({ hasText: '12 runs' }).waitFor()
    assert.equal(page.url(), before)
    assert.equal(await page.getByLabel('Filter runs').inputValue(), "params.model = 'tree'")
    assert.equal(await page.locator('button[data-column="params.model"]').count(), 0)
    assert.equal(await page.locator('button[data-column="params.lr"]').count(), 1)
  })

  it('opens a run page with overview, markdown description, tables and artifact downloads', async () => {
    await page.goto(`${server.url}/experiments/${data.churnId}?cols=`)
    await page.getByRole('button', { name: 'Show 3 child runs' }).click()
    await page.getByRole('link', { name: 'described-run' }).click()
    await page.waitForURL(new RegExp(`/experiments/${data.churnId}/runs/${data.described}$`))
    const overview = page.locator('.overview')
    await overview.waitFor()
    const text = (await overview.textContent()) ?? ''
    assert.match(text, /0123456789ab/)
    assert.match(text, /train\.py/)
    assert.match(text, /ben/)
    assert.equal(await page.locator('.markdown h4').textContent(), 'Why this run')
    assert.equal(await page.locator('.markdown strong').textContent(), 'bigger trees')
    assert.equal(await page.locator('.markdown script').count(), 0, 'raw HTML stays text')
    assert.match((await page.locator('.markdown').textContent()) ?? '', /<script>alert\(1\)<\/script>/)
    assert.equal(await overview.getByRole('link', { name: data.parent }).count(), 1, 'links to the parent run')
    await page.screenshot({ path: `${SCREENSHOTS}run.png` })

    await page.getByRole('tab', { name: /Params/ }).click()
    assert.equal(await page.locator('table[aria-label=Params] td.value').textContent(), '0.5')
    await page.getByRole('tab', { name: 'Artifacts' }).click()
    await page.getByRole('button', { name: /model\// }).click()
    const download = page.getByRole('link', { name: 'Download weights.txt' })
    await download.waitFor()
    const href = await download.getAttribute('href')
    assert.equal(href, `/get-artifact?path=model%2Fweights.txt&run_uuid=${data.described}`)
    const response = await fetch(`${server.url}${href}`)
    assert.equal(await response.text(), 'w=1')

    await page.reload()
    await page.getByRole('link', { name: 'notes.md', exact: true }).waitFor()
    assert.ok(page.url().endsWith('?tab=artifacts'))
  })

  it('charts a metric of several runs with uPlot: legend values, axes, smoothing and log scale', async () => {
    await page.goto(`${server.url}/experiments/${data.churnId}`)
    await page.getByLabel('Select run-22').check()
    await page.getByLabel('Select run-23').check()
    await page.getByRole('button', { name: 'Charts (2)' }).click()
    await page.waitForURL(/\/charts\?/)
    await page.getByRole('link', { name: 'Open loss' }).click()
    await page.waitForURL(/metric=loss/)
    const canvas = page.locator('[data-testid=metric-chart] canvas')
    await canvas.waitFor()
    const over = page.locator('[data-testid=metric-chart] .u-over')
    const box = (await over.boundingBox())!
    await page.mouse.move(box.x + 5, box.y + box.height / 2)
    const values = await page.locator('[data-testid=metric-chart] .u-legend .u-series .u-value').allTextContents()
    // The first legend entry is the x value (step 0); the runs' loss at step 0 is (1 + i·0.05).
    assert.deepEqual(values, ['0', '2.1', '2.15'])
    const labels = await page.locator('[data-testid=metric-chart] .u-legend .u-series .u-label').allTextContents()
    assert.deepEqual(labels.slice(1), ['run-22', 'run-23'])
    const summary = await page.locator('table[aria-label="Run summary"] tbody tr').allTextContents()
    assert.equal(summary.length, 2)
    assert.match(summary[1]!, /^run-23/)
    assert.match(summary[1]!, /2\.15/, 'max of run-23 is its first loss value')
    await page.screenshot({ path: `${SCREENSHOTS}chart.png` })

    // Smoothing changes the drawn values away from the first point (the EMA is debiased there).
    const valuesAt = async (fraction: number) => {
      await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2)
      return page.locator('[data-testid=metric-chart] .u-legend .u-series .u-value').allTextContents()
    }
    const raw = await valuesAt(0.1)
    await page.getByLabel('Smoothing').fill('0.9')
    await page.waitForURL(/smooth=0\.9/)
    await canvas.waitFor()
    const smoothed = await valuesAt(0.1)
    assert.equal(smoothed[0], raw[0], 'same step under the cursor')
    assert.ok(Number(smoothed[1]) > Number(raw[1]), `smoothed loss ${smoothed[1]} lags above raw ${raw[1]}`)

    await page.getByLabel('X axis').selectOption('wall')
    await page.waitForURL(/x=wall/)
    // The chart is fetched and drawn again for the new axis: hover until its legend shows a value.
    const wall = await settled(
      async () => {
        await page.mouse.move(box.x + 5, box.y + box.height / 2)
        await page.mouse.move(box.x + 6, box.y + box.height / 2)
        return page.locator('[data-testid=metric-chart] .u-legend .u-series .u-value').first().textContent()
      },
      (value) => /\d{1,2}:\d{2}/.test(value ?? ''),
    )
    assert.match(wall ?? '', /\d{1,2}:\d{2}/, `wall-clock x value, got ${wall}`)
    await page.getByLabel('X axis').selectOption('relative')
    await page.getByLabel('Log scale').check()
    await page.locator('[data-testid=metric-chart] canvas').waitFor()
    await page.reload()
    await canvas.waitFor()
    assert.equal(await page.getByLabel('X axis').inputValue(), 'relative')
    assert.equal(await page.getByLabel('Log scale').isChecked(), true)
    assert.equal(await page.getByLabel('Metric').inputValue(), 'loss')

    await page.goto(`${server.url}/experiments/${data.churnId}/runs/${data.runIds.get('run-23')}?tab=metrics`)
    await page.locator('.chart-cell canvas').nth(1).waitFor()
    assert.deepEqual(await page.locator('.chart-cell figcaption').allTextContents(), ['accuracy', 'loss'])
    // Not hovered, the legend shows each run's last value: run-23's loss at step 49 is 2.15 / 50.
    assert.deepEqual(await page.locator('.chart-cell').nth(1).locator('.u-legend .u-series .u-value').allTextContents(), ['--', '0.043'])
    await page.screenshot({ path: `${SCREENSHOTS}run-metrics.png` })
  })

  it('scrolls 10,000 runs with a windowed table', async () => {
    await page.goto(`${server.url}/experiments/${data.bigId}`)
    await rows(page).first().waitFor()
    const firstRowsMs = await page.evaluate(() => performance.getEntriesByName('orchard:first-rows')[0]?.startTime ?? -1)
    await page.getByTestId('run-count').filter({ hasText: '10,000 runs' }).waitFor({ timeout: 20_000 })
    const allRunsMs = await page.evaluate(() => performance.now())
    assert.equal((await page.getByTestId('run-count').textContent())?.includes('loading'), false)
    assert.ok((await rows(page).count()) < 100, 'only the rows in view are in the DOM')
    const scroller = page.locator('.grid-scroll')
    // 60 page-sized jumps, each waiting for the next two frames: the time per jump bounds the frame cost.
    // (No named helpers inside evaluate: tsx's keepNames would wrap them in a __name the page lacks.)
    const msPerJump = await scroller.evaluate(async (element) => {
      const start = performance.now()
      for (let i = 1; i <= 60; i++) {
        element.scrollTop = i * element.clientHeight
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
      }
      return (performance.now() - start) / 60
    })
    await scroller.evaluate((element) => {
      element.scrollTop = element.scrollHeight
    })
    await page.getByRole('link', { name: 'big-00000', exact: true }).waitFor()
    assert.ok((await rows(page).count()) < 100)
    console.log(
      `# 10,000-run experiment: first rows ${Math.round(firstRowsMs)} ms, all loaded by ${Math.round(allRunsMs)} ms after navigation; ` +
        `${msPerJump.toFixed(1)} ms per page-sized scroll jump (two frames each)`,
    )
  })

  it('shows the right runs at every scroll position, in the frame that scrolls there', async () => {
    await page.goto(`${server.url}/experiments/${data.bigId}`)
    await page.getByTestId('run-count').filter({ hasText: '10,000 runs' }).waitFor({ timeout: 20_000 })
    // A fling of 600 px a frame, then long jumps: at the next animation frame (before it is painted)
    // the rows cover the part of the body in view, and each shows the run of its position (newest
    // first: big-09999 is row 0).
    const problems = await page.locator('.grid-scroll').evaluate(async (element) => {
      const found: string[] = []
      const head = element.querySelector<HTMLElement>('.grid-head')!.offsetHeight
      for (const top of [...Array.from({ length: 30 }, (_, i) => (i + 1) * 600), 150_000, 299_000, 45_015, 20]) {
        element.scrollTop = top
        await new Promise((resolve) => requestAnimationFrame(resolve))
        const shown = [...element.querySelectorAll<HTMLElement>('.grid-body [role=row]')]
        const start = element.scrollTop
        const end = start + element.clientHeight - head
        for (const row of shown) {
          const index = Math.round(row.offsetTop / row.offsetHeight)
          const name = row.querySelector('a')?.textContent
          const expected = `big-${String(9999 - index).padStart(5, '0')}`
          if (name !== expected) found.push(`row ${index} shows ${name}, not ${expected}`)
        }
        const from = Math.min(...shown.map((r) => r.offsetTop))
        const to = Math.max(...shown.map((r) => r.offsetTop + r.offsetHeight))
        if (from > start || to < end) found.push(`at ${start} px the rows cover ${from}–${to} px of the ${start}–${end} px in view`)
      }
      return found
    })
    assert.deepEqual(problems, [])
  })

  it('keeps selection, focus and an inline edit with their run when scrolled rows are reused', async () => {
    await page.goto(`${server.url}/experiments/${data.bigId}`)
    await page.getByTestId('run-count').filter({ hasText: '10,000 runs' }).waitFor({ timeout: 20_000 })
    const scroller = page.locator('.grid-scroll')
    await page.getByRole('checkbox', { name: 'Select big-09999' }).check()
    // Far enough that the row elements of the first screen now show other runs.
    await scroller.evaluate((element) => {
      element.scrollTop = 3000
    })
    await page.getByRole('link', { name: 'big-09899', exact: true }).waitFor()
    const state = await page.evaluate(() => ({
      checked: [...document.querySelectorAll<HTMLInputElement>('.grid-body input[type=checkbox]')].filter((box) => box.checked).length,
      focusInRows: document.activeElement?.closest('.grid-body') !== null,
    }))
    assert.deepEqual(state, { checked: 0, focusInRows: false }, 'no reused row is ticked, and the focus left the row that scrolled away')
    await scroller.evaluate((element) => {
      element.scrollTop = 0
    })
    assert.equal(await page.getByRole('checkbox', { name: 'Select big-09999' }).isChecked(), true)
    // An edit in place keeps its field and draft while the rows around it are reused.
    await page.getByRole('link', { name: 'big-09995', exact: true }).focus()
    await page.keyboard.press('F2')
    await page.getByRole('textbox', { name: 'Run name of big-09995' }).fill('draft name')
    // Rows 0–3 leave the window (their elements take the runs coming in below); row 4 stays in it.
    await scroller.evaluate((element) => {
      element.scrollTop = 8 * 30
    })
    await page.getByRole('link', { name: 'big-09999', exact: true }).waitFor({ state: 'detached' })
    assert.equal(await page.getByRole('textbox', { name: 'Run name of big-09995' }).inputValue(), 'draft name')
    await page.keyboard.press('Escape')
    await page.getByRole('link', { name: 'big-09995', exact: true }).waitFor()
  })

  it('rewrites the row elements in place on a long scroll, and moves only the rows that change on a short one', async () => {
    await page.goto(`${server.url}/experiments/${data.bigId}`)
    await page.getByTestId('run-count').filter({ hasText: '10,000 runs' }).waitFor({ timeout: 20_000 })
    const scroller = page.locator('.grid-scroll')
    await scroller.evaluate((element) => {
      element.scrollTop = 3000
    })
    await page.getByRole('link', { name: 'big-09899', exact: true }).waitFor()
    // Row elements inserted into the body (created or moved: a moved one is styled and laid out
    // again from scratch) by each scroll, at the next frame. Flings of 20 rows a frame, then a row at
    // a time: a long scroll rewrites the rows in place, a short one moves the element of the row that
    // left to the row that came in.
    const inserted = await scroller.evaluate(async (element) => {
      const body = element.querySelector('.grid-body')!
      const counts: number[] = []
      for (const by of [600, 600, 600, 30, 30, -30, -600]) {
        let added = 0
        const observer = new MutationObserver((records) => records.forEach((r) => (added += r.addedNodes.length)))
        observer.observe(body, { childList: true })
        element.scrollTop += by
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)))
        observer.takeRecords().forEach((r) => (added += r.addedNodes.length))
        observer.disconnect()
        counts.push(added)
      }
      return counts
    })
    assert.deepEqual(inserted, [0, 0, 0, 1, 1, 1, 0])
    // The focused row keeps its element (and the focus) when a long scroll rewrites the others.
    await scroller.evaluate((element) => {
      element.scrollTop = 3000
    })
    await page.getByRole('link', { name: 'big-09899', exact: true }).waitFor()
    await page.getByRole('link', { name: 'big-09888', exact: true }).focus()
    await scroller.evaluate((element) => {
      element.scrollTop = 3000 + 15 * 30
    })
    await page.getByRole('link', { name: 'big-09884', exact: true }).waitFor()
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'big-09888')
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Rename big-09888')
    // Nor is it moved (which would drop the focus) when rows come in above it, a row at a time.
    for (let i = 0; i < 3; i++) {
      await scroller.evaluate(async (element) => {
        element.scrollTop -= 30
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)))
      })
    }
    await page.getByRole('link', { name: 'big-09891', exact: true }).waitFor()
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Rename big-09888')
  })

  it('answers deep links, unknown pages and the dark theme', async () => {
    await page.goto(`${server.url}/nowhere/at/all`)
    await page.getByText('Nothing lives at').waitFor()
    await page.goto(`${server.url}/experiments/${data.churnId}/runs/${'f'.repeat(32)}`)
    await page.getByTestId('not-found').filter({ hasText: 'This run does not exist' }).waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}not-found.png` })
    await page.goto(`${server.url}/experiments/987654`)
    await page.getByRole('heading', { name: 'Experiment 987654 does not exist' }).waitFor()
    assert.equal(await page.locator('.grid-scroll').count(), 0, 'no empty runs table for a missing experiment')
    await page.goto(`${server.url}/models/no-such-model`)
    await page.getByRole('heading', { name: 'No registered model named “no-such-model”' }).waitFor()
    await page.goto(`${server.url}/models/no-such-model/versions/3`)
    await page.getByRole('heading', { name: 'no-such-model has no version 3' }).waitFor()
    await page.goto(`${server.url}/experiments/${data.churnId}`)
    await page.getByRole('button', { name: 'Toggle dark theme' }).click()
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark')
    await page.reload()
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark')
    await rows(page).first().waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}runs-dark.png` })
  })
})
