// The SDK in a training loop: N `logMetric` calls against a running server, with the default
// background batcher, timed until the last point is durable (flush resolved), against the same loop
// with the loop not awaiting logMetric, and with batching off (one HTTP request per point, measured
// on fewer points).
import { OrchardClient } from '@orchard/sdk'

export async function sdkBatchingBenchmark(url: string, points: number, unbatchedPoints: number): Promise<Record<string, number>> {
  const batched = new OrchardClient(url)
  const unbatched = new OrchardClient(url, { batching: false })
  try {
    const run = await batched.createRun('0')
    const t0 = performance.now()
    for (let step = 0; step < points; step++) await batched.logMetric(run.info.runId, 'loss', 1 / (step + 1), { step })
    const loopSeconds = (performance.now() - t0) / 1000
    await batched.flush()
    const durableSeconds = (performance.now() - t0) / 1000
    const history = await batched.getMetricHistory(run.info.runId, 'loss')
    if (history.length !== points) throw new Error(`SDK batching stored ${history.length} of ${points} points`)

    // The same loop without `await`, as JavaScript training loops often are.
    const looseRun = await batched.createRun('0')
    const t2 = performance.now()
    for (let step = 0; step < points; step++) void batched.logMetric(looseRun.info.runId, 'loss', 1 / (step + 1), { step })
    await batched.flush()
    const unawaitedSeconds = (performance.now() - t2) / 1000
    const looseHistory = await batched.getMetricHistory(looseRun.info.runId, 'loss')
    if (looseHistory.length !== points) throw new Error(`un-awaited logMetric stored ${looseHistory.length} of ${points} points`)

    const slowRun = await unbatched.createRun('0')
    const t1 = performance.now()
    for (let step = 0; step < unbatchedPoints; step++) await unbatched.logMetric(slowRun.info.runId, 'loss', 1 / (step + 1), { step })
    const unbatchedSeconds = (performance.now() - t1) / 1000
    return {
      sdk_points: points,
      sdk_loop_points_per_s: Math.round(points / loopSeconds),
      sdk_durable_points_per_s: Math.round(points / durableSeconds),
      sdk_durable_s: Number(durableSeconds.toFixed(2)),
      sdk_unawaited_durable_points_per_s: Math.round(points / unawaitedSeconds),
      sdk_unbatched_points_per_s: Math.round(unbatchedPoints / unbatchedSeconds),
    }
  } finally {
    await batched.close()
    await unbatched.close()
  }
}
