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

/**
 * Raises a monitoring alert on a model version: sets its MONITORING_ALERT_TAG to the alert as JSON,
 * which queues the signed `model_version.monitoring_alert` webhook event through the outbox.
 */
export async function raiseAlert(client: OrchardClient, name: string, version: string, alert: Readonly<Record<string, unknown>>): Promise<void> {
  const { MONITORING_ALERT_TAG } = await import('@orchard/core')
  await client.setModelVersionTag(name, version, MONITORING_ALERT_TAG, JSON.stringify({ ...alert, raised_at: new Date().toISOString() }))
}

/** `rmse>5`, `accuracy<0.8`, `share_drifted>=0.5` → a test on a metric. */
export function parseAlertRule(value: string): { metric: string; test: (x: number) => boolean; text: string } | undefined {
  const match = /^([A-Za-z_][\w.]*)\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)$/.exec(value.trim())
  if (!match) return undefined
  const [, metric, op, number] = match
  const limit = Number(number)
  const tests = { '>': (x: number) => x > limit, '<': (x: number) => x < limit, '>=': (x: number) => x >= limit, '<=': (x: number) => x <= limit }
  return { metric: metric!, test: tests[op as keyof typeof tests], text: `${metric} ${op} ${limit}` }
}
