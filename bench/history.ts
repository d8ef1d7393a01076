// Full metric history: one run per size, the whole history logged with log-batch, then
// metrics/get-history fetched ten times over the REST API.
import { restCall } from './rest-call.ts'

export async function historyBenchmark(url: string, sizes: readonly number[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const steps of sizes) {
    const created = (await restCall(url, 'POST', 'runs/create', { experiment_id: '0', start_time: Date.now() })) as { run: { info: { run_id: string } } }
    const runId = created.run.info.run_id
    for (let start = 0; start < steps; start += 1000) {
      const metrics = Array.from({ length: Math.min(1000, steps - start) }, (_, i) => ({
        key: 'loss',
        value: Math.random(),
        timestamp: 1_700_000_000_000 + start + i,
        step: start + i,
      }))
      await restCall(url, 'POST', 'runs/log-batch', { run_id: runId, metrics })
    }
    const latencies: number[] = []
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now()
      const reply = (await restCall(url, 'GET', 'metrics/get-history', { run_id: runId, metric_key: 'loss' })) as { metrics: unknown[] }
      latencies.push(performance.now() - t0)
      if (reply.metrics.length !== steps) throw new Error(`history had ${reply.metrics.length} points, expected ${steps}`)
    }
    latencies.sort((a, b) => a - b)
    out[`history_${steps}_p50_ms`] = Number((latencies[5] ?? 0).toFixed(1))
  }
  return out
}
