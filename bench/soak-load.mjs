// One window of the soak's steady load (bench/soak.ts), in its own process so the load generator
// never shares an event loop with the server it measures. autocannon holds the overall request rate
// fixed and cycles every connection through a mix of what a team's server sees: a 100-point
// log-batch, a run read, a 100-run search, a metric's history, and a new run with a param and a tag.
// Usage: node bench/soak-load.mjs '<json spec>'; prints autocannon's figures as one JSON line.
//   spec: { url, rate, connections, duration, searchIn, createIn, runIds: string[] }
//   (searchIn: the experiment searched; createIn: where new runs go)
import autocannon from 'autocannon'

const spec = JSON.parse(process.argv[2])
const api = '/api/2.0/mlflow'
let request = 0
const base = Date.now()
const nextRun = () => spec.runIds[request++ % spec.runIds.length]

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.duration,
  overallRate: spec.rate,
  headers: { 'content-type': 'application/json' },
  requests: [
    {
      method: 'POST',
      path: `${api}/runs/log-batch`,
      setupRequest: (req) => {
        const n = request
        const runId = nextRun()
        const metrics = Array.from({ length: 100 }, (_, i) => ({ key: `m${i % 10}`, value: Math.random(), timestamp: base + n, step: n * 10 + Math.floor(i / 10) }))
        return { ...req, body: JSON.stringify({ run_id: runId, metrics }) }
      },
    },
    { method: 'GET', setupRequest: (req) => ({ ...req, path: `${api}/runs/get?run_id=${nextRun()}` }) },
    { method: 'POST', path: `${api}/runs/search`, body: JSON.stringify({ experiment_ids: [spec.searchIn], max_results: 100, filter: 'metrics.m0 > 0.1', order_by: ['metrics.m1 DESC'] }) },
    { method: 'GET', setupRequest: (req) => ({ ...req, path: `${api}/metrics/get-history?run_id=${nextRun()}&metric_key=m3&max_results=1000` }) },
    {
      method: 'POST',
      path: `${api}/runs/create`,
      setupRequest: (req) => ({ ...req, body: JSON.stringify({ experiment_id: spec.createIn, start_time: Date.now(), tags: [{ key: 'soak', value: String(request++) }] }) }),
    },
  ],
})
console.log(
  JSON.stringify({
    requests_per_s: result.requests.average,
    total: result.requests.total,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }),
)
