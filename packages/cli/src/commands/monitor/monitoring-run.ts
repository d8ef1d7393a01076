// Monitoring results as tracking data: one run per monitoring job in an experiment (default
// "monitoring"), tagged with the model it watched, so the existing charts, search and API show them.
import type { OrchardClient } from '@orchard/sdk'

/** MLflow's metric-batch limit (MAX_METRICS_PER_BATCH); kept here to avoid loading the protocol early. */
const METRICS_PER_BATCH = 1000

export interface MonitoringMetric {
  readonly key: string
  readonly value: number
  readonly step: number
  readonly timestamp: number
}

/** A column name as a metric-key segment: MLflow keys allow letters, digits, `_-./` and spaces. */
export const metricSegment = (name: string) => name.replace(/[^A-Za-z0-9_\-. ]/g, '_')

/** Creates the run (and the experiment if needed), logs the metrics in batches, ends the run. */
export async function logMonitoringRun(
  client: OrchardClient,
  options: { experiment: string; runName: string; tags: Readonly<Record<string, string>>; metrics: readonly MonitoringMetric[] },
): Promise<string> {
  const experimentId = (await client.getExperimentByName(options.experiment))?.experimentId ?? (await client.createExperiment(options.experiment))
  const run = await client.createRun(experimentId, { runName: options.runName, tags: { 'orchard.monitoring': 'true', ...options.tags } })
  const runId = run.info.runId
  try {
    const finite = options.metrics.filter((m) => Number.isFinite(m.value))
    for (let i = 0; i < finite.length; i += METRICS_PER_BATCH) await client.logBatch(runId, { metrics: finite.slice(i, i + METRICS_PER_BATCH) })
    await client.setTerminated(runId, 'FINISHED')
  } catch (error) {
    await client.setTerminated(runId, 'FAILED').catch(() => {})
    throw error
  }
  return runId
}
