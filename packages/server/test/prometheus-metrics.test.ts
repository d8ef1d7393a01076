import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { testDatabase } from '@orchard/store/testing'
import { startServer } from '../src/start.ts'
import type { RunningServer } from '../src/start.ts'

const API = '/api/2.0/mlflow'

/** The value of one exact series line, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

async function post(server: RunningServer, path: string, body: object): Promise<Response> {
  return fetch(`${server.url}${API}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

async function scrape(server: RunningServer): Promise<string> {
  const response = await fetch(`${server.url}/metrics`, { headers: { accept: 'text/html' } })
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  return response.text()
}

function open(backendStoreUri: string, dir: string): Promise<RunningServer> {
  return startServer({ host: '127.0.0.1', port: 0, backendStoreUri, defaultArtifactRoot: 'mlflow-artifacts:/', artifactsDestination: join(dir, 'artifacts') })
}

describe('the tracking server on /metrics (SQLite)', () => {
  let dir: string
  let server: RunningServer
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-prometheus-'))
    server = await open(`sqlite:///${join(dir, 'orchard.db')}`, dir)
  })
  after(async () => {
    await server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('counts requests by route template and status, never by raw path', async () => {
    const runId = (await (await post(server, 'runs/create', { experiment_id: '0' })).json()).run.info.run_id as string
    assert.equal((await fetch(`${server.url}${API}/runs/get?run_id=${runId}`)).status, 200)
    assert.equal((await fetch(`${server.url}${API}/runs/get?run_id=nope`)).status, 404)
    for (const id of ['m-1', 'm-2', 'm-3']) assert.equal((await fetch(`${server.url}${API}/logged-models/${id}`)).status, 404)
    assert.equal((await fetch(`${server.url}/no/such/${runId}`)).status, 404)
    const text = await scrape(server)
    assert.equal(sample(text, `orchard_http_requests_total{method="POST",route="${API}/runs/create",status="200"}`), 1)
    assert.equal(sample(text, `orchard_http_requests_total{method="GET",route="${API}/runs/get",status="200"}`), 1)
    assert.equal(sample(text, `orchard_http_requests_total{method="GET",route="${API}/runs/get",status="404"}`), 1)
    assert.equal(sample(text, `orchard_http_requests_total{method="GET",route="${API}/logged-models/:model_id",status="404"}`), 3)
    assert.equal(sample(text, 'orchard_http_requests_total{method="GET",route="(unmatched)",status="404"}'), 1)
    assert.ok(!text.includes(runId) && !text.includes('m-1'), 'no id appears in a label')
    const histogram = `orchard_http_request_duration_seconds`
    assert.equal(sample(text, `${histogram}_count{method="GET",route="${API}/logged-models/:model_id"}`), 3)
    assert.equal(sample(text, `${histogram}_bucket{method="GET",route="${API}/logged-models/:model_id",le="+Inf"}`), 3)
    assert.equal(sample(text, 'orchard_http_requests_in_flight'), 1, 'the scrape itself is in flight')
  })

  it('times store operations and reports the process; SQLite has no pool', async () => {
    const text = await scrape(server)
    assert.ok((sample(text, 'orchard_store_query_duration_seconds_count{operation="createRun"}') ?? 0) >= 1)
    assert.ok((sample(text, 'orchard_store_query_duration_seconds_count{operation="getRun"}') ?? 0) >= 2)
    assert.ok((sample(text, 'process_resident_memory_bytes') ?? 0) > 1e6)
    assert.ok((sample(text, 'process_cpu_seconds_total') ?? 0) > 0)
    assert.ok((sample(text, 'nodejs_eventloop_lag_p99_seconds') ?? -1) >= 0)
    assert.equal(sample(text, 'orchard_store_pool_max_connections'), undefined)
    assert.match(text, /^# TYPE orchard_store_pool_connections gauge$/m)
  })

  it('exposes a gauge per model version carrying a monitoring alert', async () => {
    assert.equal((await post(server, 'registered-models/create', { name: 'taxi' })).status, 200)
    for (let i = 0; i < 2; i++) assert.equal((await post(server, 'model-versions/create', { name: 'taxi', source: 'mlflow-artifacts:/m' })).status, 200)
    const alert = JSON.stringify({ job: 'drift', share_drifted: 0.75, raised_at: '2026-12-01T02:00:00.000Z' })
    assert.equal((await post(server, 'model-versions/set-tag', { name: 'taxi', version: '2', key: 'orchard.monitoring.alert', value: alert })).status, 200)
    const text = await scrape(server)
    assert.equal(sample(text, 'orchard_monitoring_alert{model_name="taxi",model_version="2",job="drift"}'), 1)
    assert.equal(sample(text, 'orchard_monitoring_alert_raised_timestamp_seconds{model_name="taxi",model_version="2",job="drift"}'), Date.parse('2026-12-01T02:00:00Z') / 1000)
    assert.ok(!/orchard_monitoring_alert\{model_name="taxi",model_version="1"/.test(text), 'version 1 has no alert')
    const deleted = await fetch(`${server.url}${API}/model-versions/delete-tag`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'taxi', version: '2', key: 'orchard.monitoring.alert' }) })
    assert.equal(deleted.status, 200)
    assert.ok(!/^orchard_monitoring_alert\{/m.test(await scrape(server)), 'a cleared alert leaves the gauge')
  })
})

describe('the tracking server on /metrics (PostgreSQL)', () => {
  const database = testDatabase('orchard_prometheus')
  let dir: string
  let server: RunningServer
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-prometheus-pg-'))
    await database.create()
    server = await open(database.url, dir)
  })
  after(async () => {
    await server?.close()
    await database.drop()
    await rm(dir, { recursive: true, force: true })
  })

  it("reports the connection pool's use", async () => {
    assert.equal((await post(server, 'experiments/create', { name: 'pooled' })).status, 200)
    const text = await scrape(server)
    assert.equal(sample(text, 'orchard_store_pool_max_connections'), 10)
    const idle = sample(text, 'orchard_store_pool_connections{state="idle"}')
    const inUse = sample(text, 'orchard_store_pool_connections{state="in_use"}')
    assert.ok(idle !== undefined && idle >= 1, `idle connections: ${idle}`)
    assert.ok(inUse !== undefined && inUse >= 0)
    assert.equal(sample(text, 'orchard_store_pool_waiting_requests'), 0)
  })
})
