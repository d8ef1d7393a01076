// `orchard monitor drift` through the real binary, on CSV, JSON-lines and Parquet files with a known
// answer: one column shifted by a full standard deviation, one not.
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { normalSample, seededRandom, categoricalSample } from '@orchard/models'
import { OrchardClient } from '@orchard/sdk'
import { orchard } from './harness.ts'

describe('orchard monitor drift', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-monitor-'))
    const random = seededRandom(21)
    const rows = 3000
    const sample = (shift: number) => ({
      price: Array.from(normalSample(random, rows, 10 + shift, 1), (v) => Math.round(v * 100) / 100),
      size: Array.from(normalSample(random, rows, 5, 2), (v) => Math.round(v * 100) / 100),
      zone: categoricalSample(random, rows, ['north', 'south', 'east', 'west'], [4, 3, 2, 1]),
      code: Array.from({ length: rows }, (_, i) => i % 4),
    })
    const reference = sample(0)
    const current = sample(1)
    const csv = (data: ReturnType<typeof sample>) => `price,size,zone,code\n${data.price.map((p, i) => `${p},${data.size[i]},${data.zone[i]},${data.code[i]}`).join('\n')}\n`
    await writeFile(join(dir, 'reference.csv'), csv(reference))
    await writeFile(join(dir, 'current.jsonl'), current.price.map((p, i) => JSON.stringify({ price: p, size: current.size[i], zone: current.zone[i], code: current.code[i] })).join('\n'))
    const parquet = parquetWriteBuffer({
      columnData: [
        { name: 'price', data: current.price, type: 'DOUBLE' },
        { name: 'size', data: current.size, type: 'DOUBLE' },
        { name: 'zone', data: current.zone, type: 'STRING' },
        { name: 'code', data: current.code, type: 'INT32' },
      ],
    })
    await writeFile(join(dir, 'current.parquet'), new Uint8Array(parquet))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('writes the JSON report: the shifted column drifts, the others do not, from CSV against JSON lines or Parquet', async () => {
    for (const current of ['current.jsonl', 'current.parquet']) {
      const result = await orchard(dir, ['monitor', 'drift', '--reference', 'reference.csv', '--current', current, '--categorical', 'code', '--format', 'json'])
      assert.equal(result.code, 0, result.stderr)
      const report = JSON.parse(result.stdout)
      assert.deepEqual(
        report.columns.map((c: { name: string; type: string; method: string; drift: boolean }) => [c.name, c.type, c.method, c.drift]),
        [
          ['price', 'numeric', 'auto_ks', true],
          ['size', 'numeric', 'auto_ks', false],
          ['zone', 'categorical', 'auto_jensenshannon_top_k', false],
          ['code', 'categorical', 'auto_jensenshannon_top_k', false],
        ],
        current,
      )
      assert.equal(report.share_drifted, 0.25)
      assert.equal(report.dataset_drift, false)
      assert.deepEqual(Object.keys(report.columns[0].statistics), ['wasserstein_normed', 'ks_statistic', 'ks_pvalue', 'psi'])
      assert.ok(report.columns[0].statistics.wasserstein_normed > 0.8)
    }
  })

  it('applies Evidently’s defaults and per-column tests, prints a table, writes HTML and exits 3 on dataset drift when asked', async () => {
    const evidently = await orchard(dir, ['monitor', 'drift', '--reference', 'reference.csv', '--current', 'current.parquet', '--method', 'evidently', '--test', 'size=psi:0.0001', '--drift-share', '0.5', '--fail-on-drift'])
    assert.equal(evidently.code, 3, evidently.stderr)
    assert.match(evidently.stdout, /^column\s+type\s+method/)
    assert.match(evidently.stdout, /price\s+numeric\s+wasserstein\s+[\d.]+\s+0\.1000\s+DRIFT/)
    assert.match(evidently.stdout, /size\s+numeric\s+psi\s+[\d.]+\s+1\.00e-4\s+DRIFT/)
    // code has four values: Evidently's n_unique ≤ 5 rule judges it as categories (Jensen–Shannon).
    assert.match(evidently.stdout, /code\s+numeric\s+jensenshannon/)
    assert.match(evidently.stdout, /DATASET DRIFT/)
    const html = await orchard(dir, ['monitor', 'drift', '--reference', 'reference.csv', '--current', 'current.jsonl', '--format', 'html', '-o', 'report.html'])
    assert.equal(html.code, 0, html.stderr)
    const page = await readFile(join(dir, 'report.html'), 'utf8')
    assert.match(page, /^<!doctype html>/)
    assert.match(page, /<tr class="drift"><td>price<\/td>/)
  })

  it('logs drift.<column>.<statistic> metrics to a monitoring run with --experiment', async () => {
    const trackingUri = `sqlite:///${join(dir, 'mlruns.db')}`
    const result = await orchard(dir, ['monitor', 'drift', '--reference', 'reference.csv', '--current', 'current.parquet', '--format', 'json', '--experiment', 'monitoring', '--step', '4', '--model', 'pricing', '--tracking-uri', trackingUri])
    assert.equal(result.code, 0, result.stderr)
    const runId = /Logged to run (\w+) in experiment 'monitoring'/.exec(result.stderr)?.[1]
    assert.ok(runId, result.stderr)
    const report = JSON.parse(result.stdout)
    const client = new OrchardClient(trackingUri)
    try {
      const run = await client.getRun(runId)
      const metrics = Object.fromEntries(run.data.metrics.map((m) => [m.key, [m.value, m.step]]))
      assert.deepEqual(metrics['drift.price.ks_statistic'], [report.columns[0].statistics.ks_statistic, 4])
      assert.deepEqual(metrics['drift.price.drift'], [1, 4])
      assert.deepEqual(metrics['drift.zone.jensenshannon'], [report.columns[2].statistics.jensenshannon, 4])
      assert.deepEqual(metrics['drift.share_drifted'], [0.25, 4])
      assert.equal(run.data.tags.find((t) => t.key === 'orchard.monitoring.model_name')?.value, 'pricing')
    } finally {
      await client.close()
    }
  })

  it('raises a monitoring alert on dataset drift: the version’s alert tag and a model_version.monitoring_alert delivery in the outbox', async () => {
    const trackingUri = `sqlite:///${join(dir, 'alerts.db')}`
    const setup = new OrchardClient(trackingUri)
    await setup.createRegisteredModel('pricing')
    await setup.createModelVersion('pricing', 's3://bucket/model')
    await setup.close()
    const { openRegistryStore } = await import('@orchard/store')
    const store = await openRegistryStore(trackingUri)
    const hook = await store.createWebhook({ name: 'alerts', url: 'https://example.com/hook', events: [{ entity: 'model_version', action: 'monitoring_alert' }] })
    await store.close()
    // Evidently's defaults call dataset drift here (price by Wasserstein, size by the PSI override).
    const args = ['monitor', 'drift', '--reference', 'reference.csv', '--current', 'current.parquet', '--method', 'evidently', '--test', 'size=psi:0.0001', '--alert-model', 'models:/pricing/1', '--tracking-uri', trackingUri]
    const result = await orchard(dir, args)
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stderr, /Alert raised on pricing version 1: dataset drift \(share 0\.500\)/)
    const check = await openRegistryStore(trackingUri)
    try {
      const version = await check.getModelVersion('pricing', '1')
      const tag = version.tags.find((t) => t.key === 'orchard.monitoring.alert')
      assert.ok(tag, 'the version keeps its latest alert')
      assert.deepEqual(JSON.parse(tag.value).drifted_columns, ['price', 'size'])
      const deliveries = (await check.listWebhookDeliveries({ webhookId: hook.webhookId, maxResults: 10 })).items
      assert.equal(deliveries.length, 1)
      const body = JSON.parse(deliveries[0]!.payload)
      assert.deepEqual([body.entity, body.action, body.data.name, body.data.version, body.data.alert.job], ['model_version', 'monitoring_alert', 'pricing', '1', 'drift'])
    } finally {
      await check.close()
    }
    // No drift, no alert: a same-distribution comparison leaves the outbox as it was.
    const quiet = await orchard(dir, ['monitor', 'drift', '--reference', 'reference.csv', '--current', 'reference.csv', '--alert-model', 'models:/pricing/1', '--tracking-uri', trackingUri])
    assert.equal(quiet.code, 0, quiet.stderr)
    assert.doesNotMatch(quiet.stderr, /Alert raised/)
  })

  it('refuses bad flags and data with one-line errors', async () => {
    const cases: [string[], number, RegExp][] = [
      [['--current', 'current.jsonl'], 2, /--reference is required/],
      [['--reference', 'reference.csv', '--current', 'current.jsonl', '--format', 'xml'], 2, /--format must be json, table, html, got 'xml'/],
      [['--reference', 'reference.csv', '--current', 'current.jsonl', '--test', 'price=median'], 2, /unknown test 'median'/],
      [['--reference', 'reference.csv', '--current', 'current.jsonl', '--drift-share', '2'], 2, /--drift-share must be a number in \(0, 1\]/],
      [['--reference', 'reference.csv', '--current', 'current.jsonl', '--step', '3'], 2, /--step needs --experiment/],
      [['--reference', 'reference.csv', '--current', 'current.jsonl', '--alert-model', 'pricing'], 2, /--alert-model must be a models:\/ URI/],
      [['--reference', 'missing.csv', '--current', 'current.jsonl'], 1, /No such file: 'missing.csv'/],
      [['--reference', 'reference.csv', '--current', 'current.jsonl', '--columns', 'price,nope'], 1, /has no column 'nope'/],
      [['--reference', 'reference.csv', '--current', 'current.jsonl', '--test', 'zone=ks'], 1, /categorical; the 'ks' test needs numbers/],
    ]
    const results = await Promise.all(cases.map(([args]) => orchard(dir, ['monitor', 'drift', ...args])))
    for (const [i, [args, code, message]] of cases.entries()) {
      assert.equal(results[i]!.code, code, `${args.join(' ')}: ${results[i]!.stderr}`)
      assert.match(results[i]!.stderr, message)
      assert.equal(results[i]!.stderr.trim().split('\n').length, 1, results[i]!.stderr)
    }
  })
})
