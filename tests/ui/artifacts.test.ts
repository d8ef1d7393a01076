// The artifacts browser in Chromium: the tree with sizes and download links, and a preview of each
// kind of file (text/log, JSON, YAML, MLmodel, CSV, TSV, PNG, JPEG, SVG, GIF, sandboxed HTML, and a
// large log read partially with a Range request), all read back from the page.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { SCREENSHOTS, launchBrowser, newPage, settled } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

const GIF_1X1 = 'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=='
const BIG_LOG_LINES = 60_000

describe('artifacts browser in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let runUrl: string
  const bigLog = Array.from({ length: BIG_LOG_LINES }, (_, i) => `step ${String(i).padStart(5, '0')} loss=${(1 / (i + 1)).toFixed(6)}`).join('\n') + '\n'

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    const api = new RestTransport(server.url)
    const experimentId = await api.createExperiment({ name: 'artifacts' })
    const run = await api.createRun({ experimentId, runName: 'with-files' })
    runUrl = `${server.url}/experiments/${experimentId}/runs/${run.info.runId}?tab=artifacts`

    // Real PNG and JPEG bytes, 40×30, from the browser's own encoder.
    await page.goto(`${server.url}/health`)
    const [png, jpeg] = await page.evaluate(() => {
      const canvas = document.createElement('canvas')
      canvas.width = 40
      canvas.height = 30
      const g = canvas.getContext('2d')!
      g.fillStyle = '#d55e00'
      g.fillRect(0, 0, 40, 30)
      return [canvas.toDataURL('image/png'), canvas.toDataURL('image/jpeg')].map((url) => url.slice(url.indexOf(',') + 1))
    })
    const files: [string, string | Uint8Array<ArrayBuffer>][] = [
      ['logs/train.log', 'epoch 1 done\nepoch 2 done\n'],
      ['logs/big.log', bigLog],
      ['metrics.json', '{"accuracy":0.93,"classes":["a","b"]}'],
      ['config.yaml', 'model:\n  depth: 6\n  name: tree\nseed: 7\n'],
      ['model/MLmodel', 'artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n  sklearn:\n    pickled_model: model.pkl\nrun_id: abc123\n'],
      ['model/model.pkl', Uint8Array.from([0x80, 0x04, 0x95, 0x00])],
      ['data/sample.csv', 'city,"population, 2020"\nLyon,"522,250"\n"Saint-""Étienne""",172565\n'],
      ['data/sample.tsv', 'a\tb\n1\t2\n3\t4\n'],
      ['plots/chart.png', Uint8Array.from(Buffer.from(png!, 'base64'))],
      ['plots/photo.jpg', Uint8Array.from(Buffer.from(jpeg!, 'base64'))],
      ['plots/diagram.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><rect width="60" height="20" fill="#0072B2"/></svg>'],
      ['plots/pixel.gif', Uint8Array.from(Buffer.from(GIF_1X1, 'base64'))],
      ['report.html', '<h1>Validation report</h1><p id="p">static</p><script>document.getElementById("p").textContent = "scripted"</script>'],
    ]
    const root = `${server.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${run.info.runId}/artifacts`
    for (const [path, body] of files) {
      const response = await fetch(`${root}/${path}`, { method: 'PUT', body })
      assert.equal(response.status, 200, await response.text())
    }
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  const tree = () => page.getByRole('navigation', { name: 'Artifact files' })
  const preview = () => page.locator('.artifact-preview')
  const open = async (folder: string | undefined, file: string) => {
    if (folder) {
      const toggle = tree().getByRole('button', { name: `${folder}/` })
      if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click()
    }
    await tree().getByRole('link', { name: file, exact: true }).click()
    const shown = page.locator(`.artifact-preview[aria-label="Preview of ${file}"]`)
    await shown.waitFor()
    // The preview's content arrives after its frame: reads below must see the file, not "Loading…".
    await shown.locator('.status.loading').waitFor({ state: 'detached' })
  }

  it('lists the tree with folders first, sizes and download links', async () => {
    await page.goto(runUrl)
    await tree().getByRole('button', { name: 'logs/' }).waitFor()
    const top = await tree().locator(':scope > ul > li').evaluateAll((items) => items.map((li) => li.firstElementChild?.textContent?.trim()))
    assert.deepEqual(top, ['▸ data/', '▸ logs/', '▸ model/', '▸ plots/', 'config.yaml', 'metrics.json', 'report.html'])
    await tree().getByRole('button', { name: 'logs/' }).click()
    const big = tree().locator('li.file', { has: page.getByRole('link', { name: 'big.log', exact: true }) })
    assert.equal(await big.locator('.size').textContent(), `${(bigLog.length / 1024 ** 2).toFixed(1)} MB`)
    const href = await tree().getByRole('link', { name: 'Download train.log' }).getAttribute('href')
    assert.equal(await (await fetch(`${server.url}${href}`)).text(), 'epoch 1 done\nepoch 2 done\n')
  })

  it('previews text and logs, and reads a large log partially with a Range request', async () => {
    await open('logs', 'train.log')
    assert.equal(await preview().locator('pre').textContent(), 'epoch 1 done\nepoch 2 done\n')
    assert.match(page.url(), /path=logs%2Ftrain\.log/)

    const ranges: (string | undefined)[] = []
    page.on('request', (request) => {
      if (request.url().includes('big.log')) ranges.push(request.headers().range)
    })
    await open('logs', 'big.log')
    const note = preview().getByRole('note')
    assert.equal(await note.textContent(), `Showing the first 256.0 KB of ${(bigLog.length / 1024 ** 2).toFixed(1)} MB. Download the whole file.`)
    const shown = (await preview().locator('pre').textContent()) ?? ''
    assert.equal(shown.length, 256 * 1024)
    assert.ok(bigLog.startsWith(shown))
    // Every read of the file asked for its first 256 KB only (the preview may be rendered twice).
    assert.ok(ranges.length >= 1)
    assert.deepEqual([...new Set(ranges)], ['bytes=0-262143'])
    assert.equal(await note.getByRole('link', { name: 'Download the whole file' }).getAttribute('download'), 'big.log')
    await page.screenshot({ path: `${SCREENSHOTS}artifacts-partial.png` })
  })

  it('pretty-prints JSON and highlights YAML keys', async () => {
    await open(undefined, 'metrics.json')
    assert.equal(await preview().locator('pre.json').textContent(), JSON.stringify({ accuracy: 0.93, classes: ['a', 'b'] }, null, 2))
    await open(undefined, 'config.yaml')
    const keys = await settled(() => preview().locator('.yaml-key').allTextContents(), (found) => found.length >= 4)
    assert.deepEqual(keys, ['model', 'depth', 'name', 'seed'])
  })

  it('summarizes an MLmodel file and offers binaries for download only', async () => {
    await open('model', 'MLmodel')
    const summary = await preview().getByRole('table', { name: 'MLmodel summary' }).locator('tr').allTextContents()
    assert.deepEqual(summary, ['Flavorspython_function, sklearn', 'artifact_pathmodel', 'run_idabc123'])
    await open('model', 'model.pkl')
    await preview().getByText('No preview for this type of file').waitFor()
    assert.equal(await preview().getByRole('link', { name: 'Download' }).count(), 1)
  })

  it('shows CSV and TSV as tables', async () => {
    await open('data', 'sample.csv')
    const table = preview().getByRole('table', { name: 'Table preview' })
    assert.deepEqual(await table.locator('th').allTextContents(), ['city', 'population, 2020'])
    assert.deepEqual(await table.locator('tbody tr').allTextContents(), ['Lyon522,250', 'Saint-"Étienne"172565'])
    await page.screenshot({ path: `${SCREENSHOTS}artifacts-csv.png` })
    await open('data', 'sample.tsv')
    assert.deepEqual(await table.locator('tbody tr').allTextContents(), ['12', '34'])
  })

  it('shows PNG, JPEG, SVG and GIF images, decoded by the browser', async () => {
    for (const [file, width, height] of [['chart.png', 40, 30], ['photo.jpg', 40, 30], ['diagram.svg', 60, 20], ['pixel.gif', 1, 1]] as const) {
      await open('plots', file)
      const image = preview().getByRole('img', { name: file })
      await image.evaluate((img: HTMLImageElement) => img.decode())
      assert.deepEqual(await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]), [width, height], file)
    }
  })

  it('renders HTML in a sandboxed iframe where scripts do not run', async () => {
    await open(undefined, 'report.html')
    const frame = preview().locator('iframe')
    assert.equal(await frame.getAttribute('sandbox'), '')
    const inside = page.frameLocator('.artifact-preview iframe')
    assert.equal(await inside.locator('h1').textContent(), 'Validation report')
    assert.equal(await inside.locator('#p').textContent(), 'static')
    await page.screenshot({ path: `${SCREENSHOTS}artifacts-html.png` })
  })

  it('opens the previewed file again from its URL', async () => {
    await page.reload()
    await page.locator('.artifact-preview[aria-label="Preview of report.html"]').waitFor()
    await page.goto(`${runUrl}&path=plots%2Fchart.png`)
    await preview().getByRole('img', { name: 'chart.png' }).waitFor()
    assert.equal(await tree().getByRole('button', { name: 'plots/' }).getAttribute('aria-expanded'), 'true')
    assert.equal(await tree().locator('[aria-current=true]').textContent(), 'chart.png')
  })
})
