// Prediction logging for the scoring server: each sampled /invocations request's input rows, outputs,
// request id, model name and version, time and latency, kept as it is logged and written in
// batches, off the request path (encoded on a thread of its own), as Parquet files in
// an artifact store (a folder or S3), one file per flush:
//   <model name>/version=<v>/date=YYYY-MM-DD/predictions-<HHMMSS>-<seq>-<nonce>.parquet
// so the logs scale with the artifact store, not the tracking database. Logging can never fail a
// prediction: a full buffer or a failed write drops rows, counts them, and /metrics shows the count.
import { randomBytes } from 'node:crypto'
import type { ColumnTable } from '../table.ts'
import { ParquetEncoder } from './parquet-encoder.ts'
import type { EncodedFile, LogRecord } from './prediction-batch.ts'
import { outputsFit } from './prediction-batch.ts'

export { LOG_COLUMNS } from './prediction-batch.ts'

/**
 * Where log files go: an ArtifactRepository has this method (writes are atomic there). The body's
 * memory is reused for a later file once the returned promise has resolved, so a sink that keeps
 * the bytes past that must copy them.
 */
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
  /** Encode on a thread of its own (the default), or on the event loop in slices. */
  readonly encodingThread?: boolean
  /** Told when the encoding thread cannot start or dies: encoding goes on, on the event loop. */
  readonly onWarning?: (message: string) => void
}

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

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

export class PredictionLogger {
  /** Rows logged since the last flush: what the next drain must account for, and what starts an early flush. */
  private unflushedRows = 0
  /**
   * Rows logged and not yet written or dropped, whether waiting for a flush or in one still being
   * encoded or written. The buffer bound applies to these, so that an encoder that falls behind (it
   * gives way to scoring) cannot grow without limit.
   */
  private bufferedRows = 0
  private timer: NodeJS.Timeout | undefined
  /** Requests logged and not yet taken into the columns, with the model that answered each. */
  private waiting: { request: LoggedRequest; modelName: string; modelVersion: string }[] = []
  private flushing: Promise<void> = Promise.resolve()
  private sequence = 0
  private closed = false
  private readonly nonce = randomBytes(4).toString('hex')
  private readonly encoder: ParquetEncoder
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
    this.encoder = new ParquetEncoder({
      useWorker: options.encodingThread ?? true,
      onThreadError: (error) => options.onWarning?.(`encoding on the event loop, a slice at a time: the encoding thread failed (${error.message})`),
    })
  }

  /** Whether the files are being encoded on a thread of their own (false when `encodingThread` is false, or the thread could not run). */
  get encodingOnThread(): boolean {
    return this.encoder.threaded
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
   * Queue one answered request. Constant time, and never throws: the request's response does not
   * wait on logging. The request is taken into the log's columns a moment later, together with the
   * others answered in the same turn of the event loop (see takeWaiting), so that requests that
   * arrived together are all answered before any of them is logged. Rows that do not fit the
   * buffer are dropped and counted, and so are outputs that are not one per row.
   */
  log(request: LoggedRequest): void {
    if (this.closed) return
    // The model answering now, not when the request is taken in.
    this.waiting.push({ request, modelName: this.modelName, modelVersion: this.modelVersion })
    if (this.waiting.length === 1) setImmediate(this.takeWaiting)
  }

  /** Takes the requests logged since the last call into the columns (after the poll phase that answered them). */
  private readonly takeWaiting = (): void => {
    if (this.waiting.length === 0) return
    const waiting = this.waiting
    this.waiting = []
    const records: LogRecord[] = []
    for (const { request, modelName, modelVersion } of waiting) {
      const rows = request.input.rowCount
      if (!outputsFit(request.predictions, rows)) {
        this.stats.rowsDropped.bad_output += rows
        continue
      }
      if (this.bufferedRows + rows > this.maxBufferedRows) {
        this.stats.rowsDropped.buffer_full += rows
        continue
      }
      const { requestId, timestampMs, latencyMs, input, predictions } = request
      records.push({ requestId, modelName, modelVersion, timestampMs, latencyMs, rows, names: input.names, columns: input.columns, predictions })
      this.unflushedRows += rows
      this.bufferedRows += rows
      this.stats.requestsLogged++
    }
    if (records.length === 0) return
    this.encoder.append(records)
    if (this.unflushedRows >= this.flushRows) setImmediate(() => void this.flush())
    else this.timer ??= setTimeout(() => void this.flush(), this.flushIntervalMs).unref()
  }

  /** Count a request left out by sampling (for the metrics). */
  countSampledOut(rows: number): void {
    this.stats.rowsDropped.sampled_out += rows
  }

  /** Write everything queued so far; resolves when written (or dropped). Flushes run one at a time. */
  flush(): Promise<void> {
    this.takeWaiting()
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const rows = this.unflushedRows
    this.unflushedRows = 0
    if (rows === 0) return this.flushing
    // Asked now, so that the drain holds exactly the rows logged until now.
    const files = this.encoder.drain()
    this.flushing = this.flushing.then(() => this.write(files, rows))
    return this.flushing
  }

  /** Flush and stop taking rows. */
  async close(): Promise<void> {
    this.closed = true
    const flushed = this.flush()
    // The last drains are encoded at once rather than between requests.
    await this.encoder.close()
    await flushed
  }

  getStats(): PredictionLogStats {
    this.takeWaiting()
    return { ...this.stats, rowsDropped: { ...this.stats.rowsDropped } }
  }

  /** Prometheus lines for the scoring server's /metrics. */
  renderMetrics(): string {
    this.takeWaiting()
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
      '# HELP orchard_prediction_log_buffered_rows Rows logged and not yet written (waiting for a flush, or being encoded or written).',
      '# TYPE orchard_prediction_log_buffered_rows gauge',
      `orchard_prediction_log_buffered_rows ${this.bufferedRows}`,
      '',
    ].join('\n')
  }

  /** Writes a drain's files, then frees its rows' room in the buffer. */
  private async write(drained: Promise<readonly EncodedFile[]>, rows: number): Promise<void> {
    try {
      await this.writeFiles(drained, rows)
    } finally {
      this.bufferedRows -= rows
    }
  }

  /** Names and writes a drain's files; rows it should hold but does not (records it refused as malformed) count as failed. */
  private async writeFiles(drained: Promise<readonly EncodedFile[]>, rows: number): Promise<void> {
    let files: readonly EncodedFile[]
    try {
      files = await drained
    } catch (error) {
      this.fail(rows, error)
      return
    }
    let accounted = 0
    for (const file of files) {
      accounted += file.rows
      if ('error' in file) {
        this.fail(file.rows, new Error(file.error))
        continue
      }
      try {
        const time = new Date(this.now())
        const name = `predictions-${pad(time.getUTCHours())}${pad(time.getUTCMinutes())}${pad(time.getUTCSeconds())}-${pad(++this.sequence, 6)}-${this.nonce}.parquet`
        await this.options.sink.writeArtifact(`${file.folder}/${name}`, file.bytes)
        this.stats.rowsWritten += file.rows
        this.stats.filesWritten++
        // Only after a write that finished: a failed one may still be reading the bytes.
        this.encoder.giveBack(file.bytes)
      } catch (error) {
        this.fail(file.rows, error)
      }
    }
    if (accounted < rows) this.fail(rows - accounted, new Error(`${rows - accounted} logged rows were left out of the prediction log as malformed`))
  }

  private fail(rows: number, error: unknown): void {
    this.stats.rowsDropped.write_failed += rows
    this.options.onError?.(error)
  }
}

/** A request id the caller sent, if it is a sensible one (printable, at most 128 characters). */
export function acceptRequestId(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header
  return value !== undefined && /^[A-Za-z0-9._:@+=/-]{1,128}$/.test(value) ? value : undefined
}
