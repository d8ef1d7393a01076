// The prediction log's buffer and Parquet encoding: logged requests are gathered into compact
// columns as they arrive, one set per (model, version, day), and a drain encodes each set as one
// Parquet file, a step at a time (see log-parquet.ts), so that the scoring server can run it
// between requests. Nothing here touches the artifact store: the scoring server names and writes
// the files.
import { Scratch, TextList, ValueColumn, columnMemory, encodeLogFileSteps, finish, grown, inSteps, textListMemory } from './log-parquet.ts'
import type { Steps, TextListParts, ValueColumnParts } from './log-parquet.ts'

/** The columns every logged row carries before the model's inputs and outputs. */
export const LOG_COLUMNS = ['request_id', 'model_name', 'model_version', 'timestamp', 'latency_ms', 'row'] as const

/** One logged request as the scoring server hands it over (its values are read when its file is encoded). */
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

/** A partition as a message to the encoding thread carries it (see Partition.parts). */
export interface PartitionParts {
  readonly folder: string
  readonly rows: number
  readonly requestIds: TextListParts
  readonly modelNames: TextListParts
  readonly modelVersions: TextListParts
  readonly timestamps: Float64Array
  readonly latencies: Float64Array
  readonly counts: Int32Array
  readonly inputs: readonly (ValueColumnParts & { readonly name: string })[]
  readonly outputs: readonly (ValueColumnParts & { readonly name: string })[]
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

/** A growable typed array: its bytes lie outside the JavaScript heap. */
class Numbers<A extends Float64Array | Int32Array> {
  constructor(
    private array: A,
    public length = 0,
  ) {}

  push(value: number): void {
    if (this.length === this.array.length) this.array = grown(this.array, this.length, this.length + 1)
    this.array[this.length++] = value
  }

  values(): A {
    return this.array.subarray(0, this.length) as A
  }
}

/**
 * The requests of one (model, version, day), gathered into compact columns as they are logged (see
 * ValueColumn), so that nothing of a request's parsed body outlives it; a drain encodes them.
 */
class Partition {
  rows = 0
  // Texts as UTF-8 (TextList), so that a drain moves them to the encoding thread without a copy.
  private readonly requestIds: TextList = new TextList()
  private readonly modelNames: TextList = new TextList()
  private readonly modelVersions: TextList = new TextList()
  private readonly timestamps = new Numbers<Float64Array>(new Float64Array(64))
  private readonly latencies = new Numbers<Float64Array>(new Float64Array(64))
  private readonly counts = new Numbers<Int32Array>(new Int32Array(64))
  private readonly inputs = new Map<string, ValueColumn>()
  private readonly outputs = new Map<string, ValueColumn>()

  /** `spare` holds emptied columns, to be used again; `parts` is another thread's partition, moved in a message. */
  constructor(
    private readonly spare: ValueColumn[],
    parts?: PartitionParts,
  ) {
    if (!parts) return
    this.rows = parts.rows
    this.requestIds = TextList.fromParts(parts.requestIds)
    this.modelNames = TextList.fromParts(parts.modelNames)
    this.modelVersions = TextList.fromParts(parts.modelVersions)
    this.timestamps = new Numbers(parts.timestamps, parts.timestamps.length)
    this.latencies = new Numbers(parts.latencies, parts.latencies.length)
    this.counts = new Numbers(parts.counts, parts.counts.length)
    for (const column of parts.inputs) this.inputs.set(column.name, ValueColumn.fromParts(column))
    for (const column of parts.outputs) this.outputs.set(column.name, ValueColumn.fromParts(column))
  }

  /** What a message carries of this partition; `transfer` gets the memory that moves with it (the partition is unusable after). */
  parts(folder: string, transfer: ArrayBuffer[]): PartitionParts {
    const column = ([name, values]: [string, ValueColumn]) => {
      const parts = values.parts()
      transfer.push(...columnMemory(parts))
      return { name, ...parts }
    }
    const texts = (list: TextList) => {
      const parts = list.parts()
      transfer.push(...textListMemory(parts))
      return parts
    }
    return {
      folder,
      rows: this.rows,
      requestIds: texts(this.requestIds),
      modelNames: texts(this.modelNames),
      modelVersions: texts(this.modelVersions),
      // Small (one value a request): copied.
      timestamps: this.timestamps.values().slice(),
      latencies: this.latencies.values().slice(),
      counts: this.counts.values().slice(),
      inputs: [...this.inputs].map(column),
      outputs: [...this.outputs].map(column),
    }
  }

  /** Adds the request's rows; a malformed record (which the server never sends) is left out whole. */
  append(record: LogRecord): void {
    const n = record.rows
    if (record.columns.length !== record.names.length || !record.columns.every((column) => isList(column) && column.length >= n) || !outputsFit(record.predictions, n)) return
    this.requestIds.push(record.requestId)
    this.modelNames.push(record.modelName)
    this.modelVersions.push(record.modelVersion)
    this.timestamps.push(Math.trunc(record.timestampMs))
    this.latencies.push(record.latencyMs)
    this.counts.push(n)
    record.names.forEach((name, c) => this.column(this.inputs, inputName(name)).append(record.columns[c]!, n, this.rows))
    for (const [name, values] of outputColumns(record.predictions)) this.column(this.outputs, name).append(values, n, this.rows)
    this.rows += n
  }

  /** The file: the log columns, then the union of input columns, then outputs. Its columns are spare afterwards. */
  *encode(s: Scratch): Steps<Uint8Array> {
    const total = this.rows
    const counts = this.counts.values()
    // Each row's position in its request.
    const positions = s.int32('positions', total)
    let at = 0
    yield* inSteps(counts.length, (from, to) => {
      for (let i = from; i < to; i++) for (let r = 0; r < counts[i]!; r++) positions[at++] = r
    })
    // The log's own columns hold one value per request, written as runs, and are never null
    // (REQUIRED); inputs and outputs may be null.
    const requestIds = yield* this.requestIds.stringSteps()
    const modelNames = yield* this.modelNames.stringSteps()
    const modelVersions = yield* this.modelVersions.stringSteps()
    const file = yield* encodeLogFileSteps(
      total,
      [
        { name: 'request_id', kind: 'runs', physical: 'BYTE_ARRAY', converted: 'UTF8', values: requestIds, counts },
        { name: 'model_name', kind: 'runs', physical: 'BYTE_ARRAY', converted: 'UTF8', values: modelNames, counts },
        { name: 'model_version', kind: 'runs', physical: 'BYTE_ARRAY', converted: 'UTF8', values: modelVersions, counts },
        { name: 'timestamp', kind: 'runs', physical: 'INT64', converted: 'TIMESTAMP_MILLIS', values: this.timestamps.values(), counts },
        { name: 'latency_ms', kind: 'runs', physical: 'DOUBLE', values: this.latencies.values(), counts },
        { name: 'row', kind: 'positions', values: positions },
        ...[...this.inputs, ...this.outputs].map(([name, values]) => ({ name, kind: 'values' as const, values })),
      ],
      s,
    )
    for (const column of [...this.inputs.values(), ...this.outputs.values()]) {
      if (this.spare.length >= MAX_SPARE_COLUMNS) break
      column.clear()
      this.spare.push(column)
    }
    return file
  }

  /** The column of this name, made (or taken from the spares) on first use. */
  private column(columns: Map<string, ValueColumn>, name: string): ValueColumn {
    let values = columns.get(name)
    if (!values) columns.set(name, (values = this.spare.pop() ?? new ValueColumn()))
    return values
  }
}

/** Emptied columns kept for the next partitions at most (a model has a few dozen, as a rule). */
const MAX_SPARE_COLUMNS = 256

const RESERVED = new Set<string>(LOG_COLUMNS)
/** An input column keeps its name unless it clashes with a log or output column. */
const inputName = (name: string) => (RESERVED.has(name) || name.startsWith('prediction') ? `input.${name}` : name)

/** The folder of a record's file: `<model>/version=<v>/date=YYYY-MM-DD` (UTC). */
export function partitionOf(record: Pick<LogRecord, 'modelName' | 'modelVersion' | 'timestampMs'>): string {
  const date = new Date(record.timestampMs)
  return `${pathSegment(record.modelName)}/version=${pathSegment(record.modelVersion)}/date=${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`
}

/**
 * Logged requests waiting for the next flush, already in columns. Its drains reuse one set of
 * buffers (and the columns of the partitions they encode), so they must run one after another.
 */
export class PredictionBatches {
  private partitions = new Map<string, Partition>()
  private readonly scratch = new Scratch()
  private readonly spare: ValueColumn[] = []

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
      if (!partition) this.partitions.set(folder, (partition = new Partition(this.spare)))
      this.last = { modelName: record.modelName, modelVersion: record.modelVersion, day, partition }
      partition.append(record)
    }
  }

  /** Everything appended so far, one file per partition; the buffer starts empty again. */
  drain(): EncodedFile[] {
    return finish(this.drainSteps())
  }

  /** Takes back a drained file's bytes once written, for the next files (see Scratch.giveBack). */
  giveBack(file: Uint8Array): void {
    this.scratch.giveBack(file)
  }

  /** `drain`, encoded a step at a time: the buffer is emptied now, and the steps encode what it held. */
  drainSteps(): Steps<EncodedFile[]> {
    return encodePartitions(this.takePartitions(), this.scratch)
  }

  /**
   * Everything appended so far, as a message to the encoding thread carries it (see
   * `encodePartitionParts`); `transfer` lists the memory that moves with it. The buffer starts empty.
   */
  take(): { partitions: PartitionParts[]; transfer: ArrayBuffer[] } {
    const transfer: ArrayBuffer[] = []
    const partitions = [...this.takePartitions()].map(([folder, partition]) => partition.parts(folder, transfer))
    return { partitions, transfer }
  }

  /** The files of partitions taken for another thread that never got them, encoded here after all. */
  encodeParts(partitions: readonly PartitionParts[]): EncodedFile[] {
    const { files, columns } = encodePartitionParts(partitions, this.scratch)
    this.adoptColumns(columns)
    return files
  }

  /** Emptied columns that the encoding thread sent back, for the next partitions. */
  adoptColumns(columns: readonly ValueColumnParts[]): void {
    for (const parts of columns) {
      if (this.spare.length >= MAX_SPARE_COLUMNS) break
      this.spare.push(ValueColumn.fromParts({ ...parts, texts: { ...parts.texts, length: 0 }, length: 0 }))
    }
  }

  private takePartitions(): Map<string, Partition> {
    const partitions = this.partitions
    this.partitions = new Map()
    this.last = undefined
    return partitions
  }
}

/**
 * The encoding thread's side of `take`: the files of the partitions another thread gathered, and
 * their emptied columns (`columns`, with `transfer` listing their memory) to send back for reuse.
 */
export function encodePartitionParts(all: readonly PartitionParts[], s: Scratch): { files: EncodedFile[]; columns: ValueColumnParts[]; transfer: ArrayBuffer[] } {
  const spare: ValueColumn[] = []
  const files = finish(encodePartitions(new Map(all.map((parts) => [parts.folder, new Partition(spare, parts)])), s))
  const transfer: ArrayBuffer[] = []
  for (const file of files) {
    if (!('bytes' in file)) continue
    s.release(file.bytes)
    transfer.push(file.bytes.buffer as ArrayBuffer)
  }
  const columns = spare.map((column) => {
    const parts = column.parts()
    transfer.push(...columnMemory(parts))
    return parts
  })
  return { files, columns, transfer }
}

function* encodePartitions(partitions: ReadonlyMap<string, Partition>, s: Scratch): Steps<EncodedFile[]> {
  const files: EncodedFile[] = []
  for (const [folder, partition] of partitions) {
    try {
      files.push({ folder, rows: partition.rows, bytes: yield* partition.encode(s) })
    } catch (error) {
      files.push({ folder, rows: partition.rows, error: error instanceof Error ? error.message : String(error) })
    }
  }
  return files
}
