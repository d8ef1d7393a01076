import { resolve } from 'node:path'
import type { QualityTask } from '@orchard/models'
import { UsageError, defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { parseDuration } from '../../flag-values.ts'
import { logMonitoringRun, parseAlertRule, raiseAlert } from './monitoring-run.ts'

const DAY_MS = 86_400_000

function assertNever(value: string): never {
  throw new UsageError(`--alert takes metric>value, metric<value, metric>=value or metric<=value, e.g. rmse>5, got '${value}'`)
}

/** `orchard monitor label`: quality of logged predictions once their labels arrive. */
export const command = defineCommand({
  summary: 'Join delayed labels to logged predictions: RMSE/MAE or accuracy/precision/recall/F1/ROC AUC per time window',
  description:
    'Reads the prediction log that `orchard models serve --log-predictions` wrote to --log-destination,\n' +
    'joins the labels on the request id (and the row within the request, when the labels have a row\n' +
    'column), and computes quality per window of prediction time. With --experiment, logs the\n' +
    'results as metrics quality.<metric> (step = window) to a new run in that experiment.',
  flags: {
    model: { type: 'string', placeholder: 'name|uri', description: 'A registered model name (every version), or models:/<name>/<version> or models:/<name>@<alias> (that version)', required: true },
    labels: { type: 'string', placeholder: 'file', description: 'Ground truth: .csv, .jsonl or .parquet', required: true },
    'id-column': { type: 'string', placeholder: 'name', description: 'The labels’ request-id column', default: 'request_id' },
    'label-column': { type: 'string', placeholder: 'name', description: 'The labels’ ground-truth column', required: true },
    'row-column': { type: 'string', placeholder: 'name', description: 'The row within the request, for multi-row requests', default: "'row' when the labels have it" },
    'prediction-column': { type: 'string', placeholder: 'name', description: 'The logged output to score', default: 'prediction' },
    task: { type: 'string', placeholder: 'regression|classification', description: 'What the model does', default: 'regression for numeric labels with more than 2 values' },
    window: { type: 'string', placeholder: 'duration', description: 'Length of each time window', default: '1d' },
    since: { type: 'string', placeholder: 'duration', description: 'Only predictions newer than this, e.g. 7d' },
    'log-destination': { type: 'string', placeholder: 'uri', description: 'Where the prediction log is (as given to models serve)', default: './prediction-logs' },
    experiment: { type: 'string', placeholder: 'name', description: 'Log the results as a run in this experiment' },
    alert: {
      type: 'string',
      placeholder: 'metric>value',
      description: 'Raise a monitoring alert on the model version (webhook model_version.monitoring_alert) when the latest window crosses it, e.g. rmse>5',
      multiple: true,
    },
    format: { type: 'string', placeholder: 'json|table', description: 'Output format', default: 'table' },
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard monitor label --model models:/taxi-duration@champion --labels actuals.csv --label-column duration --window 1d',
  async run({ flags }) {
    const format = flags.format ?? 'table'
    if (format !== 'json' && format !== 'table') throw new UsageError(`--format must be json or table, got '${format}'`)
    const task = flags.task
    if (task !== undefined && task !== 'regression' && task !== 'classification') throw new UsageError(`--task must be regression or classification, got '${task}'`)
    const windowMs = parseDuration('window', flags.window ?? '1d')
    if (windowMs <= 0) throw new UsageError('--window must be longer than 0s')
    const rules = (flags.alert ?? []).map((value) => parseAlertRule(value) ?? assertNever(value))
    if (rules.length > 0 && !/^models:/i.test(flags.model)) throw new UsageError('--alert raises the alert on a model version, so --model must be a models:/ URI')
    const sinceMs = flags.since === undefined ? undefined : Date.now() - parseDuration('since', flags.since)
    const { openArtifactRepository } = await import('@orchard/artifacts')
    const { qualityReport, readPredictionLog, readTable } = await import('@orchard/models')
    const { OrchardClient } = await import('@orchard/sdk')
    const needsClient = /^models:/i.test(flags.model) || flags.experiment !== undefined
    const client = needsClient ? new OrchardClient(flags['tracking-uri'], { batching: false }) : undefined
    try {
      let modelName = flags.model
      let version: string | undefined
      if (/^models:/i.test(flags.model)) {
        const resolved = (await client!.resolveModelUri(flags.model)).modelVersion
        if (!resolved) throw new UsageError(`${flags.model} names no registered model version`)
        modelName = resolved.name
        version = resolved.version
      }
      const destination = flags['log-destination'] ?? './prediction-logs'
      const source = openArtifactRepository(/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(destination) ? destination : resolve(destination))
      const labels = await readTable(flags.labels, { flag: 'labels-format' })
      const rowColumn = flags['row-column'] ?? (labels.names.includes('row') ? 'row' : undefined)
      const logged = await readPredictionLog(source, {
        modelName,
        ...(version !== undefined ? { version } : {}),
        ...(sinceMs !== undefined ? { sinceMs } : {}),
        ...(flags['prediction-column'] ? { predictionColumn: flags['prediction-column'] } : {}),
      })
      const report = qualityReport(logged, labels, {
        idColumn: flags['id-column'] ?? 'request_id',
        labelColumn: flags['label-column'],
        windowMs,
        ...(rowColumn !== undefined ? { rowColumn } : {}),
        ...(task !== undefined ? { task: task as QualityTask } : {}),
      })
      let runId: string | undefined
      if (flags.experiment !== undefined) {
        runId = await logMonitoringRun(client!, {
          experiment: flags.experiment,
          runName: `quality ${modelName}${version ? ` v${version}` : ''}`,
          tags: { 'orchard.monitoring.job': 'quality', 'orchard.monitoring.model_name': modelName, ...(version ? { 'orchard.monitoring.model_version': version } : {}), 'orchard.monitoring.task': report.task },
          metrics: report.windows.flatMap((w) =>
            Object.entries(w.metrics).flatMap(([key, value]) => (value === null ? [] : [{ key: `quality.${key}`, value, step: w.window, timestamp: Date.parse(w.start) }])).concat([{ key: 'quality.count', value: w.count, step: w.window, timestamp: Date.parse(w.start) }]),
          ),
        })
      }
      // Alerts look at the latest window: what is true of the model now.
      const latest = report.windows.at(-1)
      const crossed = latest ? rules.filter((rule) => typeof latest.metrics[rule.metric] === 'number' && rule.test(latest.metrics[rule.metric] as number)) : []
      if (crossed.length > 0 && version !== undefined) {
        await raiseAlert(client!, modelName, version, {
          job: 'quality',
          rules: crossed.map((rule) => rule.text),
          window: latest!.window,
          window_start: latest!.start,
          metrics: latest!.metrics,
          ...(runId ? { run_id: runId } : {}),
        })
        process.stderr.write(`Alert raised on ${modelName} version ${version}: ${crossed.map((rule) => rule.text).join(', ')}.\n`)
      }
      if (format === 'json') {
        process.stdout.write(`${JSON.stringify({ model_name: modelName, ...(version ? { model_version: version } : {}), logged_rows: logged.length, ...report, ...(runId ? { run_id: runId } : {}), alerts: crossed.map((rule) => rule.text) }, null, 2)}\n`)
        return
      }
      const keys = Object.keys(report.overall.metrics)
      const cell = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(4))
      const header = ['window', 'start', 'rows', ...keys]
      const rows = [...report.windows.map((w) => [String(w.window), w.start.replace('.000Z', 'Z'), String(w.count), ...keys.map((k) => cell(w.metrics[k]))]), ['all', '', String(report.overall.count), ...keys.map((k) => cell(report.overall.metrics[k]))]]
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
      const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
      process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`)
      process.stdout.write(`${report.task}: ${report.overall.count} labelled predictions of ${logged.length} logged (${report.unmatched_labels} labels unmatched, ${report.ambiguous_labels} ambiguous); windows of ${windowMs % DAY_MS === 0 ? `${windowMs / DAY_MS}d` : `${windowMs / 1000}s`}.\n`)
      if (runId) process.stdout.write(`Logged to run ${runId} in experiment '${flags.experiment}'.\n`)
    } finally {
      await client?.close()
    }
  },
})
