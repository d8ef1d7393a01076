// The run page of a project run in Chromium, seeded by a real `orchard run` of a small local git
// project against the UI's server: the Project section shows source and commit, entry point,
// command, environment, exit code, the output log and the run reproduced; the copied re-run
// commands are run as they are and make a run with the same parameters.
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { RestTransport } from '@orchard/sdk/rest'
import type { Browser, Page } from 'playwright-core'
import { SCREENSHOTS, launchBrowser, newPage } from './browser.ts'
import { startUiServer } from './ui-server.ts'
import type { UiServer } from './ui-server.ts'

const BIN = fileURLToPath(new URL('../../packages/cli/bin/orchard.mjs', import.meta.url))

function sh(cwd: string, script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd, env: { ...process.env, ...env } })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

describe('project run page in Chromium', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let api: RestTransport
  let dir: string
  let project: string
  let commit: string
  let firstRunId: string
  let rerunId: string
  let experimentId: string
  const orchard = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`
  const runIdIn = (output: string) => [...output.matchAll(/run with ID '([0-9a-f]{32})'/g)].map((m) => m[1]!).at(-1) ?? ''

  before(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await newPage(browser)
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    api = new RestTransport(server.url)
    dir = await mkdtemp(join(tmpdir(), 'orchard-ui-project-'))
    project = join(dir, 'greeter')
    await mkdir(project)
    await writeFile(
      join(project, 'MLproject'),
      'name: greeter\nentry_points:\n  greet:\n    parameters:\n      who: string\n      times: {type: int, default: 1}\n    command: "bash greet.sh {who} {times}"\n',
    )
    await writeFile(join(project, 'greet.sh'), 'for i in $(seq "$2"); do echo "hello $1"; done\n')
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: project, encoding: 'utf8' }).trim()
    git('init', '-q', '-b', 'main')
    git('add', '.')
    git('commit', '-q', '-m', 'greeter')
    commit = git('rev-parse', 'HEAD')
    const env = { MLFLOW_TRACKING_URI: server.url }
    const first = await sh(dir, `${orchard} run greeter -e greet -P "who=big world" -P times=2 --experiment-name greeters --env-manager local`, env)
    assert.equal(first.code, 0, first.output)
    firstRunId = runIdIn(first.output)
    const again = await sh(dir, `${orchard} run --from-run ${firstRunId}`, env)
    assert.equal(again.code, 0, again.output)
    rerunId = runIdIn(again.output)
    experimentId = (await api.getRun(rerunId)).info.experimentId
  })

  after(async () => {
    await browser?.close()
    await server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('shows the source with its commit, entry point, command, environment and exit code', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}/runs/${rerunId}`)
    const section = page.getByRole('region', { name: 'Project' })
    await section.waitFor()
    const rows = Object.fromEntries(
      await section.locator('table.kv tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent ?? '', tr.querySelector('td')?.textContent ?? ''])),
    ) as Record<string, string>
    assert.equal(rows.Source, `file://${project} at ${commit.slice(0, 12)} (main)`)
    assert.equal(rows['Entry point'], 'greet')
    assert.equal(rows.Command, "bash greet.sh 'big world' 2")
    assert.equal(rows.Parameters, 'times=2  who=big world')
    assert.equal(rows.Environment, 'local, backend local')
    assert.equal(rows['Exit code'], '0')
    assert.equal(rows.Reproduces, firstRunId)
    await page.screenshot({ path: `${SCREENSHOTS}run-project.png`, fullPage: true })
  })

  it('links to the run it reproduces, which reproduces none', async () => {
    await page.getByRole('region', { name: 'Project' }).getByRole('link', { name: firstRunId }).click()
    await page.waitForURL(new RegExp(`/runs/${firstRunId}$`))
    const section = page.getByRole('region', { name: 'Project' })
    await section.locator('th', { hasText: 'Entry point' }).waitFor()
    assert.equal(await section.locator('th', { hasText: 'Reproduces' }).count(), 0)
  })

  it('opens the output log artifact from its link', async () => {
    await page.getByRole('region', { name: 'Project' }).getByRole('link', { name: 'project/output.log' }).click()
    await page.waitForURL(/tab=artifacts/)
    await page.getByText('hello big world').first().waitFor()
  })

  it('copies re-run commands that run as they are', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}/runs/${firstRunId}`)
    const section = page.getByRole('region', { name: 'Project' })
    const copied: string[] = []
    for (const label of ['re-run command', 'explicit command']) {
      const button = section.getByRole('button', { name: `Copy ${label}` })
      await button.click()
      await section.getByRole('button', { name: `Copy ${label}` }).filter({ hasText: 'Copied' }).waitFor()
      copied.push(await page.evaluate(() => navigator.clipboard.readText()))
    }
    assert.equal(copied[0], `orchard run --from-run ${firstRunId}`)
    assert.equal(copied[1], `orchard run file://${project} --version ${commit} -e greet -P times=2 -P 'who=big world' --env-manager local --experiment-id ${experimentId}`)
    for (const command of copied) {
      const result = await sh(dir, command.replace(/^orchard /, `${orchard} `), { MLFLOW_TRACKING_URI: server.url })
      assert.equal(result.code, 0, result.output)
      const rerun = await api.getRun(runIdIn(result.output))
      assert.equal(rerun.info.experimentId, experimentId)
      assert.deepEqual(Object.fromEntries(rerun.data.params.map((p) => [p.key, p.value])), { who: 'big world', times: '2' })
      assert.equal(rerun.data.tags.find((t) => t.key === 'mlflow.source.git.commit')?.value, commit)
    }
  })

  it('shows no Project section for a run that is not a project run', async () => {
    const other = await api.createRun({ experimentId, runName: 'plain' })
    await page.goto(`${server.url}/experiments/${experimentId}/runs/${other.info.runId}`)
    await page.getByRole('region', { name: 'Description' }).waitFor()
    assert.equal(await page.getByRole('region', { name: 'Project' }).count(), 0)
  })
})
