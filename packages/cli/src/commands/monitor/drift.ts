import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { ColumnOverride, ColumnTest } from '@orchard/models'
import { UsageError, defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { parseDuration, parseInteger, parseList } from '../../flag-values.ts'
import { logMonitoringRun, metricSegment, raiseAlert } from './monitoring-run.ts'

const FORMATS = ['json', 'table', 'html'] as const
const METHODS = ['auto', 'evidently'] as const
const FILE_FORMATS = ['csv', 'jsonl', 'parquet'] as const

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new UsageError(`--${flag} must be ${allowed.join(', ')}, got '${value}'`)
}

/** `col=test` or `col=test:threshold` → an override. */
export function parseColumnTest(value: string, tests: readonly ColumnTest[]): [string, ColumnOverride] {
  const match = /^([^=]+)=([a-z]+)(?::(.+))?$/.exec(value)
  if (!match) throw new UsageError(`--test takes column=test or column=test:threshold, e.g. --test fare=psi:0.2, got '${value}'`)
  const [, column, test, threshold] = match
  if (!(tests as readonly string[]).includes(test!)) throw new UsageError(`--test: unknown test '${test}' for column '${column}'; use one of ${tests.join(', ')}`)
  if (threshold === undefined) return [column!, { test: test as ColumnTest }]
  const number = Number(threshold)
  if (threshold.trim() === '' || !Number.isFinite(number) || number < 0) throw new UsageError(`--test: the threshold for '${column}' must be a number ≥ 0, got '${threshold}'`)
  return [column!, { test: test as ColumnTest, threshold: number }]
}

/** `orchard monitor drift`: per-column drift statistics and verdicts between two data files. */
export const command = defineCommand({
  summary: 'Compare a current data file with a reference: drift statistics and a verdict per column',
  description:
    'Every column gets its statistics (numeric: wasserstein_normed, ks_statistic, ks_pvalue, psi;\n' +
    'categorical: jensenshannon, psi) and a verdict. --method auto (the default) flags a column when its\n' +
    'effect size (KS statistic, or Jensen–Shannon distance over the top categories plus "other") is at\n' +
    "least 0.1 and beyond sampling noise; --method evidently applies Evidently's default tests. See\n" +
    'docs/monitoring.md. Exits 0, or 3 with --fail-on-drift when the dataset drifted.',
  flags: {
    reference: { type: 'string', placeholder: 'file', description: 'Reference data: .csv, .jsonl or .parquet', required: true },
    current: { type: 'string', placeholder: 'file', description: 'Current data: .csv, .jsonl or .parquet (or --current-log)' },
    'current-log': {
      type: 'string',
      placeholder: 'name|uri',
      description: 'Current data from the prediction log instead: a model name (every version) or models:/<name>/<version> or @alias',
    },
    since: { type: 'string', placeholder: 'duration', description: 'With --current-log: only predictions newer than this, e.g. 7d' },
    'log-destination': { type: 'string', placeholder: 'uri', description: 'Where the prediction log is (as given to models serve)', default: './prediction-logs' },
    columns: { type: 'string', placeholder: 'cols', description: 'Only these columns (comma-separated)', default: 'every shared column' },
    numeric: { type: 'string', placeholder: 'cols', description: 'Treat these columns as numeric', multiple: true },
    categorical: { type: 'string', placeholder: 'cols', description: 'Treat these columns as categorical (e.g. integer codes)', multiple: true },
    method: { type: 'string', placeholder: 'auto|evidently', description: 'How columns are judged', default: 'auto' },
    test: { type: 'string', placeholder: 'col=test[:threshold]', description: 'Per-column test: auto, wasserstein, ks, psi, jensenshannon, chisquare, z', multiple: true },
    'drift-share': { type: 'string', placeholder: 'x', description: 'Dataset drift when at least this share of columns drift', default: '0.5' },
    format: { type: 'string', placeholder: 'json|table|html', description: 'Output format', default: 'table' },
    output: { type: 'string', short: 'o', placeholder: 'file', description: 'Write the report here instead of stdout' },
    'reference-format': { type: 'string', placeholder: 'csv|jsonl|parquet', description: 'When the extension does not tell', default: 'from extension' },
    'current-format': { type: 'string', placeholder: 'csv|jsonl|parquet', description: 'When the extension does not tell', default: 'from extension' },
    'fail-on-drift': { type: 'boolean', description: 'Exit with code 3 when the dataset drifted (for CI and cron)' },
    experiment: { type: 'string', placeholder: 'name', description: 'Log drift.<column>.<statistic> metrics to a new run in this experiment' },
    step: { type: 'string', placeholder: 'n', description: 'The metrics’ step (e.g. the window number) with --experiment', default: '0' },
    model: { type: 'string', placeholder: 'name', description: 'The model the data feeds, tagged on the monitoring run' },
    'alert-model': {
      type: 'string',
      placeholder: 'uri',
      description: 'On dataset drift, raise a monitoring alert on this version (models:/<name>/<version> or @alias): webhook model_version.monitoring_alert',
    },
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard monitor drift --reference train.parquet --current last-week.parquet --categorical PULocationID --format json',
  async run({ flags }) {
    if ((flags.current === undefined) === (flags['current-log'] === undefined)) throw new UsageError('give --current (a file) or --current-log (a model’s prediction log), not both')
    for (const flag of ['since', 'log-destination'] as const) if (flags[flag] !== undefined && flags['current-log'] === undefined) throw new UsageError(`--${flag} needs --current-log`)
    const sinceMs = flags.since === undefined ? undefined : Date.now() - parseDuration('since', flags.since)
    const format = oneOf('format', flags.format, FORMATS, 'table')
    const method = oneOf('method', flags.method, METHODS, 'auto')
    const referenceFormat = flags['reference-format'] === undefined ? undefined : oneOf('reference-format', flags['reference-format'], FILE_FORMATS, 'csv')
    const currentFormat = flags['current-format'] === undefined ? undefined : oneOf('current-format', flags['current-format'], FILE_FORMATS, 'csv')
    const driftShare = Number(flags['drift-share'] ?? '0.5')
    if (!(driftShare > 0 && driftShare <= 1)) throw new UsageError(`--drift-share must be a number in (0, 1], got '${flags['drift-share']}'`)
    const step = parseInteger('step', flags.step ?? '0', { min: 0, max: Number.MAX_SAFE_INTEGER })
    if (flags.experiment === undefined && (flags.step !== undefined || flags.model !== undefined)) throw new UsageError(`--${flags.step !== undefined ? 'step' : 'model'} needs --experiment`)
    const columns = flags.columns === undefined ? undefined : parseList('columns', flags.columns)
    const numeric = flags.numeric === undefined ? [] : parseList('numeric', flags.numeric)
    const categorical = flags.categorical === undefined ? [] : parseList('categorical', flags.categorical)
    const { COLUMN_TESTS, driftReport, driftReportHtml, driftReportTable, readPredictionLogTable, readTable } = await import('@orchard/models')
    const overrides = Object.fromEntries((flags.test ?? []).map((value) => parseColumnTest(value, COLUMN_TESTS)))
    // Only the columns the report needs are decoded from Parquet.
    const wanted = columns ? [...new Set([...columns, ...numeric, ...categorical, ...Object.keys(overrides)])] : undefined
    const readCurrent = async () => {
      if (flags.current !== undefined) return readTable(flags.current, { flag: 'current-format', ...(currentFormat ? { format: currentFormat } : {}), ...(wanted ? { columns: wanted } : {}) })
      const model = flags['current-log']!
      let query: { modelName: string; version?: string } = { modelName: model }
      if (/^models:/i.test(model)) {
        const { OrchardClient } = await import('@orchard/sdk')
        const client = new OrchardClient(flags['tracking-uri'], { batching: false })
        try {
          const version = (await client.resolveModelUri(model)).modelVersion
          if (!version) throw new UsageError(`${model} names no registered model version`)
          query = { modelName: version.name, version: version.version }
        } finally {
          await client.close()
        }
      }
      const { openArtifactRepository } = await import('@orchard/artifacts')
      const destination = flags['log-destination'] ?? './prediction-logs'
      const source = openArtifactRepository(/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(destination) ? destination : resolve(destination))
      return readPredictionLogTable(source, { ...query, ...(sinceMs !== undefined ? { sinceMs } : {}) })
    }
    const [reference, current] = await Promise.all([
      readTable(flags.reference, { flag: 'reference-format', ...(referenceFormat ? { format: referenceFormat } : {}), ...(wanted ? { columns: wanted } : {}) }),
      readCurrent(),
    ])
    const report = driftReport(reference, current, {
      method,
      driftShare,
      numeric,
      categorical,
      overrides,
      ...(columns ? { columns } : {}),
    })
    if (flags['alert-model'] !== undefined && !/^models:/i.test(flags['alert-model'])) throw new UsageError(`--alert-model must be a models:/ URI, got '${flags['alert-model']}'`)
    let runId: string | undefined
    if (flags.experiment !== undefined) {
      const { OrchardClient } = await import('@orchard/sdk')
      const client = new OrchardClient(flags['tracking-uri'], { batching: false })
      try {
        const timestamp = Date.now()
        const metrics = report.columns.flatMap((column) => {
          const prefix = `drift.${metricSegment(column.name)}`
          return [
            ...Object.entries(column.statistics).map(([statistic, value]) => ({ key: `${prefix}.${statistic}`, value: value as number, step, timestamp })),
            { key: `${prefix}.value`, value: column.value, step, timestamp },
            { key: `${prefix}.drift`, value: column.drift ? 1 : 0, step, timestamp },
          ]
        })
        metrics.push({ key: 'drift.share_drifted', value: report.share_drifted, step, timestamp })
        runId = await logMonitoringRun(client, {
          experiment: flags.experiment,
          runName: `drift ${flags.model ?? flags['current-log'] ?? flags.current}`,
          tags: { 'orchard.monitoring.job': 'drift', 'orchard.monitoring.method': method, ...(flags.model ? { 'orchard.monitoring.model_name': flags.model } : {}) },
          metrics,
        })
        process.stderr.write(`Logged to run ${runId} in experiment '${flags.experiment}'.\n`)
      } finally {
        await client.close()
      }
    }
    if (flags['alert-model'] !== undefined && report.dataset_drift) {
      const { OrchardClient } = await import('@orchard/sdk')
      const client = new OrchardClient(flags['tracking-uri'], { batching: false })
      try {
        const version = (await client.resolveModelUri(flags['alert-model'])).modelVersion
        if (!version) throw new UsageError(`${flags['alert-model']} names no registered model version`)
        await raiseAlert(client, version.name, version.version, {
          job: 'drift',
          method,
          share_drifted: report.share_drifted,
          drifted_columns: report.columns.filter((c) => c.drift).map((c) => c.name),
          reference: flags.reference,
          current: flags.current ?? `prediction log of ${flags['current-log']}`,
          ...(runId ? { run_id: runId } : {}),
        })
        process.stderr.write(`Alert raised on ${version.name} version ${version.version}: dataset drift (share ${report.share_drifted.toFixed(3)}).\n`)
      } finally {
        await client.close()
      }
    }
    const text = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'html' ? driftReportHtml(report, `Drift: ${flags.current ?? `the prediction log of ${flags['current-log']}`} against ${flags.reference}`) : driftReportTable(report)
    if (flags.output) await writeFile(flags.output, text)
    else process.stdout.write(text)
    return flags['fail-on-drift'] && report.dataset_drift ? 3 : 0
  },
})
