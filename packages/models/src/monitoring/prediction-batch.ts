// The prediction log's buffer and Parquet encoding, run in the encoding worker (or, if that cannot
// start, on the scoring server's own thread): logged requests are gathered into columns as they
// arrive, one set per (model, version, day), and a drain encodes each set as one Parquet file.
// Nothing here touches the artifact store: the scoring server names and writes the files.
import { encodeLogFile } from './log-parquet.ts'

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
const DAY_MS = 86_400_000
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
    const requests = this.records.length
    // The log's own columns hold one value per request: kept per request, written as runs.
    const counts = new Int32Array(requests)
    const requestIds = new Array<string>(requests)
    const modelNames = new Array<string>(requests)
    const modelVersions = new Array<string>(requests)
    const timestamps = new Array<number>(requests)
    const latencies = new Array<number>(requests)
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
    this.records.forEach((record, i) => {
      const n = record.rows
      counts[i] = n
      requestIds[i] = record.requestId
      modelNames[i] = record.modelName
      modelVersions[i] = record.modelVersion
      timestamps[i] = Math.trunc(record.timestampMs)
      latencies[i] = record.latencyMs
      for (let r = 0; r < n; r++) positions[start + r] = r
      record.names.forEach((name, c) => copyInto(column(inputs, inputName(name)), record.columns[c]!, start, n))
      for (const [name, values] of outputColumns(record.predictions)) copyInto(column(outputs, name), values, start, n)
      start += n
    })
    // The log's own columns are never null (REQUIRED); inputs and outputs may be.
    return encodeLogFile(total, [
      { name: 'request_id', kind: 'runs', physical: 'BYTE_ARRAY', converted: 'UTF8', values: requestIds, counts },
      { name: 'model_name', kind: 'runs', physical: 'BYTE_ARRAY', converted: 'UTF8', values: modelNames, counts },
      { name: 'model_version', kind: 'runs', physical: 'BYTE_ARRAY', converted: 'UTF8', values: modelVersions, counts },
      { name: 'timestamp', kind: 'runs', physical: 'INT64', converted: 'TIMESTAMP_MILLIS', values: timestamps, counts },
      { name: 'latency_ms', kind: 'runs', physical: 'DOUBLE', values: latencies, counts },
      { name: 'row', kind: 'positions', values: positions },
      ...[...inputs, ...outputs].map(([name, values]) => ({ name, kind: 'values' as const, values })),
    ])
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

  /** The last record's partition: requests arrive in time order, mostly for one model version. */
  private last: { modelName: string; modelVersion: string; day: number; partition: Partition } | undefined

  append(records: readonly LogRecord[]): void {
    for (const record of records) {
      const day = Math.floor(record.timestampMs / DAY_MS)
      const last = this.last
      if (last && record.modelName === last.modelName && record.modelVersion === last.modelVersion && day === last.day) {
        last.partition.append(record)
        continue
      }
      const folder = partitionOf(record)
      let partition = this.partitions.get(folder)
      if (!partition) this.partitions.set(folder, (partition = new Partition()))
      this.last = { modelName: record.modelName, modelVersion: record.modelVersion, day, partition }
      partition.append(record)
    }
  }

  /** Everything appended so far, one file per partition; the buffer starts empty again. */
  drain(): EncodedFile[] {
    const partitions = this.partitions
    this.partitions = new Map()
    this.last = undefined
    return [...partitions].map(([folder, partition]) => {
      try {
        return { folder, rows: partition.rows, bytes: partition.encode() }
      } catch (error) {
        return { folder, rows: partition.rows, error: error instanceof Error ? error.message : String(error) }
      }
    })
  }
}
