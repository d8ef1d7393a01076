import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { LinearModel, saveLinearModel } from '@orchard/models'
import type { LinearModelData } from '@orchard/models'
import { OrchardClient } from '@orchard/sdk'
import { orchard, startCli, tempDir } from './harness.ts'

const MODEL: LinearModelData = { intercept: 1, coefficients: [2, 3], feature_names: ['a', 'b'] }
const ROWS = [{ a: 1, b: 2 }, { a: -1, b: 0.5 }]
let dir: { path: string; remove(): Promise<void> }
before(async () => (dir = await tempDir()))
after(() => dir.remove())

async function score(url: string): Promise<unknown> {
  const response = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_records: ROWS }) })
  assert.equal(response.status, 200)
  return ((await response.json()) as { predictions: unknown }).predictions
}

test('models serve -m <folder> answers /invocations and stops cleanly on SIGTERM', async () => {
  await saveLinearModel(join(dir.path, 'local-model'), MODEL, { inputExample: ROWS })
  const cli = await startCli(dir.path, ['models', 'serve', '-m', join(dir.path, 'local-model'), '--port', '0'])
  try {
    assert.deepEqual(await score(cli.url), new LinearModel(MODEL).predict(ROWS))
    assert.equal((await fetch(`${cli.url}/ping`)).status, 200)
    cli.child.kill('SIGTERM')
    assert.deepEqual(await cli.exited, { code: 0, signal: null })
  } finally {
    await cli.kill()
  }
})

test('models serve loads a runs:/ URI from the tracking store', async () => {
  const trackingUri = `sqlite:///${join(dir.path, 'mlruns.db')}`
  const client = new OrchardClient(trackingUri)
  const run = await client.createRun('0')
  const info = await client.logModel(run.info.runId, 'orchard.linear', MODEL)
  await client.close()
  const cli = await startCli(dir.path, ['models', 'serve', '-m', info.modelUri, '-p', '0', '--tracking-uri', trackingUri, '--extra-columns', 'reject'])
  try {
    assert.deepEqual(await score(cli.url), new LinearModel(MODEL).predict(ROWS))
  } finally {
    await cli.kill()
  }
})

test('models serve explains bad flags and missing models in one line', async () => {
  const noFlag = await orchard(dir.path, ['models', 'serve'])
  assert.equal(noFlag.code, 2)
  assert.match(noFlag.stderr, /--model-uri is required/)
  const badColumns = await orchard(dir.path, ['models', 'serve', '-m', 'x', '--extra-columns', 'drop'])
  assert.equal(badColumns.code, 2)
  assert.match(badColumns.stderr, /--extra-columns must be ignore or reject/)
  const missing = await orchard(dir.path, ['models', 'serve', '-m', join(dir.path, 'absent'), '--port', '0'])
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /No MLmodel file/)
  const help = await orchard(dir.path, ['models', 'serve', '--help'])
  assert.match(help.stdout, /-m, --model-uri <uri>/)
})
