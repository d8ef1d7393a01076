// The Grafana dashboard in docs/ queries only metrics that Orchard really exposes: every metric name
// in its PromQL is looked up in the /metrics of a real tracking server (PostgreSQL, so the pool
// gauges exist) and a real scoring server with prediction logging, after a few requests to each.
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { PredictionLogger, loadModelFromDir, saveLinearModel, startScoringServer } from '@orchard/models'
import type { RunningScoringServer } from '@orchard/models'
import { startServer } from '@orchard/server'
import type { RunningServer } from '@orchard/server'
import { testDatabase } from '@orchard/store/testing'

const DASHBOARD = fileURLToPath(new URL('../../docs/grafana/orchard-dashboard.json', import.meta.url))
const API = '/api/2.0/mlflow'

// PromQL words that look like metric names but are not.
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan'])

/** The metric names one PromQL expression reads. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range selectors
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
  const names = new Set<string>()
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0]
    const next = stripped.slice(match.index! + name.length).trimStart()
    const previous = stripped.slice(0, match.index!)
    if (next.startsWith('(') || KEYWORDS.has(name.toLowerCase()) || /[$\d.]$/.test(previous)) continue // functions, keywords, $vars, 1e3
    names.add(name)
  }
  return [...names]
}

interface Panel {
  readonly title?: string
  readonly targets?: readonly { readonly expr?: string }[]
  readonly panels?: readonly Panel[]
}

/** Every PromQL expression of the dashboard: panel targets (rows included) and query variables. */
function expressions(dashboard: { panels: Panel[]; templating?: { list: { query?: unknown }[] } }): { where: string; expr: string }[] {
  const found: { where: string; expr: string }[] = []
  const visit = (panel: Panel) => {
    for (const target of panel.targets ?? []) if (target.expr) found.push({ where: panel.title ?? '?', expr: target.expr })
    for (const inner of panel.panels ?? []) visit(inner)
  }
  dashboard.panels.forEach(visit)
  for (const variable of dashboard.templating?.list ?? []) {
    const query = typeof variable.query === 'string' ? variable.query : (variable.query as { query?: string } | undefined)?.query
    const labelValues = query ? /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,/.exec(query) : null
    if (labelValues) found.push({ where: 'variable', expr: labelValues[1]! })
  }
  return found
}

/** The metric names with at least one sample in a scrape (a histogram's _bucket, _sum and _count too). */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    names.add(/^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0])
  }
  return names
}

describe('the Grafana dashboard', () => {
  const database = testDatabase('orchard_dashboard')
  let dir: string
  let tracking: RunningServer
  let scoring: RunningScoringServer

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-dashboard-'))
    await database.create()
    tracking = await startServer({ host: '127.0.0.1', port: 0, backendStoreUri: database.url, defaultArtifactRoot: 'mlflow-artifacts:/', artifactsDestination: join(dir, 'artifacts') })
    await saveLinearModel(join(dir, 'model'), {
      format_version: 1,
      link: 'identity',
      intercept: 1,
      coefficients: [2],
      feature_names: ['x'],
      vectorizer: { kind: 'dict', categorical: [], numeric: ['x'], unknown: 'ignore' },
    })
    const logs = join(dir, 'logs')
    const predictionLogger = new PredictionLogger({
      sink: {
        async writeArtifact(path, body) {
          await mkdir(dirname(join(logs, path)), { recursive: true })
          await writeFile(join(logs, path), body)
        },
      },
      modelName: 'dashboard-model',
      modelVersion: '1',
      flushIntervalMs: 60_000,
    })
    scoring = await startScoringServer({ model: await loadModelFromDir(join(dir, 'model')), modelName: 'dashboard-model', modelVersion: '1', predictionLogger, logError: () => undefined })
  })
  after(async () => {
    await scoring?.close()
    await tracking?.close()
    await database.drop()
    await rm(dir, { recursive: true, force: true })
  })

  it('extracts metric names from PromQL', () => {
    assert.deepEqual(
      metricNames('histogram_quantile(0.99, sum by (le, route) (rate(a_seconds_bucket{job=~"$j",x="by(y)"}[$__rate_interval]))) / on(job) group_left b_total > 1e3 and c'),
      ['a_seconds_bucket', 'b_total', 'c'],
    )
  })

  it('queries only metrics that a tracking server and a scoring server expose', async () => {
    const post = (path: string, body: object) =>
      fetch(`${tracking.url}${API}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    assert.equal((await post('experiments/create', { name: 'dashboard' })).status, 200)
    assert.equal((await fetch(`${tracking.url}${API}/runs/get?run_id=missing`)).status, 404)
    assert.equal((await post('registered-models/create', { name: 'dashboard-model' })).status, 200)
    assert.equal((await post('model-versions/create', { name: 'dashboard-model', source: 'mlflow-artifacts:/m' })).status, 200)
    const alert = JSON.stringify({ job: 'drift', share_drifted: 0.6, raised_at: new Date().toISOString() })
    assert.equal((await post('model-versions/set-tag', { name: 'dashboard-model', version: '1', key: 'orchard.monitoring.alert', value: alert })).status, 200)
    const invoke = (body: string) => fetch(`${scoring.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    assert.equal((await invoke(JSON.stringify({ dataframe_records: [{ x: 1 }, { x: 2 }] }))).status, 200)
    assert.equal((await invoke('{"dataframe_records": "not rows"}')).status, 400)

    const exposed = new Set([
      ...exposedNames(await (await fetch(`${tracking.url}/metrics`)).text()),
      ...exposedNames(await (await fetch(`${scoring.url}/metrics`)).text()),
    ])
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8'))
    const queried = expressions(dashboard)
    assert.ok(queried.length >= 15, `the dashboard has ${queried.length} queries`)
    const missing: string[] = []
    const names = new Set<string>()
    for (const { where, expr } of queried) {
      const inExpr = metricNames(expr)
      assert.ok(inExpr.length > 0, `no metric found in ${where}: ${expr}`)
      for (const name of inExpr) {
        names.add(name)
        if (!exposed.has(name)) missing.push(`${name} (panel "${where}")`)
      }
    }
    assert.deepEqual(missing, [], 'every metric the dashboard queries is exposed')
    // The panels the issue asks for are all there.
    for (const name of [
      'orchard_http_requests_total',
      'orchard_http_request_duration_seconds_bucket',
      'orchard_store_query_duration_seconds_bucket',
      'orchard_store_pool_connections',
      'orchard_serving_request_total',
      'orchard_serving_request_duration_seconds_bucket',
      'orchard_prediction_log_dropped_rows_total',
      'orchard_monitoring_alert',
    ]) assert.ok(names.has(name), `the dashboard queries ${name}`)
  })
})
