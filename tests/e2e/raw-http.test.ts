// Raw HTTP against a real server socket: what in-process tests cannot show (Node's header limits,
// keep-alive, concurrency through the network stack).
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { startTestServer } from './server-fixture.ts'
import type { ServerFixture } from './server-fixture.ts'

describe('raw HTTP against a running server', () => {
  let fixture: ServerFixture
  let url: string
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}/api/2.0/mlflow/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: response.status, json: (await response.json()) as Record<string, any> }
  }
  before(async () => {
    fixture = await startTestServer()
    url = fixture.server.url
  })
  after(() => fixture.close())

  it('accepts a GET query string of 1,000 repeated run_ids (about 40 KB) and answers in JSON', async () => {
    const runIds = Array.from({ length: 1000 }, (_, i) => i.toString(16).padStart(32, '0'))
    const query = new URLSearchParams([...runIds.map((id) => ['run_ids', id]), ['metric_key', 'loss']])
    assert.ok(query.toString().length > 14_000)
    const response = await fetch(`${url}/api/2.0/mlflow/metrics/get-history-bulk-interval?${query}`)
    assert.equal(response.status, 400)
    const json = (await response.json()) as { error_code: string; message: string }
    assert.equal(json.error_code, 'INVALID_PARAMETER_VALUE')
    assert.match(json.message, /Received 1000 run_ids/)
  })

  it('serves a 14 KB filter in a GET experiments/search', async () => {
    // As many comparisons as a filter may hold (MAX_FILTER_TERMS, 100), long enough to make 14 KB.
    const names = Array.from({ length: 100 }, (_, i) => `name != 'experiment-number-${i}-${'x'.repeat(100)}'`).join(' and ')
    const response = await fetch(`${url}/api/2.0/mlflow/experiments/search?${new URLSearchParams({ filter: names })}`)
    assert.equal(response.status, 200)
    const json = (await response.json()) as { experiments: { name: string }[] }
    assert.ok(json.experiments.some((e) => e.name === 'Default'))
  })

  it('loses nothing when many clients write to one run at once', async () => {
    const runId = (await post('runs/create', { experiment_id: '0' })).json.run.info.run_id as string
    const writers = Array.from({ length: 20 }, (_, w) =>
      post('runs/log-batch', {
        run_id: runId,
        metrics: Array.from({ length: 100 }, (_, i) => ({ key: 'm', value: w * 1000 + i, timestamp: 1, step: w * 100 + i })),
        params: [{ key: `p${w}`, value: String(w) }],
        tags: [{ key: 'shared', value: String(w) }],
      }),
    )
    const replies = await Promise.all(writers)
    assert.ok(replies.every((r) => r.status === 200))
    const history = await fetch(`${url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=m`)
    const json = (await history.json()) as { metrics: unknown[] }
    assert.equal(json.metrics.length, 2000)
    const run = await fetch(`${url}/api/2.0/mlflow/runs/get?run_id=${runId}`)
    const params = ((await run.json()) as { run: { data: { params: unknown[] } } }).run.data.params
    assert.equal(params.length, 20)
  })

  it('answers a non-JSON content with a 400 in MLflow shape, never a stack trace', async () => {
    const response = await fetch(`${url}/api/2.0/mlflow/runs/create`, { method: 'POST', body: 'not json at all' })
    assert.equal(response.status, 400)
    const text = await response.text()
    assert.doesNotMatch(text, /at .*\.ts:\d+/)
    assert.equal((JSON.parse(text) as { error_code: string }).error_code, 'INVALID_PARAMETER_VALUE')
  })

  it('reads a body the same with a declared length and chunked: UTF-8 text, a leading byte-order mark dropped, 413 past the limit', async () => {
    // A raw request, so that the framing is exactly what the test says.
    const send = (path: string, body: Buffer, chunked: boolean) =>
      new Promise<{ status: number; json: Record<string, any> }>((resolve, reject) => {
        const headers: Record<string, string | number> = { 'content-type': 'application/json' }
        if (chunked) headers['transfer-encoding'] = 'chunked'
        else headers['content-length'] = body.length
        const req = request(`${url}/api/2.0/mlflow/${path}`, { method: 'POST', headers }, (response) => {
          let text = ''
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => (text += chunk))
          response.on('end', () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) as Record<string, any> }))
        })
        req.on('error', reject)
        if (chunked) {
          // Split inside a multi-byte character.
          req.write(body.subarray(0, 20))
          req.write(body.subarray(20))
          req.end()
        } else {
          req.end(body)
        }
      })
    for (const chunked of [false, true]) {
      const name = `café ☕ ${chunked ? 'chunked' : 'declared'}`
      const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ name }))])
      const created = await send('experiments/create', body, chunked)
      assert.equal(created.status, 200, JSON.stringify(created.json))
      const got = await fetch(`${url}/api/2.0/mlflow/experiments/get?experiment_id=${created.json.experiment_id}`)
      assert.equal(((await got.json()) as { experiment: { name: string } }).experiment.name, name)
      // log-batch takes at most 1,000,000 bytes.
      const tooLarge = await send('runs/log-batch', Buffer.from(JSON.stringify({ run_id: 'x', params: [{ key: 'k', value: 'v'.repeat(1_100_000) }] })), chunked)
      assert.equal(tooLarge.status, 413)
      assert.equal(tooLarge.json.error_code, 'BAD_REQUEST')
    }
  })
})
