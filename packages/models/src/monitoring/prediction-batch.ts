// The prediction log's buffer and Parquet encoding, run in the encoding worker (or, if that cannot
// start, on the scoring server's own thread): logged requests are gathered into columns as they
// arrive, one set per (model, version, day), and a drain encodes each set as one Parquet file.
// Nothing here touches the artifact store: the scoring server names and writes the files.
import { parquetWriteBuffer } from 'hyparquet-writer'

/** The columns every logged row carries before the model's inputs and outputs. */
export const LOG_COLUMNS = ['request_id', 'model_name', 'model_version', 'timestamp', 'latency_ms', 'row'] as const

/**
 * One logged request as the scoring server hands it over: plain data that a worker message can
 * carry (structured clone keeps numbers, NaN, bigints, typed arrays and dates as they are).
 */
export interface LogRecord {
  readonly requestId: string
  readonly modelName: string
  readonly modelVersion: string
  readonly timestampMs: number
  readonly latencyMs: number
  readonly rows: number
  readonly names: readonly string[]
  readonly columns: readonly (readonly unknown[])[]
  /** What the model returned: a list (one output per row) or an object of lists. */
  readonly predictions: unknown
}

/** One drained partition: a Parquet file for `<folder>/`, or why it could not be encoded. */
export type EncodedFile =
  | { readonly folder: string; readonly rows: number; readonly bytes: Uint8Array }
  | { readonly folder: string; readonly rows: number; readonly error: string }

const pad = (n: number, width = 2) => String(n).padStart(width, '0')
/** Partition folder names may not hold `/` or start with a dot. */
const pathSegment = (text: string) => text.replace(/[^A-Za-z0-9._=-]/g, '_').replace(/^\.+/, '_') || '_'
const isList = (value: unknown): value is ArrayLike<unknown> => Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))

/** Whether the model returned one output per row (a list, or an object of lists): checked before logging. */
export function outputsFit(predictions: unknown, rows: number): boolean {
  if (isList(predictions)) return predictions.length === rows
  if (typeof predictions === 'object' && predictions !== null) return Object.values(predictions).every((value) => isList(value) && value.length === rows)
  return false
}

/** Output columns named `prediction` (one output) or `prediction.<key>` (an object of outputs). */
function outputColumns(predictions: unknown): [string, ArrayLike<unknown>][] {
  if (isList(predictions)) return [['prediction', predictions]]
  return Object.entries(predictions as Record<string, ArrayLike<unknown>>).map(([key, values]) => [`prediction.${key}`, values])
}

/**
 * One Parquet column from JS values: numbers as DOUBLE, booleans as BOOLEAN, the rest as text
 * (JSON for objects). Absent values are null.
 */
function parquetColumn(name: string, data: unknown[]) {
  let numbers = 0
  let booleans = 0
  let others = 0
  let nulls = 0
  for (const v of data) {
    if (v === null || v === undefined) nulls++
    else if (typeof v === 'number' || typeof v === 'bigint') numbers++
    else if (typeof v === 'boolean') booleans++
    else others++
  }
  if (others === 0 && booleans === 0) {
    // Without nulls, a Float64Array: the writer walks and slices it faster than a list.
    if (nulls > 0) return { name, data: data.map((v) => (v === undefined || v === null ? null : Number(v))), type: 'DOUBLE' as const, nullable: true }
    // (A loop: Float64Array.from with a mapping function is many times slower.)
    const doubles = new Float64Array(data.length)
    for (let i = 0; i < data.length; i++) doubles[i] = Number(data[i])
    return { name, data: doubles, type: 'DOUBLE' as const, nullable: true }
  }
  if (others === 0 && numbers === 0) return { name, data: data.map((v) => (v === undefined ? null : v)), type: 'BOOLEAN' as const, nullable: true }
  return {
    name,
    data: data.map((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v instanceof Date ? v.toISOString() : String(v))),
    type: 'STRING' as const,
    nullable: true,
  }
}

/**
 * The requests of one (model, version, day). They are kept as they arrived and gathered into
 * columns only when encoded, each column allocated once at its final length: appending row by row
 * as requests arrive cost the worker more than the encoding.
 */
class Partition {
  private readonly records: LogRecord[] = []
  rows = 0

  /** Adds the request's rows; a malformed record (which the server never sends) is left out whole. */
  append(record: LogRecord): void {
    const n = record.rows
    if (record.columns.length !== record.names.length || !record.columns.every((column) => isList(column) && column.length >= n) || !outputsFit(record.predictions, n)) return
    this.records.push(record)
    this.rows += n
  }

  /** The file: the log columns, then the union of input columns, then outputs. */
  encode(): Uint8Array {
    const total = this.rows
    const requestIds = new Array<string>(total)
    const modelNames = new Array<string>(total)
    const modelVersions = new Array<string>(total)
    const timestamps = new Float64Array(total)
    const latencies = new Float64Array(total)
    const positions = new Int32Array(total)
    const inputs = new Map<string, unknown[]>()
    const outputs = new Map<string, unknown[]>()
    const column = (target: Map<string, unknown[]>, name: string) => {
      let values = target.get(name)
      // A column some requests lack reads as null in their rows.
      if (!values) target.set(name, (values = new Array<unknown>(total).fill(null)))
      return values
    }
    let start = 0
    for (const record of this.records) {
      const n = record.rows
      const end = start + n
      requestIds.fill(record.requestId, start, end)
      modelNames.fill(record.modelName, start, end)
      modelVersions.fill(record.modelVersion, start, end)
      timestamps.fill(Math.trunc(record.timestampMs), start, end)
      latencies.fill(record.latencyMs, start, end)
      for (let r = 0; r < n; r++) positions[start + r] = r
      record.names.forEach((name, c) => copyInto(column(inputs, inputName(name)), record.columns[c]!, start, n))
      for (const [name, values] of outputColumns(record.predictions)) copyInto(column(outputs, name), values, start, n)
      start = end
    }
    const columnData = [
      // The log's own columns are never null: REQUIRED columns skip definition levels.
      { name: 'request_id', data: requestIds, type: 'STRING' as const, nullable: false },
      { name: 'model_name', data: modelNames, type: 'STRING' as const, nullable: false },
      { name: 'model_version', data: modelVersions, type: 'STRING' as const, nullable: false },
      // Milliseconds as numbers, not Date objects: the writer would convert each Date again for statistics.
      { name: 'timestamp', data: timestamps, type: 'TIMESTAMP' as const, nullable: false },
      { name: 'latency_ms', data: latencies, type: 'DOUBLE' as const, nullable: false },
      { name: 'row', data: positions, type: 'INT32' as const, nullable: false },
      ...[...inputs].map(([name, data]) => parquetColumn(name, data)),
      ...[...outputs].map(([name, data]) => parquetColumn(name, data)),
    ]
    return new Uint8Array(parquetWriteBuffer({ columnData }))
  }
}

function copyInto(target: unknown[], values: ArrayLike<unknown>, start: number, n: number): void {
  for (let r = 0; r < n; r++) target[start + r] = values[r] ?? null
}

const RESERVED = new Set<string>(LOG_COLUMNS)
/** An input column keeps its name unless it clashes with a log or output column. */
const inputName = (name: string) => (RESERVED.has(name) || name.startsWith('prediction') ? `input.${name}` : name)

/** The folder of a record's file: `<model>/version=<v>/date=YYYY-MM-DD` (UTC). */
export function partitionOf(record: Pick<LogRecord, 'modelName' | 'modelVersion' | 'timestampMs'>): string {
  const date = new Date(record.timestampMs)
  return `${pathSegment(record.modelName)}/version=${pathSegment(record.modelVersion)}/date=${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`
}

/** Logged requests waiting for the next flush, already in columns. */
export class PredictionBatches {
  private partitions = new Map<string, Partition>()

  append(records: readonly LogRecord[]): void {
    for (const record of records) {
      const folder = partitionOf(record)
      let partition = this.partitions.get(folder)
      if (!partition) this.partitions.set(folder, (partition = new Partition()))
      partition.append(record)
    }
  }

  /** Everything appended so far, one file per partition; the buffer starts empty again. */
  drain(): EncodedFile[] {
    const partitions = this.partitions
    this.partitions = new Map()
    return [...partitions].map(([folder, partition]) => {
      try {
        return { folder, rows: partition.rows, bytes: partition.encode() }
      } catch (error) {
        return { folder, rows: partition.rows, error: error instanceof Error ? error.message : String(error) }
      }
    })
  }
}
