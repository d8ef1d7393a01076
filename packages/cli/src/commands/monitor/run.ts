import { UsageError, defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { parseDuration } from '../../flag-values.ts'
import { readJobConfig } from './job-config.ts'
import type { ServingCounts } from './monitor-job.ts'

/** `--since` as a duration back from now, or an ISO 8601 time. */
function parseSince(value: string): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const time = Date.parse(value)
    if (Number.isNaN(time)) throw new UsageError(`--since must be a duration such as 1d or an ISO time, got '${value}'`)
    return time
  }
  return Date.now() - parseDuration('since', value)
}

/** `orchard monitor run`: the drift, quality and serving jobs of a job file, once or on a schedule. */
export const command = defineCommand({
  summary: 'Run the monitoring jobs of a job file (drift, quality, serving stats and their alerts), once or every interval',
  description:
    'Reads the model version’s prediction log, splits it into windows, and logs drift.<column>.<statistic>,\n' +
    'quality.<metric> and serving.* metrics (step = window) to one monitoring run linked to the version;\n' +
    'a crossed threshold raises model_version.monitoring_alert. The job file is JSON, described in\n' +
    'docs/monitoring.md. --schedule repeats every interval until SIGTERM or Ctrl-C, which lets a run in\n' +
    'progress finish; --once runs once (for cron). Exits 1 when a --once run fails.',
  flags: {
    config: { type: 'string', short: 'c', placeholder: 'file', description: 'The job file (JSON)', required: true },
    schedule: { type: 'string', placeholder: 'interval', description: 'Run every interval, e.g. 15m, 1h or 1d (the first run starts now)' },
    once: { type: 'boolean', description: 'Run the jobs once and exit' },
    since: { type: 'string', placeholder: 'duration|time', description: 'Read predictions newer than this (7d, or an ISO time)', default: "the job file's since; with --schedule, the interval" },
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard monitor run --config monitor.json --schedule 1h',
  async run({ flags }) {
    if ((flags.schedule === undefined) === (flags.once !== true)) throw new UsageError('give --schedule <interval> or --once')
    const intervalMs = flags.schedule === undefined ? undefined : parseDuration('schedule', flags.schedule)
    if (intervalMs !== undefined && intervalMs < 1000) throw new UsageError('--schedule must be at least 1s')
    const fixedSince = flags.since === undefined ? undefined : parseSince(flags.since)
    const config = await readJobConfig(flags.config)
    const { runMonitorJob } = await import('./monitor-job.ts')
    const { OrchardClient } = await import('@orchard/sdk')
    const client = new OrchardClient(flags['tracking-uri'] ?? config.trackingUri, { batching: false })
    let counts: ServingCounts | undefined
    const once = async (): Promise<boolean> => {
      // Without --since, a run reads the job file's `since` back from now, or one interval when scheduled.
      const window = config.sinceMs ?? intervalMs
      const sinceMs = fixedSince ?? (window === undefined ? undefined : Date.now() - window)
      try {
        const outcome = await runMonitorJob(config, { client, ...(sinceMs !== undefined ? { sinceMs } : {}), ...(counts ? { previousCounts: counts } : {}), onCounts: (next) => (counts = next) })
        process.stdout.write(`${outcome.summary}\n`)
        return true
      } catch (error) {
        if (error instanceof UsageError) throw error
        process.stderr.write(`error: monitoring run failed: ${(error as Error).message}\n`)
        return false
      }
    }
    try {
      if (intervalMs === undefined) return (await once()) ? 0 : 1
      const stop = new AbortController()
      const onSignal = (signal: string) => {
        if (stop.signal.aborted) return
        process.stderr.write(`received ${signal}; stopping after the current run\n`)
        stop.abort()
      }
      // Left installed until exit: with no listener left, a signal would kill the process mid-cleanup.
      process.on('SIGTERM', onSignal).on('SIGINT', onSignal)
      process.stderr.write(`Monitoring ${config.model} every ${flags.schedule}; SIGTERM or Ctrl-C stops.\n`)
      while (!stop.signal.aborted) {
        const started = Date.now()
        await once()
        const wait = Math.max(0, started + intervalMs - Date.now())
        await new Promise<void>((done) => {
          const wake = () => {
            clearTimeout(timer)
            done()
          }
          const timer = setTimeout(() => {
            stop.signal.removeEventListener('abort', wake)
            done()
          }, wait)
          stop.signal.addEventListener('abort', wake, { once: true })
        })
      }
      return 0
    } finally {
      await client.close()
    }
  },
})
