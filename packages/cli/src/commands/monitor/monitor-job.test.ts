import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseServingCounts, servingStats } from './monitor-job.ts'

describe('serving stats of a monitoring run', () => {
  it('counts requests once per request id and takes latency percentiles per request', () => {
    const table = {
      names: ['request_id', 'latency_ms', 'row'],
      // r1 has three rows (one latency), r2..r4 one each.
      columns: [
        ['r1', 'r1', 'r1', 'r2', 'r3', 'r4'],
        [10, 10, 10, 20, 30, 40],
        [0, 1, 2, 0, 0, 0],
      ],
      rowCount: 6,
    }
    const stats = servingStats(table, [0, 1, 2, 3, 4, 5], 2000)
    const { 'serving.latency_p99_ms': p99, ...rest } = stats
    assert.deepEqual(rest, { 'serving.requests': 4, 'serving.rows': 6, 'serving.requests_per_second': 2, 'serving.latency_p50_ms': 25 })
    // Linear interpolation between the two largest of 10, 20, 30, 40: 30 + 0.97 × 10.
    assert.ok(Math.abs(p99! - 39.7) < 1e-9, String(p99))
    assert.equal(servingStats(table, [3], undefined)['serving.requests_per_second'], undefined)
  })

  it("sums one version's requests and its non-2xx answers from /metrics", () => {
    const text = [
      '# TYPE orchard_serving_request_total counter',
      'orchard_serving_request_total{model_name="taxi",model_version="2",endpoint="/invocations",http_response_code="200"} 90',
      'orchard_serving_request_total{model_name="taxi",model_version="2",endpoint="/invocations",http_response_code="400"} 7',
      'orchard_serving_request_total{model_name="taxi",model_version="2",endpoint="/invocations",http_response_code="415"} 3',
      'orchard_serving_request_total{model_name="taxi",model_version="1",endpoint="/invocations",http_response_code="500"} 50',
      'orchard_serving_request_duration_seconds_count{model_name="taxi",model_version="2",endpoint="/invocations"} 100',
    ].join('\n')
    assert.deepEqual(parseServingCounts(text, 'taxi', '2'), { requests: 100, errors: 10 })
    assert.deepEqual(parseServingCounts(text, 'other', '1'), { requests: 0, errors: 0 })
  })
})
