// One autocannon load run, in its own process so the load generator never shares an event loop with
// the server it measures. Usage: node bench/load-client.mjs '<json spec>'; prints autocannon's
// result figures as one JSON line.
//   spec: { url, path, method, connections, duration, body?, headers?, rate? (overall requests/s),
//           logBatch?: { runIds: string[], points: number },  // a fresh N-point log-batch per request
//           logMetric?: { runIds: string[] } }                // a fresh log-metric per request
import autocannon from 'autocannon'

const spec = JSON.parse(process.argv[2])

/**
 * A log-batch body whose points never repeat (identical points would be skipped by the store): each
 * request's steps are new. Written as text, with values drawn in turn from a pool of 4,099 random
 * numbers formatted once: building 1,000 objects and JSON.stringify per request cost the load
 * generator 0.40 ms a body, this 0.05 ms, which on a 2-core machine leaves that CPU to the server
 * being measured. The body is the same JSON either way (key, value, timestamp, step per point).
 */
function logBatchBodies({ runIds, points }) {
  let request = 0
  let drawn = 0
  const keys = Array.from({ length: 10 }, (_, i) => `{"key":"m${i}","value":`)
  const pool = Array.from({ length: 4099 }, () => String(Math.random()))
  const base = Date.now()
  return () => {
    const n = request++
    const runId = runIds[n % runIds.length]
    const step0 = Math.floor(n / runIds.length) * Math.ceil(points / keys.length)
    const rest = `,"timestamp":${base + n},"step":`
    let body = `{"run_id":${JSON.stringify(runId)},"metrics":[`
    for (let i = 0; i < points; i++) {
      body += `${i ? ',' : ''}${keys[i % keys.length]}${pool[drawn++ % pool.length]}${rest}${step0 + Math.floor(i / keys.length)}}`
    }
    return `${body}]}`
  }
}

/** One log-metric body per request, each a new step. */
function logMetricBodies({ runIds }) {
  let request = 0
  return () => {
    const n = request++
    return JSON.stringify({ run_id: runIds[n % runIds.length], key: 'loss', value: Math.random(), timestamp: Date.now(), step: n })
  }
}

const nextBody = spec.logBatch ? logBatchBodies(spec.logBatch) : spec.logMetric ? logMetricBodies(spec.logMetric) : undefined
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.duration,
  ...(spec.rate ? { overallRate: spec.rate } : {}),
  requests: [
    {
      method: spec.method ?? 'GET',
      path: spec.path,
      headers: { 'content-type': 'application/json', ...(spec.headers ?? {}) },
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      ...(nextBody ? { setupRequest: (request) => ({ ...request, body: nextBody() }) } : {}),
    },
  ],
})
console.log(
  JSON.stringify({
    requests_per_s: Math.round(result.requests.average),
    total: result.requests.total,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }),
)
