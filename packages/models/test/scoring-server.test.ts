import assert from 'node:assert/strict'
import { join } from 'node:path'
import { connect } from 'node:net'
import { after, before, test } from 'node:test'
import { LinearModel, loadModelFromDir, saveLinearModel, startScoringServer } from '../src/index.ts'
import type { RunningScoringServer } from '../src/index.ts'
import { TAXI_EXAMPLE, TAXI_LIKE, tempDir } from './fixtures.ts'

let server: RunningScoringServer
let cleanup: () => Promise<void>
const expected = new LinearModel(TAXI_LIKE).predict(TAXI_EXAMPLE)
const errors: unknown[] = []

before(async () => {
  const temp = await tempDir('serve')
  cleanup = temp.cleanup
  await saveLinearModel(join(temp.dir, 'm'), TAXI_LIKE, { inputExample: TAXI_EXAMPLE })
  server = await startScoringServer({ model: await loadModelFromDir(join(temp.dir, 'm')), version: '2.22.0', logError: (e) => errors.push(e) })
})
after(async () => {
  await server.close()
  await cleanup()
})

const invoke = (body: string, contentType = 'application/json') =>
  fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': contentType }, body })

async function expectError(response: Response, status: number, code: string, fragment: string): Promise<void> {
  assert.equal(response.status, status)
  const body = (await response.json()) as { error_code: string; message: string }
  assert.equal(body.error_code, code)
  assert.ok(body.message.includes(fragment), body.message)
}

test('every JSON scoring format and CSV give the in-process predictions', async () => {
  const columns = ['PULocationID', 'DOLocationID', 'trip_distance']
  const payloads: [string, string][] = [
    [JSON.stringify({ dataframe_split: { columns, data: TAXI_EXAMPLE.map((r) => columns.map((c) => r[c as keyof typeof r])) } }), 'application/json'],
    [JSON.stringify({ dataframe_split: { index: [5, 6], columns, data: TAXI_EXAMPLE.map((r) => columns.map((c) => r[c as keyof typeof r])) } }), 'application/json'],
    [JSON.stringify({ dataframe_records: TAXI_EXAMPLE }), 'application/json; charset=utf-8'],
    [JSON.stringify({ instances: TAXI_EXAMPLE }), 'application/json'],
    [JSON.stringify({ inputs: { PULocationID: ['43', '1'], DOLocationID: ['151', '2'], trip_distance: [2.5, 10] } }), 'application/json'],
    [JSON.stringify({ inputs: TAXI_EXAMPLE, params: { unused: 1 } }), 'application/json'],
    ['PULocationID,DOLocationID,trip_distance\n43,151,2.5\n1,2,10\n', 'text/csv'],
    ['"PULocationID","DOLocationID","trip_distance"\r\n"43","151",2.5\r\n1,2,1e1', 'text/csv; charset=UTF-8'],
  ]
  for (const [body, type] of payloads) {
    const response = await invoke(body, type)
    assert.equal(response.status, 200, `${type} ${body}: ${await response.clone().text()}`)
    assert.match(response.headers.get('content-type') ?? '', /application\/json/)
    assert.deepEqual(await response.json(), { predictions: expected }, body)
  }
})

test('CSV cells keep the signature’s types: an ID column declared string keeps leading zeros', async () => {
  const response = await invoke('PULocationID,DOLocationID,trip_distance\n043,151,1\n', 'text/csv')
  // "043_151" is not a known category, so only the intercept and the distance count.
  assert.deepEqual(await response.json(), { predictions: [10.5] })
})

test('payloads in the wrong shape are 400 BAD_REQUEST naming the problem', async () => {
  await expectError(await invoke('{"dataframe_split": '), 400, 'BAD_REQUEST', 'valid JSON')
  await expectError(await invoke('[1, 2]'), 400, 'BAD_REQUEST', 'Received a list')
  await expectError(await invoke('"text"'), 400, 'BAD_REQUEST', "unexpected input type 'string'")
  await expectError(await invoke('{"data": [[1]]}'), 400, 'BAD_REQUEST', "Received dictionary with input fields: ['data']")
  await expectError(await invoke(JSON.stringify({ instances: [], inputs: [] })), 400, 'BAD_REQUEST', 'exactly one of the input fields')
  await expectError(await invoke('{"dataframe_split": {"columns": ["a"], "data": [[1, 2]]}}'), 400, 'BAD_REQUEST', 'Row 0')
  await expectError(await invoke('{"dataframe_split": {"columns": ["a", "a"], "data": []}}'), 400, 'BAD_REQUEST', 'twice')
  await expectError(await invoke('{"dataframe_records": {"a": 1}}'), 400, 'BAD_REQUEST', 'list of records')
  await expectError(await invoke('{"dataframe_records": [1, 2]}'), 400, 'BAD_REQUEST', 'Record 0 is not a JSON object')
  await expectError(await invoke('{"inputs": {"a": [1, 2], "b": [1]}}'), 400, 'BAD_REQUEST', "Column 'b' has 1 values")
  await expectError(await invoke('{"instances": [{"a": 1}, 2]}'), 400, 'BAD_REQUEST', 'mixes objects')
  await expectError(await invoke('{"inputs": [], "params": 3}'), 400, 'BAD_REQUEST', "'params'")
  await expectError(await invoke('a,b\n1,2,3\n', 'text/csv'), 400, 'BAD_REQUEST', 'CSV line 2 has 3 fields')
  await expectError(await invoke('a\n"open\n', 'text/csv'), 400, 'BAD_REQUEST', 'never closed')
  await expectError(await invoke('', 'text/csv'), 400, 'BAD_REQUEST', 'CSV input is empty')
})

test('input that breaks the signature is 400 naming the column', async () => {
  await expectError(await invoke(JSON.stringify({ dataframe_records: [{ PULocationID: '1', trip_distance: 1 }] })), 400, 'BAD_REQUEST', "Model is missing inputs ['DOLocationID']")
  await expectError(
    await invoke(JSON.stringify({ dataframe_records: [{ PULocationID: '1', DOLocationID: '2', trip_distance: 'x' }] })),
    400,
    'BAD_REQUEST',
    "column 'trip_distance'",
  )
  await expectError(await invoke('PULocationID,DOLocationID,trip_distance\n1,2,\n', 'text/csv'), 400, 'BAD_REQUEST', "numeric field 'trip_distance' in row 0")
})

test('unsupported content types are 415 with MLflow’s plain-text reasons', async () => {
  for (const [type, fragment] of [
    ['text/plain', 'only supports the following content types'],
    ['application/json; charset=latin-1', 'only supports UTF-8'],
    ['application/json; format=pandas-split', 'Unrecognized content type parameters: format'],
  ] as const) {
    const response = await invoke('{}', type)
    assert.equal(response.status, 415)
    assert.ok((await response.text()).includes(fragment))
  }
})

test('ping, health and version answer; unknown routes are 404 JSON', async () => {
  for (const path of ['/ping', '/health']) assert.equal((await fetch(server.url + path)).status, 200)
  assert.equal(await (await fetch(`${server.url}/version`)).text(), '2.22.0')
  await expectError(await fetch(`${server.url}/nope`), 404, 'ENDPOINT_NOT_FOUND', '/invocations')
  assert.equal((await fetch(`${server.url}/invocations`)).status, 405)
})

test('malformed HTTP and oversized bodies do not take the server down', async () => {
  await new Promise<void>((resolve) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'))
    socket.on('data', () => undefined)
    socket.on('close', () => resolve())
  })
  const small = await startScoringServer({ model: server.model, maxBodyBytes: 100 })
  try {
    await expectError(await fetch(`${small.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(1000) }), 413, 'BAD_REQUEST', 'larger than 100 bytes')
  } finally {
    await small.close()
  }
  assert.equal((await fetch(`${server.url}/ping`)).status, 200)
})

test('/metrics reports requests by status, latency, predictions and errors in Prometheus text', async () => {
  await invoke(JSON.stringify({ dataframe_records: TAXI_EXAMPLE }))
  const response = await fetch(`${server.url}/metrics`)
  assert.match(response.headers.get('content-type') ?? '', /text\/plain; version=0\.0\.4/)
  const text = await response.text()
  const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"+.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1])
  const model = 'model_name="m",model_version="unregistered"'
  assert.ok(value(`orchard_serving_request_total{${model},endpoint="/invocations",http_response_code="200"}`) >= 1)
  assert.ok(value(`orchard_serving_request_total{${model},endpoint="/invocations",http_response_code="400"}`) >= 1)
  assert.ok(value(`orchard_serving_predictions_total{${model}}`) >= 2)
  assert.ok(value(`orchard_serving_errors_total{${model},error_code="BAD_REQUEST"}`) >= 1)
  assert.equal(value(`orchard_serving_request_in_progress{${model},endpoint="/invocations"}`), 0)
  const duration = `orchard_serving_request_duration_seconds`
  assert.equal(value(`${duration}_count{${model},endpoint="/invocations"}`), value(`${duration}_bucket{${model},endpoint="/invocations",le="+Inf"}`))
  assert.ok(value(`orchard_serving_predict_seconds_count{${model}}`) >= 1)
  assert.ok(value(`orchard_serving_batch_size_bucket{${model},le="+Inf"}`) >= 1)
  assert.match(text, /^orchard_serving_model_info\{model_name="m",model_version="unregistered",model_uri="[^"]+"\} 1$/m)
  assert.match(text, /# TYPE orchard_serving_request_duration_seconds histogram/)
  assert.ok(value('process_resident_memory_bytes') > 1e6)
  assert.deepEqual(errors, [], 'no input reached the unexpected-error path')
})
