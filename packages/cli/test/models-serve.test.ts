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

test('models predict scores a CSV larger than a chunk and prints a summary', async () => {
  const folder = join(dir.path, 'predict-model')
  await saveLinearModel(folder, MODEL, { inputExample: ROWS })
  const rows = Array.from({ length: 250 }, (_, i) => ({ a: i, b: i % 7 }))
  const { writeFile, readFile } = await import('node:fs/promises')
  await writeFile(join(dir.path, 'in.csv'), `a,b\n${rows.map((r) => `${r.a},${r.b}`).join('\n')}\n`)
  const result = await orchard(dir.path, ['models', 'predict', '-m', folder, '-i', 'in.csv', '-o', 'out.jsonl', '--chunk-rows', '100'])
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stderr, /Scored 250 rows in [\d.]+ s \([\d,]+ rows\/s\) -> out\.jsonl/)
  const predictions = (await readFile(join(dir.path, 'out.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => (JSON.parse(l) as { prediction: number }).prediction)
  assert.deepEqual(predictions, new LinearModel(MODEL).predict(rows))
  const bad = await orchard(dir.path, ['models', 'predict', '-m', folder, '-i', 'in.csv', '-o', 'out.txt'])
  assert.equal(bad.code, 1)
  assert.match(bad.stderr, /Cannot tell the format of 'out\.txt'/)
  const badChunk = await orchard(dir.path, ['models', 'predict', '-m', folder, '-i', 'in.csv', '-o', 'o.csv', '--chunk-rows', '0'])
  assert.equal(badChunk.code, 2)
})
