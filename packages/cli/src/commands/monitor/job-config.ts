// The job file of `orchard monitor run`: which model to watch, where its prediction log is, and
// which jobs to run on it (drift against a reference, quality from delayed labels, serving stats),
// each with its alert thresholds. JSON, with paths relative to the file.
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { UsageError } from '../../command.ts'
import { parseDuration } from '../../flag-values.ts'
import { parseAlertRule } from './monitoring-run.ts'

export type AlertRule = NonNullable<ReturnType<typeof parseAlertRule>>

interface DriftJob {
  readonly reference: string
  readonly columns?: readonly string[]
  readonly numeric: readonly string[]
  readonly categorical: readonly string[]
  readonly method: 'auto' | 'evidently'
  readonly driftShare: number
  /** Raise an alert when the latest window's dataset drifted. */
  readonly alert: boolean
}

interface QualityJob {
  readonly labels: string
  readonly idColumn: string
  readonly labelColumn: string
  readonly rowColumn?: string
  readonly predictionColumn?: string
  readonly task?: 'regression' | 'classification'
  readonly alerts: readonly AlertRule[]
}

interface ServingJob {
  /** A scoring server's base URL: its /metrics gives the error rate. */
  readonly url?: string
  readonly alerts: readonly AlertRule[]
}

export interface MonitorJobConfig {
  readonly model: string
  readonly logDestination: string
  readonly experiment: string
  readonly trackingUri?: string
  /** Windows of prediction time; undefined means one window over everything read. */
  readonly windowMs?: number
  /** How far back each run reads the log; undefined means the whole log. */
  readonly sinceMs?: number
  readonly drift?: DriftJob
  readonly quality?: QualityJob
  readonly serving?: ServingJob
}

type Json = Record<string, unknown>

function section(value: unknown, where: string): Json | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${where} must be an object`)
  return value as Json
}

function allowedKeys(object: Json, where: string, keys: readonly string[]): void {
  for (const key of Object.keys(object)) if (!keys.includes(key)) throw new UsageError(`${where}: unknown key '${key}' (expected ${keys.join(', ')})`)
}

function text(object: Json, key: string, where: string, required: true): string
function text(object: Json, key: string, where: string, required?: false): string | undefined
function text(object: Json, key: string, where: string, required = false): string | undefined {
  const value = object[key]
  if (value === undefined && !required) return undefined
  if (typeof value !== 'string' || value === '') throw new UsageError(`${where}.${key} must be a non-empty string`)
  return value
}

function list(object: Json, key: string, where: string): string[] | undefined {
  const value = object[key]
  if (value === undefined) return undefined
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) throw new UsageError(`${where}.${key} must be a list of strings`)
  return value as string[]
}

function rules(object: Json, key: string, where: string): AlertRule[] {
  return (list(object, key, where) ?? []).map((rule) => {
    const parsed = parseAlertRule(rule)
    if (!parsed) throw new UsageError(`${where}.${key}: '${rule}' is not a rule like rmse>5 or accuracy<0.8`)
    return parsed
  })
}

function duration(object: Json, key: string, where: string): number | undefined {
  const value = text(object, key, where)
  if (value === undefined) return undefined
  let ms: number
  try {
    ms = parseDuration(key, value)
  } catch {
    throw new UsageError(`${where}.${key} must be a duration such as 1d, 12h, 15m or 30s, got '${value}'`)
  }
  if (ms <= 0) throw new UsageError(`${where}.${key} must be longer than 0s`)
  return ms
}

/** Validates a parsed job file; relative paths are resolved against `baseDir`. */
function parseJobConfig(raw: unknown, baseDir: string): MonitorJobConfig {
  const top = section(raw, 'the job file')
  if (!top) throw new UsageError('the job file must be a JSON object')
  allowedKeys(top, 'the job file', ['model', 'log_destination', 'experiment', 'tracking_uri', 'window', 'since', 'drift', 'quality', 'serving'])
  const model = text(top, 'model', 'job', true)
  if (!/^models:\//i.test(model)) throw new UsageError(`job.model must be a models:/<name>/<version> or models:/<name>@<alias> URI, got '${model}'`)
  const path = (value: string) => (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(value) ? value : resolve(baseDir, value))
  const drift = section(top.drift, 'job.drift')
  const quality = section(top.quality, 'job.quality')
  const serving = section(top.serving, 'job.serving')
  if (!drift && !quality && !serving) throw new UsageError('the job file names no job: give drift, quality or serving')
  const windowMs = duration(top, 'window', 'job')
  const sinceMs = duration(top, 'since', 'job')
  const trackingUri = text(top, 'tracking_uri', 'job')
  let driftJob: DriftJob | undefined
  if (drift) {
    allowedKeys(drift, 'job.drift', ['reference', 'columns', 'numeric', 'categorical', 'method', 'drift_share', 'alert'])
    const method = text(drift, 'method', 'job.drift') ?? 'auto'
    if (method !== 'auto' && method !== 'evidently') throw new UsageError(`job.drift.method must be auto or evidently, got '${method}'`)
    const share = drift.drift_share ?? 0.5
    if (typeof share !== 'number' || !(share > 0 && share <= 1)) throw new UsageError('job.drift.drift_share must be a number in (0, 1]')
    if (drift.alert !== undefined && typeof drift.alert !== 'boolean') throw new UsageError('job.drift.alert must be true or false')
    const columns = list(drift, 'columns', 'job.drift')
    driftJob = {
      reference: path(text(drift, 'reference', 'job.drift', true)),
      ...(columns ? { columns } : {}),
      numeric: list(drift, 'numeric', 'job.drift') ?? [],
      categorical: list(drift, 'categorical', 'job.drift') ?? [],
      method,
      driftShare: share,
      alert: (drift.alert as boolean | undefined) ?? true,
    }
  }
  let qualityJob: QualityJob | undefined
  if (quality) {
    allowedKeys(quality, 'job.quality', ['labels', 'id_column', 'label_column', 'row_column', 'prediction_column', 'task', 'alerts'])
    const task = text(quality, 'task', 'job.quality')
    if (task !== undefined && task !== 'regression' && task !== 'classification') throw new UsageError(`job.quality.task must be regression or classification, got '${task}'`)
    const rowColumn = text(quality, 'row_column', 'job.quality')
    const predictionColumn = text(quality, 'prediction_column', 'job.quality')
    qualityJob = {
      labels: path(text(quality, 'labels', 'job.quality', true)),
      idColumn: text(quality, 'id_column', 'job.quality') ?? 'request_id',
      labelColumn: text(quality, 'label_column', 'job.quality', true),
      ...(rowColumn ? { rowColumn } : {}),
      ...(predictionColumn ? { predictionColumn } : {}),
      ...(task ? { task } : {}),
      alerts: rules(quality, 'alerts', 'job.quality'),
    }
  }
  let servingJob: ServingJob | undefined
  if (serving) {
    allowedKeys(serving, 'job.serving', ['url', 'alerts'])
    const url = text(serving, 'url', 'job.serving')
    if (url !== undefined && !/^https?:\/\//.test(url)) throw new UsageError(`job.serving.url must be an http(s) URL, got '${url}'`)
    servingJob = { ...(url ? { url: url.replace(/\/+$/, '') } : {}), alerts: rules(serving, 'alerts', 'job.serving') }
  }
  return {
    model,
    logDestination: path(text(top, 'log_destination', 'job') ?? './prediction-logs'),
    experiment: text(top, 'experiment', 'job') ?? 'monitoring',
    ...(trackingUri ? { trackingUri } : {}),
    ...(windowMs !== undefined ? { windowMs } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
    ...(driftJob ? { drift: driftJob } : {}),
    ...(qualityJob ? { quality: qualityJob } : {}),
    ...(servingJob ? { serving: servingJob } : {}),
  }
}

/** Reads and validates a job file. */
export async function readJobConfig(file: string): Promise<MonitorJobConfig> {
  let body: string
  try {
    body = await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read the job file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(body)
  } catch (error) {
    throw new UsageError(`the job file ${file} is not valid JSON: ${(error as Error).message}`)
  }
  return parseJobConfig(raw, dirname(resolve(file)))
}
