import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MetricsRegistry } from './prometheus.ts'

describe('MetricsRegistry', () => {
  it('renders counters, gauges and cumulative histogram buckets in the text format', async () => {
    const registry = new MetricsRegistry()
    const requests = registry.counter('app_requests_total', 'Requests.', ['route', 'status'])
    requests.inc(['/a', '200'])
    requests.inc(['/a', '200'], 2)
    requests.inc(['/b', '500'])
    registry.gauge('app_up', 'Up.').set([], 1)
    const latency = registry.histogram('app_seconds', 'Latency.', ['route'], [0.1, 1])
    for (const value of [0.05, 0.1, 0.5, 3]) latency.observe(['/a'], value)
    const text = await registry.render()
    assert.equal(
      text,
      [
        '# HELP app_requests_total Requests.',
        '# TYPE app_requests_total counter',
        'app_requests_total{route="/a",status="200"} 3',
        'app_requests_total{route="/b",status="500"} 1',
        '# HELP app_up Up.',
        '# TYPE app_up gauge',
        'app_up 1',
        '# HELP app_seconds Latency.',
        '# TYPE app_seconds histogram',
        'app_seconds_bucket{route="/a",le="0.1"} 2',
        'app_seconds_bucket{route="/a",le="1"} 3',
        'app_seconds_bucket{route="/a",le="+Inf"} 4',
        'app_seconds_sum{route="/a"} 3.65',
        'app_seconds_count{route="/a"} 4',
        '',
      ].join('\n'),
    )
  })

  it('escapes label values and refuses bad names, wrong label counts and duplicates', async () => {
    const registry = new MetricsRegistry()
    registry.gauge('g', 'A "gauge"\nover two lines.', ['v']).set(['a"b\\c\nd'], 2)
    assert.match(await registry.render(), /^g\{v="a\\"b\\\\c\\nd"\} 2$/m)
    assert.match(await registry.render(), /^# HELP g A "gauge"\\nover two lines\.$/m)
    assert.throws(() => registry.counter('bad-name', 'x'), /invalid metric name/)
    assert.throws(() => registry.gauge('g', 'again'), /registered twice/)
    assert.throws(() => registry.counter('c', 'x', ['a']).inc([]), /takes labels a/)
  })

  it('runs collectors before rendering, and a failing collector does not fail the scrape', async () => {
    const registry = new MetricsRegistry()
    const gauge = registry.gauge('pool', 'Pool.')
    let n = 0
    registry.onCollect(() => gauge.set([], ++n))
    registry.onCollect(async () => {
      throw new Error('database away')
    })
    registry.addText(() => 'extra_total 7\n')
    const text = await registry.render()
    assert.match(text, /^pool 1$/m)
    assert.match(text, /^extra_total 7$/m)
    assert.match(await registry.render(), /^pool 2$/m)
  })
})
