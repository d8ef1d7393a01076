// One window of the soak's steady load (bench/soak.ts), in its own process so the load generator
// never shares an event loop with the server it measures. What a team's server sees, each kind of
// request at a fixed share of the overall rate, on connections of its own: a 100-point log-batch,
// a run read, a 100-run search, a metric's history (a fixed 100 steps, written before the load: the
// log-batches' metrics grow, so reading one of them would cost more each minute), and a new run with
// a tag. Each kind is its own autocannon instance (all five at once), so that the window's latency
// can be told per kind as well as over the whole mix.
// Usage: node bench/soak-load.mjs '<json spec>'; prints the figures as one JSON line.
//   spec: { url, rate, connections, duration, searchIn, createIn, runIds: string[] }
//   (searchIn: the experiment searched; createIn: where new runs go; rate and connections are
//   overall, split evenly over the five kinds, at least one connection each)
import autocannon from 'autocannon'

const spec = JSON.parse(process.argv[2])
const api = '/api/2.0/mlflow'
let request = 0
const base = Date.now()
const nextRun = () => spec.runIds[request++ % spec.runIds.length]

const kinds = {
  'log-batch': {
    method: 'POST',
    path: `${api}/runs/log-batch`,
    setupRequest: (req) => {
      const n = request
      const runId = nextRun()
      const metrics = Array.from({ length: 100 }, (_, i) => ({ key: `m${i % 10}`, value: Math.random(), timestamp: base + n, step: n * 10 + Math.floor(i / 10) }))
      return { ...req, body: JSON.stringify({ run_id: runId, metrics }) }
    },
  },
  'runs/get': { method: 'GET', setupRequest: (req) => ({ ...req, path: `${api}/runs/get?run_id=${nextRun()}` }) },
  'runs/search': {
    method: 'POST',
    path: `${api}/runs/search`,
    body: JSON.stringify({ experiment_ids: [spec.searchIn], max_results: 100, filter: 'metrics.m0 > 0.1', order_by: ['metrics.m1 DESC'] }),
  },
  'get-history': { method: 'GET', setupRequest: (req) => ({ ...req, path: `${api}/metrics/get-history?run_id=${nextRun()}&metric_key=h&max_results=1000` }) },
  'runs/create': {
    method: 'POST',
    path: `${api}/runs/create`,
    setupRequest: (req) => ({ ...req, body: JSON.stringify({ experiment_id: spec.createIn, start_time: Date.now(), tags: [{ key: 'soak', value: String(request++) }] }) }),
  },
}

const names = Object.keys(kinds)
const share = spec.rate / names.length
const connections = Math.max(1, Math.round(spec.connections / names.length))
// Every answered request's latency (fractional ms), per kind: the percentiles below are exact, for
// each kind and for the whole mix (autocannon's own histogram counts whole milliseconds).
const latencies = Object.fromEntries(names.map((name) => [name, []]))
const results = await Promise.all(
  names.map(
    (name) =>
      new Promise((resolve, reject) => {
        const instance = autocannon(
          { url: spec.url, connections, duration: spec.duration, overallRate: share, headers: { 'content-type': 'application/json' }, requests: [kinds[name]] },
          (error, result) => (error ? reject(error) : resolve(result)),
        )
        instance.on('response', (_client, _status, _bytes, ms) => latencies[name].push(ms))
      }),
  ),
)

const quantiles = (values) => {
  const sorted = Float64Array.from(values).sort()
  const at = (q) => Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN).toFixed(1))
  return { p50_ms: at(0.5), p99_ms: at(0.99), max_ms: at(1) }
}
const sum = (pick) => results.reduce((total, result) => total + pick(result), 0)
console.log(
  JSON.stringify({
    requests_per_s: sum((r) => r.requests.average),
    total: sum((r) => r.requests.total),
    ...quantiles(Object.values(latencies).flat()),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    kinds: Object.fromEntries(names.map((name, i) => [name, { total: results[i].requests.total, ...quantiles(latencies[name]) }])),
  }),
)
