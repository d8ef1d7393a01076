// The loop from serving to quality through the real binary: serve with --log-predictions, send
// requests with ids, then `orchard monitor label` joins labels that arrive later, computes RMSE/MAE
// and logs them as quality.* metrics of a monitoring run.
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { LinearModel, saveLinearModel } from '@orchard/models'
import type { LinearModelData } from '@orchard/models'
import { OrchardClient } from '@orchard/sdk'
import { orchard, startCli, tempDir } from './harness.ts'

const MODEL: LinearModelData = { intercept: 0, coefficients: [1], feature_names: ['x'] }
let dir: { path: string; remove(): Promise<void> }
before(async () => {
  dir = await tempDir()
  await saveLinearModel(join(dir.path, 'model'), MODEL, { inputExample: [{ x: 1 }] })
})
after(() => dir.remove())

test('monitor label joins labels to the prediction log and logs quality metrics to a monitoring run', async () => {
  const logs = join(dir.path, 'logs')
  const cli = await startCli(dir.path, ['models', 'serve', '-m', join(dir.path, 'model'), '--port', '0', '--log-predictions', '--log-destination', logs])
  try {
    const send = async (id: string, xs: number[]) => {
      const response = await fetch(`${cli.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body: JSON.stringify({ dataframe_records: xs.map((x) => ({ x })) }) })
      assert.equal(response.status, 200)
    }
    await send('r1', [1])
    await send('r2', [2])
    await send('r3', [3, 4])
    cli.child.kill('SIGTERM')
    assert.equal((await cli.exited).code, 0)
  } finally {
    await cli.kill()
  }
  // The model predicts x; the truth is off by 1, 0, 2 and 2: RMSE √(9/4) = 1.5, MAE 1.25.
  await writeFile(join(dir.path, 'labels.csv'), 'request_id,row,y\nr1,0,2\nr2,0,2\nr3,0,5\nr3,1,6\nunknown,0,9\n')
  const trackingUri = `sqlite:///${join(dir.path, 'mlruns.db')}`
  const result = await orchard(dir.path, ['monitor', 'label', '--model', 'model', '--labels', 'labels.csv', '--label-column', 'y', '--log-destination', logs, '--format', 'json', '--experiment', 'monitoring', '--tracking-uri', trackingUri])
  assert.equal(result.code, 0, result.stderr)
  const report = JSON.parse(result.stdout)
  assert.equal(report.task, 'regression')
  assert.equal(report.logged_rows, 4)
  assert.equal(report.overall.count, 4)
  assert.equal(report.unmatched_labels, 1)
  assert.equal(report.overall.metrics.rmse, 1.5)
  assert.equal(report.overall.metrics.mae, 1.25)
  assert.equal(report.windows.length, 1)
  const client = new OrchardClient(trackingUri)
  try {
    const run = await client.getRun(report.run_id)
    assert.equal(run.info.status, 'FINISHED')
    const metrics = Object.fromEntries(run.data.metrics.map((m) => [m.key, [m.value, m.step]]))
    assert.deepEqual(metrics['quality.rmse'], [1.5, 0])
    assert.deepEqual(metrics['quality.count'], [4, 0])
    assert.equal(run.data.tags.find((t) => t.key === 'orchard.monitoring.model_name')?.value, 'model')
  } finally {
    await client.close()
  }
  const table = await orchard(dir.path, ['monitor', 'label', '--model', 'model', '--labels', 'labels.csv', '--label-column', 'y', '--log-destination', logs])
  assert.match(table.stdout, /^window\s+start\s+rows\s+rmse\s+mae$/m)
  assert.match(table.stdout, /^all\s+4\s+1\.5000\s+1\.2500$/m)
  // The same log is the current data of a drift report: what the model saw against a reference.
  await writeFile(join(dir.path, 'reference.csv'), 'x\n1\n2\n3\n4\n')
  const drift = await orchard(dir.path, ['monitor', 'drift', '--reference', 'reference.csv', '--current-log', 'model', '--since', '1d', '--log-destination', logs, '--columns', 'x', '--format', 'json'])
  assert.equal(drift.code, 0, drift.stderr)
  const driftReport = JSON.parse(drift.stdout)
  assert.equal(driftReport.current_rows, 4)
  assert.deepEqual([driftReport.columns[0].name, driftReport.columns[0].statistics.ks_statistic, driftReport.columns[0].drift], ['x', 0, false])
  const none = await orchard(dir.path, ['monitor', 'drift', '--reference', 'reference.csv', '--current-log', 'other', '--log-destination', logs])
  assert.equal(none.code, 1)
  assert.match(none.stderr, /No logged predictions of 'other'/)
  const both = await orchard(dir.path, ['monitor', 'drift', '--reference', 'reference.csv', '--current', 'reference.csv', '--current-log', 'model'])
  assert.equal(both.code, 2)
  assert.match(both.stderr, /give --current \(a file\) or --current-log/)
  const missing = await orchard(dir.path, ['monitor', 'label', '--model', 'model', '--labels', 'labels.csv', '--label-column', 'truth', '--log-destination', logs])
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /The labels have no column 'truth'/)
})

test('a registered model served with logging: label --alert raises model_version.monitoring_alert when the latest window crosses it', async () => {
  const trackingUri = `sqlite:///${join(dir.path, 'registry.db')}`
  const client = new OrchardClient(trackingUri)
  const run = await client.createRun('0')
  const info = await client.logModel(run.info.runId, 'orchard.linear', MODEL)
  const version = await client.registerModel(info.modelUri, 'doubler')
  await client.close()
  const { openRegistryStore } = await import('@orchard/store')
  const store = await openRegistryStore(trackingUri)
  const hook = await store.createWebhook({ name: 'alerts', url: 'https://example.com/hook', events: [{ entity: 'model_version', action: 'monitoring_alert' }] })
  await store.close()
  const logs = join(dir.path, 'registry-logs')
  const cli = await startCli(dir.path, ['models', 'serve', '-m', 'models:/doubler/1', '--port', '0', '--tracking-uri', trackingUri, '--log-predictions', '--log-destination', logs])
  try {
    for (const [id, x] of [['q1', 1], ['q2', 2]] as const) {
      const response = await fetch(`${cli.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body: JSON.stringify({ dataframe_records: [{ x }] }) })
      assert.equal(response.status, 200)
    }
    cli.child.kill('SIGTERM')
    assert.equal((await cli.exited).code, 0)
  } finally {
    await cli.kill()
  }
  // Predictions 1 and 2 against truths 4 and 2: RMSE √4.5 ≈ 2.12 crosses 1; MAE 1.5 does not cross 1.5.
  await writeFile(join(dir.path, 'late-labels.csv'), 'request_id,y\nq1,4\nq2,2\nq3,7\n')
  const args = ['monitor', 'label', '--model', 'models:/doubler/1', '--labels', 'late-labels.csv', '--label-column', 'y', '--task', 'regression', '--log-destination', logs, '--tracking-uri', trackingUri, '--format', 'json']
  const result = await orchard(dir.path, [...args, '--alert', 'rmse>1', '--alert', 'mae>1.5'])
  assert.equal(result.code, 0, result.stderr)
  const report = JSON.parse(result.stdout)
  assert.deepEqual([report.model_name, report.model_version, report.overall.count, report.alerts], ['doubler', version.version, 2, ['rmse > 1']])
  assert.match(result.stderr, /Alert raised on doubler version 1: rmse > 1\./)
  const check = await openRegistryStore(trackingUri)
  try {
    const deliveries = (await check.listWebhookDeliveries({ webhookId: hook.webhookId, maxResults: 10 })).items
    assert.equal(deliveries.length, 1)
    const body = JSON.parse(deliveries[0]!.payload)
    assert.deepEqual([body.action, body.data.version, body.data.alert.job, body.data.alert.rules], ['monitoring_alert', '1', 'quality', ['rmse > 1']])
  } finally {
    await check.close()
  }
  const quiet = await orchard(dir.path, [...args, '--alert', 'rmse>3'])
  assert.equal(quiet.code, 0, quiet.stderr)
  assert.deepEqual(JSON.parse(quiet.stdout).alerts, [])
  const bad = await orchard(dir.path, ['monitor', 'label', '--model', 'doubler', '--labels', 'late-labels.csv', '--label-column', 'y', '--alert', 'rmse>1'])
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /--alert raises the alert on a model version, so --model must be a models:\/ URI/)
})
