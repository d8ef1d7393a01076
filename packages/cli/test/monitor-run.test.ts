// `orchard monitor run` through the real binary: a registered model served with prediction logging,
// a reference file and a labels file on disk, a job file naming drift, quality and serving jobs.
// --once logs one monitoring run linked to the version and raises the alerts; --schedule repeats
// until SIGTERM and exits 0.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import type { LinearModelData } from '@orchard/models'
import { OrchardClient } from '@orchard/sdk'
import { BIN, childEnv, orchard, startCli, tempDir } from './harness.ts'
import type { RunningCli } from './harness.ts'

const MODEL: LinearModelData = { intercept: 0, coefficients: [1], feature_names: ['x'] }
let dir: { path: string; remove(): Promise<void> }
let trackingUri: string
let serving: RunningCli
let hookId: string
const logs = () => join(dir.path, 'logs')

before(async () => {
  dir = await tempDir()
  trackingUri = `sqlite:///${join(dir.path, 'registry.db')}`
  const client = new OrchardClient(trackingUri)
  const run = await client.createRun('0')
  const info = await client.logModel(run.info.runId, 'orchard.linear', MODEL)
  await client.registerModel(info.modelUri, 'identity')
  await client.setRegisteredModelAlias('identity', 'champion', '1')
  await client.close()
  const { openRegistryStore } = await import('@orchard/store')
  const store = await openRegistryStore(trackingUri)
  hookId = (await store.createWebhook({ name: 'alerts', url: 'https://example.com/hook', events: [{ entity: 'model_version', action: 'monitoring_alert' }] })).webhookId
  await store.close()
  serving = await startCli(dir.path, ['models', 'serve', '-m', 'models:/identity@champion', '--port', '0', '--tracking-uri', trackingUri, '--log-predictions', '--log-destination', logs(), '--log-flush-interval', '1s'])
  // Production sees x in 150..349 while the reference holds 0..199; the truth is x + 3 (RMSE 3).
  for (let batch = 0; batch < 20; batch++) {
    const xs = Array.from({ length: 10 }, (_, i) => 150 + batch * 10 + i)
    const response = await fetch(`${serving.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': `b${batch}` }, body: JSON.stringify({ dataframe_records: xs.map((x) => ({ x })) }) })
    assert.equal(response.status, 200)
  }
  const bad = await fetch(`${serving.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"nonsense": 1}' })
  assert.equal(bad.status, 400)
  await writeFile(join(dir.path, 'reference.csv'), `x\n${Array.from({ length: 200 }, (_, i) => i).join('\n')}\n`)
  const labels = ['request_id,row,y']
  for (let batch = 0; batch < 20; batch++) for (let i = 0; i < 10; i++) labels.push(`b${batch},${i},${150 + batch * 10 + i + 3}`)
  await writeFile(join(dir.path, 'labels.csv'), `${labels.join('\n')}\n`)
  await writeFile(
    join(dir.path, 'monitor.json'),
    JSON.stringify({
      model: 'models:/identity@champion',
      log_destination: 'logs',
      experiment: 'monitoring',
      drift: { reference: 'reference.csv', columns: ['x'] },
      quality: { labels: 'labels.csv', label_column: 'y', alerts: ['rmse>2'] },
      serving: { url: serving.url, alerts: ['error_rate>0.5'] },
    }),
  )
})

after(async () => {
  await serving?.kill()
  await dir.remove()
})

/** Waits until the serving process flushed its log (every second). */
async function flushed(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const text = await (await fetch(`${serving.url}/metrics`)).text()
    if (/^orchard_prediction_log_rows_total 200$/m.test(text)) return
    await new Promise((done) => setTimeout(done, 100))
  }
  throw new Error('the prediction log was not flushed')
}

test('monitor run --once logs drift, quality and serving metrics to a run linked to the version and raises the alerts', async () => {
  await flushed()
  const result = await orchard(dir.path, ['monitor', 'run', '--config', 'monitor.json', '--once', '--tracking-uri', trackingUri])
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stdout, /identity v1: 200 logged rows in 1 window; drift share 1\.00 \(dataset drift\); 20 requests, p99 [\d.]+ ms; 1 errors of 21 requests; rmse 3\.000, mae 3\.000 on 200 labelled rows; run \w+; ALERT: drift, quality/)
  const runId = /run (\w+)/.exec(result.stdout)![1]!
  const client = new OrchardClient(trackingUri)
  try {
    const run = await client.getRun(runId)
    const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]))
    assert.deepEqual([tags['orchard.monitoring.model_name'], tags['orchard.monitoring.model_version'], tags['orchard.monitoring.job']], ['identity', '1', 'scheduled'])
    const metrics = Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value]))
    assert.equal(metrics['drift.x.drift'], 1)
    assert.equal(metrics['drift.x.ks_statistic'], 0.75)
    assert.equal(metrics['quality.rmse'], 3)
    assert.equal(metrics['serving.requests'], 20)
    assert.equal(metrics['serving.rows'], 200)
    assert.ok(metrics['serving.latency_p99_ms']! > 0)
    assert.equal(metrics['serving.errors'], 1)
    assert.equal(metrics['serving.error_rate'], 1 / 21)
    const version = await client.getModelVersion('identity', '1')
    assert.equal(JSON.parse(version.tags.find((t) => t.key === 'orchard.monitoring.alert')!.value).run_id, runId)
  } finally {
    await client.close()
  }
  const { openRegistryStore } = await import('@orchard/store')
  const store = await openRegistryStore(trackingUri)
  try {
    const deliveries = (await store.listWebhookDeliveries({ webhookId: hookId, maxResults: 10 })).items.map((d) => JSON.parse(d.payload))
    assert.deepEqual(deliveries.map((d) => d.data.alert.job).sort(), ['drift', 'quality'])
    const quality = deliveries.find((d) => d.data.alert.job === 'quality')
    assert.deepEqual([quality.action, quality.data.version, quality.data.alert.rules], ['monitoring_alert', '1', ['rmse > 2']])
  } finally {
    await store.close()
  }
})

test('monitor run --schedule repeats until SIGTERM, then exits 0', async () => {
  await flushed()
  const child = spawn(process.execPath, [BIN, 'monitor', 'run', '--config', 'monitor.json', '--schedule', '1s', '--since', '1d', '--tracking-uri', trackingUri], { cwd: dir.path, env: childEnv() })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
  try {
    for (let i = 0; i < 200 && stdout.split('\n').filter((line) => line.includes('logged rows')).length < 2; i++) await new Promise((done) => setTimeout(done, 100))
    const lines = stdout.split('\n').filter((line) => line.includes('logged rows'))
    assert.ok(lines.length >= 2, `${stdout}\n${stderr}`)
    // The second run sees only the requests since the first scrape: none, so no error rate.
    assert.match(lines[1]!, /0 errors of 0 requests/)
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
    assert.match(stderr, /received SIGTERM; stopping after the current run/)
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
})

test('monitor run explains a bad job file or missing mode, exit 2', async () => {
  const cases: [string, string[], RegExp][] = [
    ['{"model": "identity", "drift": {"reference": "r.csv"}}', ['--once'], /job\.model must be a models:\/<name>\/<version> or models:\/<name>@<alias> URI/],
    ['{"model": "models:/identity/1"}', ['--once'], /the job file names no job/],
    ['{"model": "models:/identity/1", "quality": {"labels": "l.csv"}}', ['--once'], /job\.quality\.label_column must be a non-empty string/],
    ['{"model": "models:/identity/1", "serving": {"alerts": ["p99 > fast"]}}', ['--once'], /job\.serving\.alerts: 'p99 > fast' is not a rule/],
    ['{"model": "models:/identity/1", "window": "soon", "serving": {}}', ['--once'], /job\.window must be a duration/],
    ['{"model": "models:/identity/1", "colour": 1, "serving": {}}', ['--once'], /unknown key 'colour'/],
    ['{not json', ['--once'], /is not valid JSON/],
    ['{"model": "models:/identity/1", "serving": {}}', [], /give --schedule <interval> or --once/],
    ['{"model": "models:/identity/1", "serving": {}}', ['--schedule', 'hourly'], /--schedule must be a duration/],
  ]
  for (const [body, args, message] of cases) {
    await writeFile(join(dir.path, 'bad.json'), body)
    const result = await orchard(dir.path, ['monitor', 'run', '--config', 'bad.json', ...args])
    assert.equal(result.code, 2, `${body}: ${result.stderr}`)
    assert.match(result.stderr, message)
  }
})
