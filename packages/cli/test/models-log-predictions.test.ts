// `orchard models serve --log-predictions` through the real binary: request ids in and out, the
// Parquet prediction log in the artifact store (a folder here) partitioned by model version and day,
// and a destination that cannot be written, which must not fail a single prediction.
import assert from 'node:assert/strict'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { parquetReadObjects } from 'hyparquet'
import { LinearModel, saveLinearModel } from '@orchard/models'
import type { LinearModelData } from '@orchard/models'
import { orchard, startCli, tempDir } from './harness.ts'

const MODEL: LinearModelData = { intercept: 1, coefficients: [2, 3], feature_names: ['a', 'b'] }
const ROWS = [{ a: 1, b: 2 }, { a: -1, b: 0.5 }]
let dir: { path: string; remove(): Promise<void> }
before(async () => {
  dir = await tempDir()
  await saveLinearModel(join(dir.path, 'model'), MODEL, { inputExample: ROWS })
})
after(() => dir.remove())

const invoke = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ dataframe_records: ROWS }) })

test('logs every request as Parquet under <model>/version=<v>/date=<day>, with the request id it returns', async () => {
  const logs = join(dir.path, 'logs')
  const cli = await startCli(dir.path, ['models', 'serve', '-m', join(dir.path, 'model'), '--port', '0', '--log-predictions', '--log-destination', logs])
  let id: string | null = null
  try {
    const given = await invoke(cli.url, { 'x-request-id': 'client-7' })
    assert.equal(given.status, 200)
    assert.equal(given.headers.get('x-request-id'), 'client-7')
    const generated = await invoke(cli.url, { 'x-request-id': 'not acceptable!' })
    id = generated.headers.get('x-request-id')
    assert.match(id ?? '', /^[0-9a-f-]{36}$/)
    const bad = await fetch(`${cli.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })
    assert.equal(bad.status, 400)
    assert.ok(bad.headers.get('x-request-id'), 'errors carry a request id too')
    cli.child.kill('SIGTERM')
    assert.deepEqual(await cli.exited, { code: 0, signal: null })
  } finally {
    await cli.kill()
  }
  const files = (await readdir(logs, { recursive: true })).filter((f) => f.endsWith('.parquet'))
  const today = new Date().toISOString().slice(0, 10)
  assert.equal(files.length, 1, 'the shutdown flush wrote the batch')
  assert.match(files[0]!, new RegExp(`^model/version=unregistered/date=(${today}|\\d{4}-\\d\\d-\\d\\d)/predictions-\\d{6}-000001-[0-9a-f]{8}\\.parquet$`))
  const rows = await parquetReadObjects({ file: (await readFile(join(logs, files[0]!))).buffer as ArrayBuffer })
  const expected = new LinearModel(MODEL).predict(ROWS) as number[]
  assert.deepEqual(rows.map((r) => [r.request_id, r.row, r.a, r.b, r.prediction]), [
    ['client-7', 0, 1, 2, expected[0]],
    ['client-7', 1, -1, 0.5, expected[1]],
    [id, 0, 1, 2, expected[0]],
    [id, 1, -1, 0.5, expected[1]],
  ])
  assert.ok(rows.every((r) => r.model_name === 'model' && r.model_version === 'unregistered' && r.timestamp instanceof Date && (r.latency_ms as number) >= 0))
})

test('a destination that cannot be written drops and counts rows, and every prediction still succeeds', async () => {
  const blocked = join(dir.path, 'a-file')
  await writeFile(blocked, 'not a folder')
  const cli = await startCli(dir.path, ['models', 'serve', '-m', join(dir.path, 'model'), '--port', '0', '--log-predictions', '--log-destination', blocked, '--log-flush-interval', '0.1s'])
  try {
    for (let i = 0; i < 3; i++) assert.equal((await invoke(cli.url)).status, 200)
    let metrics = ''
    for (let i = 0; i < 100 && !/reason="write_failed"\} 6/.test(metrics); i++) {
      await new Promise((r) => setTimeout(r, 100))
      metrics = await (await fetch(`${cli.url}/metrics`)).text()
    }
    assert.match(metrics, /^orchard_prediction_log_dropped_rows_total\{reason="write_failed"\} 6$/m)
    assert.match(metrics, /^orchard_serving_request_total\{model_name="model",model_version="unregistered",endpoint="\/invocations",http_response_code="200"\} 3$/m)
    assert.equal((await invoke(cli.url)).status, 200)
    assert.match(cli.output().stderr, /prediction log: .*rows dropped \(see \/metrics\)/)
  } finally {
    await cli.kill()
  }
})

test('sample rate and logging flags are checked', async () => {
  const results = await Promise.all([
    orchard(dir.path, ['models', 'serve', '-m', 'x', '--log-predictions', '--sample-rate', '2']),
    orchard(dir.path, ['models', 'serve', '-m', 'x', '--sample-rate', '0.5']),
    orchard(dir.path, ['models', 'serve', '-m', 'x', '--log-predictions', '--log-flush-interval', 'soon']),
  ])
  assert.deepEqual(results.map((r) => r.code), [2, 2, 2])
  assert.match(results[0]!.stderr, /--sample-rate must be a number from 0 to 1, got '2'/)
  assert.match(results[1]!.stderr, /--sample-rate needs --log-predictions/)
  assert.match(results[2]!.stderr, /--log-flush-interval must be a duration/)
})
