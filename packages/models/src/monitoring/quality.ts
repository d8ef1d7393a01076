// Model quality once ground truth arrives: labels joined to the prediction log by request id (and
// row, for requests of several rows), then RMSE/MAE or accuracy/precision/recall/F1/ROC AUC per
// time window. Also reads the prediction log back from its artifact store.
import { parquetReadObjects } from 'hyparquet'
import { invalidParameter } from '@orchard/protocol/base'
import type { ColumnTable } from '../table.ts'

export type QualityTask = 'regression' | 'classification'

/** One logged row, as far as quality needs it. */
export interface LoggedPrediction {
  readonly requestId: string
  readonly row: number
  readonly timestampMs: number
  readonly modelVersion: string
  readonly prediction: unknown
}

export interface QualityWindow {
  readonly window: number
  readonly start: string
  readonly end: string
  readonly count: number
  readonly metrics: Readonly<Record<string, number | null>>
}

export interface QualityReport {
  readonly task: QualityTask
  readonly windows: QualityWindow[]
  readonly overall: { readonly count: number; readonly metrics: Readonly<Record<string, number | null>> }
  /** Labels with no logged prediction, and logged rows a label could not be matched to unambiguously. */
  readonly unmatched_labels: number
  readonly ambiguous_labels: number
}

/** A store the prediction log can be read back from (an ArtifactRepository has both methods). */
export interface PredictionLogSource {
  listArtifacts(path?: string): Promise<readonly { path: string; isDir: boolean }[]>
  openArtifact(path: string): Promise<{ read(): Promise<NodeJS.ReadableStream> }>
}

/** Bounds the rows one quality job reads back from the log. */
export const MAX_LOGGED_ROWS = 20_000_000

async function bytesOf(stream: NodeJS.ReadableStream): Promise<ArrayBuffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array))
  const buffer = Buffer.concat(chunks)
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer
}

/** Which part of a model's prediction log to read. */
export interface PredictionLogQuery {
  readonly modelName: string
  /** One version (default: every version). */
  readonly version?: string
  /** Only rows logged at or after this time (days before it are not even listed). */
  readonly sinceMs?: number
}

/** The log's files for a query: `<model>/version=*\/date=*\/*.parquet`, walked by partition. */
async function logFiles(source: PredictionLogSource, query: PredictionLogQuery): Promise<string[]> {
  const model = query.modelName.replace(/[^A-Za-z0-9._=-]/g, '_')
  const sinceDay = query.sinceMs === undefined ? undefined : new Date(query.sinceMs).toISOString().slice(0, 10)
  const files: string[] = []
  for (const version of await source.listArtifacts(model)) {
    const name = version.path.split('/').pop()!
    if (!version.isDir || !name.startsWith('version=')) continue
    if (query.version !== undefined && name !== `version=${query.version}`) continue
    for (const day of await source.listArtifacts(version.path)) {
      const date = day.path.split('/').pop()!.replace(/^date=/, '')
      if (!day.isDir || (sinceDay !== undefined && date < sinceDay)) continue
      for (const file of await source.listArtifacts(day.path)) if (!file.isDir && file.path.endsWith('.parquet')) files.push(file.path)
    }
  }
  return files
}

const timeOf = (value: unknown) => (value instanceof Date ? value.getTime() : Number(value))

/** The logged rows of a model, as quality needs them, oldest first. */
export async function readPredictionLog(source: PredictionLogSource, options: PredictionLogQuery & { predictionColumn?: string }): Promise<LoggedPrediction[]> {
  const column = options.predictionColumn ?? 'prediction'
  const out: LoggedPrediction[] = []
  for (const path of await logFiles(source, options)) {
    const buffer = await bytesOf(await (await source.openArtifact(path)).read())
    const rows = await parquetReadObjects({ file: buffer, columns: ['request_id', 'row', 'timestamp', 'model_version', column] })
    for (const r of rows) {
      const timestampMs = timeOf(r.timestamp)
      if (options.sinceMs !== undefined && timestampMs < options.sinceMs) continue
      out.push({ requestId: String(r.request_id), row: Number(r.row), timestampMs, modelVersion: String(r.model_version), prediction: r[column] })
    }
    if (out.length > MAX_LOGGED_ROWS) throw invalidParameter(`The prediction log of '${options.modelName}' holds more than ${MAX_LOGGED_ROWS} rows; narrow it with --since or a version.`)
  }
  return out.sort((a, b) => a.timestampMs - b.timestampMs)
}

/**
 * The logged rows of a model as one table (every column: the log's own, the inputs, the outputs),
 * for a drift report of what the model saw against its reference data.
 */
export async function readPredictionLogTable(source: PredictionLogSource, query: PredictionLogQuery): Promise<ColumnTable> {
  const names: string[] = []
  const columns: unknown[][] = []
  let rows = 0
  for (const path of await logFiles(source, query)) {
    const records = await parquetReadObjects({ file: await bytesOf(await (await source.openArtifact(path)).read()) })
    for (const record of records) {
      if (query.sinceMs !== undefined && timeOf(record.timestamp) < query.sinceMs) continue
      for (const key of Object.keys(record)) {
        if (names.includes(key)) continue
        names.push(key)
        columns.push(new Array<unknown>(rows).fill(null))
      }
      names.forEach((name, c) => columns[c]!.push(record[name] ?? null))
      rows++
    }
    if (rows > MAX_LOGGED_ROWS) throw invalidParameter(`The prediction log of '${query.modelName}' holds more than ${MAX_LOGGED_ROWS} rows; narrow it with --since or a version.`)
  }
  if (rows === 0) throw invalidParameter(`No logged predictions of '${query.modelName}'${query.version ? ` version ${query.version}` : ''}${query.sinceMs !== undefined ? ` since ${new Date(query.sinceMs).toISOString()}` : ''}.`)
  return { names, columns, rowCount: rows }
}

/** Root mean squared error and mean absolute error. */
export function regressionMetrics(labels: readonly number[], predictions: readonly number[]): Record<string, number | null> {
  const n = labels.length
  if (n === 0) return { rmse: null, mae: null }
  let squares = 0
  let absolute = 0
  for (let i = 0; i < n; i++) {
    const e = predictions[i]! - labels[i]!
    squares += e * e
    absolute += Math.abs(e)
  }
  return { rmse: Math.sqrt(squares / n), mae: absolute / n }
}

/**
 * ROC AUC of scores for a binary label (positives = 1), as the Mann–Whitney statistic with tied
 * scores counted half, which is what sklearn's roc_auc_score computes. Null with one class only.
 */
export function rocAuc(labels: readonly number[], scores: readonly number[]): number | null {
  const order = scores.map((s, i) => [s, labels[i]!] as const).sort((a, b) => a[0] - b[0])
  let positives = 0
  for (const [, y] of order) if (y === 1) positives++
  const negatives = order.length - positives
  if (positives === 0 || negatives === 0) return null
  let rankSum = 0
  for (let i = 0; i < order.length; ) {
    let j = i
    while (j < order.length && order[j]![0] === order[i]![0]) j++
    const averageRank = (i + 1 + j) / 2
    for (let k = i; k < j; k++) if (order[k]![1] === 1) rankSum += averageRank
    i = j
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}

/**
 * Accuracy, and precision/recall/F1 of the positive class for binary labels (macro averages over
 * classes otherwise). Numeric predictions in [0, 1] against 0/1 labels are scores: classes at 0.5,
 * and ROC AUC from the scores themselves.
 */
export function classificationMetrics(labels: readonly unknown[], predictions: readonly unknown[]): Record<string, number | null> {
  const n = labels.length
  if (n === 0) return { accuracy: null, precision: null, recall: null, f1: null, roc_auc: null }
  const key = (v: unknown) => (typeof v === 'boolean' ? (v ? '1' : '0') : String(v))
  const labelKeys = labels.map(key)
  const binaryLabels = labelKeys.every((k) => k === '0' || k === '1')
  const scores = binaryLabels && predictions.every((p) => typeof p === 'number' && p >= 0 && p <= 1) ? (predictions as number[]) : undefined
  const predicted = scores ? scores.map((s) => (s >= 0.5 ? '1' : '0')) : predictions.map(key)
  let correct = 0
  for (let i = 0; i < n; i++) if (predicted[i] === labelKeys[i]) correct++
  const classes = binaryLabels ? ['1'] : [...new Set([...labelKeys, ...predicted])].sort()
  const perClass = classes.map((c) => {
    let tp = 0
    let fp = 0
    let fn = 0
    for (let i = 0; i < n; i++) {
      if (predicted[i] === c && labelKeys[i] === c) tp++
      else if (predicted[i] === c) fp++
      else if (labelKeys[i] === c) fn++
    }
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp)
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn)
    return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) }
  })
  const mean = (f: (x: (typeof perClass)[number]) => number) => perClass.reduce((s, x) => s + f(x), 0) / perClass.length
  return {
    accuracy: correct / n,
    precision: mean((x) => x.precision),
    recall: mean((x) => x.recall),
    f1: mean((x) => x.f1),
    roc_auc: scores ? rocAuc(labelKeys.map(Number), scores) : null,
  }
}

/** Labels (a table with an id column, a label column and optionally a row column) joined to the log. */
export function qualityReport(
  logged: readonly LoggedPrediction[],
  labels: ColumnTable,
  options: { idColumn: string; labelColumn: string; rowColumn?: string; windowMs: number; task?: QualityTask },
): QualityReport {
  const column = (name: string) => {
    const index = labels.names.indexOf(name)
    if (index === -1) throw invalidParameter(`The labels have no column '${name}'; they have ${labels.names.join(', ')}.`)
    return labels.columns[index]!
  }
  const ids = column(options.idColumn)
  const values = column(options.labelColumn)
  const rows = options.rowColumn !== undefined ? column(options.rowColumn) : undefined
  if (!(options.windowMs > 0)) throw invalidParameter('The window must be longer than zero.')
  // Rows of a request, by id: a label without a row number matches only a one-row request.
  const byId = new Map<string, LoggedPrediction[]>()
  for (const p of logged) {
    let list = byId.get(p.requestId)
    if (!list) byId.set(p.requestId, (list = []))
    list.push(p)
  }
  const matched: { prediction: LoggedPrediction; label: unknown }[] = []
  let unmatched = 0
  let ambiguous = 0
  for (let i = 0; i < labels.rowCount; i++) {
    const label = values[i]
    if (label === null || label === undefined) continue
    const candidates = byId.get(String(ids[i]))
    if (!candidates) {
      unmatched++
      continue
    }
    const row = rows ? Number(rows[i]) : undefined
    const hits = row === undefined ? candidates : candidates.filter((c) => c.row === row)
    if (hits.length !== 1) {
      if (hits.length === 0) unmatched++
      else ambiguous++
      continue
    }
    matched.push({ prediction: hits[0]!, label })
  }
  const task = options.task ?? inferTask(matched.map((m) => m.label))
  const compute = (group: typeof matched) =>
    task === 'regression'
      ? regressionMetrics(group.map((m) => Number(m.label)), group.map((m) => Number(m.prediction.prediction)))
      : classificationMetrics(group.map((m) => m.label), group.map((m) => m.prediction.prediction))
  const windows: QualityWindow[] = []
  if (matched.length > 0) {
    matched.sort((a, b) => a.prediction.timestampMs - b.prediction.timestampMs)
    const origin = Math.floor(matched[0]!.prediction.timestampMs / options.windowMs) * options.windowMs
    let current: typeof matched = []
    let index = 0
    const close = () => {
      if (current.length === 0) return
      const start = origin + index * options.windowMs
      windows.push({ window: index, start: new Date(start).toISOString(), end: new Date(start + options.windowMs).toISOString(), count: current.length, metrics: compute(current) })
      current = []
    }
    for (const m of matched) {
      const at = Math.floor((m.prediction.timestampMs - origin) / options.windowMs)
      if (at !== index) {
        close()
        index = at
      }
      current.push(m)
    }
    close()
  }
  return { task, windows, overall: { count: matched.length, metrics: compute(matched) }, unmatched_labels: unmatched, ambiguous_labels: ambiguous }
}

/** Regression when the labels are numbers with more than two distinct values. */
function inferTask(labels: readonly unknown[]): QualityTask {
  const numeric = labels.every((l) => typeof l === 'number' || typeof l === 'bigint')
  return numeric && new Set(labels.map(Number)).size > 2 ? 'regression' : 'classification'
}
