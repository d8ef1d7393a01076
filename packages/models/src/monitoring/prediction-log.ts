// Prediction logging for the scoring server: each sampled /invocations request's input rows, outputs,
// request id, model name and version, time and latency, kept in memory and written in batches, off
// the request path, as Parquet files in an artifact store (a folder or S3), one file per flush:
//   <model name>/version=<v>/date=YYYY-MM-DD/predictions-<HHMMSS>-<seq>-<nonce>.parquet
// so the logs scale with the artifact store, not the tracking database. Logging can never fail a
// prediction: a full buffer or a failed write drops rows, counts them, and /metrics shows the count.
import { randomBytes } from 'node:crypto'
import type { ColumnTable } from '../table.ts'
import { ParquetEncoder } from './parquet-encoder.ts'

/** Where log files go: an ArtifactRepository has this method (writes are atomic there). */
export interface PredictionLogSink {
  writeArtifact(path: string, body: Uint8Array): Promise<void>
}

export interface PredictionLoggerOptions {
  readonly sink: PredictionLogSink
  readonly modelName: string
  readonly modelVersion: string
  /** Share of requests logged, in [0, 1]. */
  readonly sampleRate?: number
  /** A flush runs at least this often while rows wait (what a crash can lose). */
  readonly flushIntervalMs?: number
  /** A flush starts early once this many rows wait. */
  readonly flushRows?: number
  /** Rows held at most; beyond it new requests are dropped (and counted) until a flush frees room. */
  readonly maxBufferedRows?: number
  readonly random?: () => number
  readonly now?: () => number
  /** Told about write failures (never thrown). */
  readonly onError?: (error: unknown) => void
}

/** The columns every logged row carries before the model's inputs and outputs. */
export const LOG_COLUMNS = ['request_id', 'model_name', 'model_version', 'timestamp', 'latency_ms', 'row'] as const

export interface LoggedRequest {
  readonly requestId: string
  readonly timestampMs: number
  readonly latencyMs: number
  readonly input: ColumnTable
  /** What the model returned: a list (one output per row) or an object of lists. */
  readonly predictions: unknown
}

export interface PredictionLogStats {
  readonly requestsLogged: number
  readonly rowsWritten: number
  readonly filesWritten: number
  readonly rowsDropped: Readonly<Record<'sampled_out' | 'buffer_full' | 'write_failed' | 'bad_output', number>>
}

interface Pending extends LoggedRequest {
  readonly modelName: string
  readonly modelVersion: string
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')
/** Partition folder names may not hold `/` or start with a dot. */
const pathSegment = (text: string) => text.replace(/[^A-Za-z0-9._=-]/g, '_').replace(/^\.+/, '_') || '_'

/** Output columns named `prediction` (one output) or `prediction.<key>` (an object of outputs). */
function outputColumns(predictions: unknown, rows: number): [string, unknown[]][] | undefined {
  if (Array.isArray(predictions) || ArrayBuffer.isView(predictions)) {
    const column = Array.from(predictions as ArrayLike<unknown>)
    return column.length === rows ? [['prediction', column]] : undefined
  }
  if (typeof predictions === 'object' && predictions !== null) {
    const entries = Object.entries(predictions).map(([key, value]) => [`prediction.${key}`, Array.from(value as ArrayLike<unknown>)] as [string, unknown[]])
    return entries.every(([, column]) => column.length === rows) ? entries : undefined
  }
  return undefined
}

/** One Parquet column from JS values: numbers as DOUBLE, booleans as BOOLEAN, the rest as text (JSON for objects). */
function parquetColumn(name: string, data: unknown[]) {
  let numbers = 0
  let booleans = 0
  let others = 0
  for (const v of data) {
    if (v === null || v === undefined) continue
    if (typeof v === 'number' || typeof v === 'bigint') numbers++
    else if (typeof v === 'boolean') booleans++
    else others++
  }
  if (others === 0 && booleans === 0) return { name, data: data.map((v) => (v === undefined || v === null ? null : Number(v))), type: 'DOUBLE' as const, nullable: true }
  if (others === 0 && numbers === 0) return { name, data: data.map((v) => (v === undefined ? null : v)), type: 'BOOLEAN' as const, nullable: true }
  return {
    name,
    data: data.map((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v instanceof Date ? v.toISOString() : String(v))),
    type: 'STRING' as const,
    nullable: true,
  }
}

export class PredictionLogger {
  private pending: Pending[] = []
  private pendingRows = 0
  private timer: NodeJS.Timeout | undefined
  private flushing: Promise<void> = Promise.resolve()
  private sequence = 0
  private closed = false
  private readonly nonce = randomBytes(4).toString('hex')
  private readonly encoder = new ParquetEncoder()
  private modelName: string
  private modelVersion: string
  private readonly stats = { requestsLogged: 0, rowsWritten: 0, filesWritten: 0, rowsDropped: { sampled_out: 0, buffer_full: 0, write_failed: 0, bad_output: 0 } }
  private readonly sampleRate: number
  private readonly flushIntervalMs: number
  private readonly flushRows: number
  private readonly maxBufferedRows: number
  private readonly random: () => number
  private readonly now: () => number

  constructor(private readonly options: PredictionLoggerOptions) {
    this.modelName = options.modelName
    this.modelVersion = options.modelVersion
    this.sampleRate = options.sampleRate ?? 1
    if (!(this.sampleRate >= 0 && this.sampleRate <= 1)) throw new RangeError(`the sample rate must be in [0, 1], got ${this.sampleRate}`)
    this.flushIntervalMs = options.flushIntervalMs ?? 10_000
    this.flushRows = options.flushRows ?? 50_000
    this.maxBufferedRows = options.maxBufferedRows ?? 500_000
    this.random = options.random ?? Math.random
    this.now = options.now ?? Date.now
  }

  /** The model now answering: rows logged from here on carry this name and version. */
  setModel(name: string, version: string): void {
    this.modelName = name
    this.modelVersion = version
  }

  /** Whether this request should be logged (decided before the work of capturing it). */
  sample(): boolean {
    return this.sampleRate >= 1 || this.random() < this.sampleRate
  }

  /**
   * Queue one answered request. O(1) and never throws: the request's response does not wait on
   * logging. Rows that do not fit the buffer are dropped and counted.
   */
  log(request: LoggedRequest): void {
    const rows = request.input.rowCount
    if (this.closed) return
    if (this.pendingRows + rows > this.maxBufferedRows) {
      this.stats.rowsDropped.buffer_full += rows
      return
    }
    this.pending.push({ ...request, modelName: this.modelName, modelVersion: this.modelVersion })
    this.pendingRows += rows
    this.stats.requestsLogged++
    if (this.pendingRows >= this.flushRows) setImmediate(() => void this.flush())
    else this.timer ??= setTimeout(() => void this.flush(), this.flushIntervalMs).unref()
  }

  /** Count a request left out by sampling (for the metrics). */
  countSampledOut(rows: number): void {
    this.stats.rowsDropped.sampled_out += rows
  }

  /** Write everything queued so far; resolves when written (or dropped). Flushes run one at a time. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const batch = this.pending
    this.pending = []
    this.pendingRows = 0
    if (batch.length === 0) return this.flushing
    this.flushing = this.flushing.then(() => this.write(batch))
    return this.flushing
  }

  /** Flush and stop taking rows. */
  async close(): Promise<void> {
    await this.flush()
    this.closed = true
    await this.encoder.close()
  }

  getStats(): PredictionLogStats {
    return { ...this.stats, rowsDropped: { ...this.stats.rowsDropped } }
  }

  /** Prometheus lines for the scoring server's /metrics. */
  renderMetrics(): string {
    const s = this.stats
    return [
      '# HELP orchard_prediction_log_rows_total Prediction rows written to the prediction log.',
      '# TYPE orchard_prediction_log_rows_total counter',
      `orchard_prediction_log_rows_total ${s.rowsWritten}`,
      '# HELP orchard_prediction_log_files_total Parquet files written to the prediction log.',
      '# TYPE orchard_prediction_log_files_total counter',
      `orchard_prediction_log_files_total ${s.filesWritten}`,
      '# HELP orchard_prediction_log_dropped_rows_total Prediction rows not logged, by reason.',
      '# TYPE orchard_prediction_log_dropped_rows_total counter',
      ...Object.entries(s.rowsDropped).map(([reason, count]) => `orchard_prediction_log_dropped_rows_total{reason="${reason}"} ${count}`),
      '# HELP orchard_prediction_log_buffered_rows Rows waiting for the next flush.',
      '# TYPE orchard_prediction_log_buffered_rows gauge',
      `orchard_prediction_log_buffered_rows ${this.pendingRows}`,
      '',
    ].join('\n')
  }

  private async write(batch: Pending[]): Promise<void> {
    // One file per (model version, day) within the batch.
    const groups = new Map<string, Pending[]>()
    for (const request of batch) {
      const date = new Date(request.timestampMs)
      const key = `${pathSegment(request.modelName)}/version=${pathSegment(request.modelVersion)}/date=${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`
      let group = groups.get(key)
      if (!group) groups.set(key, (group = []))
      group.push(request)
    }
    for (const [folder, requests] of groups) {
      let rows = 0
      for (const r of requests) rows += r.input.rowCount
      try {
        const bytes = await this.encode(requests)
        if (!bytes) continue
        // From here on, only the rows the file holds can be lost (bad outputs were counted apart).
        rows = bytes.rows
        const time = new Date(this.now())
        const name = `predictions-${pad(time.getUTCHours())}${pad(time.getUTCMinutes())}${pad(time.getUTCSeconds())}-${pad(++this.sequence, 6)}-${this.nonce}.parquet`
        await this.options.sink.writeArtifact(`${folder}/${name}`, bytes)
        this.stats.rowsWritten += bytes.rows
        this.stats.filesWritten++
      } catch (error) {
        this.stats.rowsDropped.write_failed += rows
        this.options.onError?.(error)
      }
    }
  }

  /** The requests as one Parquet file: the log columns, then the union of input columns, then outputs. */
  private async encode(requests: Pending[]): Promise<(Uint8Array & { rows: number }) | undefined> {
    const meta: unknown[][] = LOG_COLUMNS.map(() => [])
    const inputs = new Map<string, unknown[]>()
    const outputs = new Map<string, unknown[]>()
    let total = 0
    const reserved = new Set<string>([...LOG_COLUMNS])
    for (const request of requests) {
      const n = request.input.rowCount
      const predicted = outputColumns(request.predictions, n)
      if (!predicted) {
        this.stats.rowsDropped.bad_output += n
        continue
      }
      for (let r = 0; r < n; r++) {
        meta[0]!.push(request.requestId)
        meta[1]!.push(request.modelName)
        meta[2]!.push(request.modelVersion)
        meta[3]!.push(new Date(request.timestampMs))
        meta[4]!.push(request.latencyMs)
        meta[5]!.push(r)
      }
      const append = (target: Map<string, unknown[]>, name: string, values: readonly unknown[]) => {
        let column = target.get(name)
        if (!column) target.set(name, (column = new Array<unknown>(total).fill(null)))
        for (let r = 0; r < n; r++) column.push(values[r] ?? null)
      }
      request.input.names.forEach((name, c) => append(inputs, reserved.has(name) || name.startsWith('prediction') ? `input.${name}` : name, request.input.columns[c]!))
      for (const [name, values] of predicted) append(outputs, name, values)
      total += n
      for (const column of [...inputs.values(), ...outputs.values()]) while (column.length < total) column.push(null)
    }
    if (total === 0) return undefined
    const columnData = [
      { name: 'request_id', data: meta[0]!, type: 'STRING' as const },
      { name: 'model_name', data: meta[1]!, type: 'STRING' as const },
      { name: 'model_version', data: meta[2]!, type: 'STRING' as const },
      { name: 'timestamp', data: meta[3]!, type: 'TIMESTAMP' as const },
      { name: 'latency_ms', data: meta[4]!, type: 'DOUBLE' as const },
      { name: 'row', data: meta[5]!, type: 'INT32' as const },
      ...[...inputs].map(([name, data]) => parquetColumn(name, data)),
      ...[...outputs].map(([name, data]) => parquetColumn(name, data)),
    ]
    const bytes = (await this.encoder.encode(columnData)) as Uint8Array & { rows: number }
    bytes.rows = total
    return bytes
  }
}

/** A request id the caller sent, if it is a sensible one (printable, at most 128 characters). */
export function acceptRequestId(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header
  return value !== undefined && /^[A-Za-z0-9._:@+=/-]{1,128}$/.test(value) ? value : undefined
}
