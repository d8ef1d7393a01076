// A Parquet writer made for the prediction log's shape, which the general writer (hyparquet-writer)
// encoded at about 2 µs a row: as much CPU as scoring the row, on the cores the server answers from.
// The log's own columns (request id, model, version, time, latency) hold one value per request, so
// they are written as a dictionary and one run per request, without touching each row; numbers are
// written PLAIN from a Float64Array's bytes (or as a dictionary while few are distinct); text inputs
// go through one dictionary lookup a value.
// Pages are not compressed: random doubles do not shrink, and dictionary indices are bit-packed.
// One row group, one data page (v1) per column. Checked by tests with two readers: hyparquet and
// arrow-rs (parquet-wasm).

import { Buffer } from 'node:buffer'

const MAGIC = [0x50, 0x41, 0x52, 0x31] // "PAR1"
/** A text column whose distinct values outgrow these bounds is written PLAIN instead. */
const MAX_DICTIONARY_ENTRIES = 1 << 16
const MAX_DICTIONARY_BYTES = 1 << 20
/** A number column with more distinct values than this is written PLAIN. */
const MAX_DOUBLE_ENTRIES = 4096
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
const utf8 = new TextEncoder()

// Parquet's thrift enums, as numbered in parquet.thrift.
const TYPE = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const
const CONVERTED = { UTF8: 0, TIMESTAMP_MILLIS: 9 } as const
const REPETITION = { REQUIRED: 0, OPTIONAL: 1 } as const
const ENCODING = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const
const PAGE = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const

type Physical = keyof typeof TYPE

/** A growable byte buffer. */
class Bytes {
  buffer = new Uint8Array(1 << 16)
  view = new DataView(this.buffer.buffer)
  length = 0

  reserve(more: number): void {
    if (this.length + more <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < this.length + more) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buffer.subarray(0, this.length))
    this.buffer = next
    this.view = new DataView(next.buffer)
  }

  byte(value: number): void {
    this.reserve(1)
    this.buffer[this.length++] = value
  }

  bytes(value: Uint8Array): void {
    this.reserve(value.length)
    this.buffer.set(value, this.length)
    this.length += value.length
  }

  int32(value: number): void {
    this.reserve(4)
    this.view.setInt32(this.length, value, true)
    this.length += 4
  }

  float64(value: number): void {
    this.reserve(8)
    this.view.setFloat64(this.length, value, true)
    this.length += 8
  }

  int64(value: number): void {
    this.reserve(8)
    this.view.setBigInt64(this.length, BigInt(value), true)
    this.length += 8
  }

  /** Unsigned LEB128, for numbers up to 2^53. */
  varint(value: number): void {
    while (value >= 0x80) {
      this.byte((value % 0x80) | 0x80)
      value = Math.floor(value / 0x80)
    }
    this.byte(value)
  }

  /** A string as PLAIN BYTE_ARRAY: its UTF-8 length as a 4-byte integer, then the bytes. */
  text(value: string): number {
    this.reserve(4 + value.length * 3)
    const { written } = utf8.encodeInto(value, this.buffer.subarray(this.length + 4))
    this.view.setInt32(this.length, written, true)
    this.length += 4 + written
    return written
  }

  /** UTF-8 bytes, after their length as a 4-byte integer (PLAIN BYTE_ARRAY). */
  lengthPrefixed(text: Uint8Array): void {
    this.int32(text.length)
    this.bytes(text)
  }

  result(): Uint8Array {
    return this.buffer.subarray(0, this.length)
  }
}

/** Thrift's compact protocol, the few parts Parquet's metadata uses. */
class Thrift {
  private readonly last: number[] = [0]
  constructor(readonly out: Bytes) {}

  private field(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1]!
    if (delta > 0 && delta <= 15) this.out.byte((delta << 4) | type)
    else {
      this.out.byte(type)
      this.out.varint(zigzag(id))
    }
    this.last[this.last.length - 1] = id
  }

  i32(id: number, value: number): this {
    this.field(id, 5)
    this.out.varint(zigzag(value))
    return this
  }

  i64(id: number, value: number): this {
    this.field(id, 6)
    this.out.varint(zigzag(value))
    return this
  }

  binary(id: number, value: Uint8Array): this {
    this.field(id, 8)
    this.out.varint(value.length)
    this.out.bytes(value)
    return this
  }

  string(id: number, value: string): this {
    return this.binary(id, utf8.encode(value))
  }

  struct(id: number, body: (t: this) => void): this {
    this.field(id, 12)
    this.last.push(0)
    body(this)
    this.out.byte(0)
    this.last.pop()
    return this
  }

  /** A list of structs (`each` writes one element's fields) or of i32 / strings. */
  list<T>(id: number, items: readonly T[], element: 'struct' | 'i32' | 'string', each?: (t: this, item: T) => void): this {
    this.field(id, 9)
    const type = element === 'struct' ? 12 : element === 'i32' ? 5 : 8
    if (items.length < 15) this.out.byte((items.length << 4) | type)
    else {
      this.out.byte(0xf0 | type)
      this.out.varint(items.length)
    }
    for (const item of items) {
      if (element === 'i32') this.out.varint(zigzag(item as number))
      else if (element === 'string') {
        const bytes = utf8.encode(item as string)
        this.out.varint(bytes.length)
        this.out.bytes(bytes)
      } else {
        this.last.push(0)
        each!(this, item)
        this.out.byte(0)
        this.last.pop()
      }
    }
    return this
  }
}

const zigzag = (n: number) => (n >= 0 ? n * 2 : -n * 2 - 1)
const bitWidth = (max: number) => (max <= 0 ? 0 : 32 - Math.clz32(max))

/** Values waiting to be bit-packed (reused: a drain runs one file at a time). */
let pending = new Int32Array(1 << 12)

/**
 * Parquet's RLE / bit-packed hybrid: runs of 8 or more equal values as one RLE run, the rest
 * bit-packed in groups of 8 (a run starts only at a group's boundary). Values must fit `width`
 * bits, 1–24. With `counts`, `values[i]` stands for `counts[i]` rows, so that a column holding one
 * value per request is encoded without expanding it to rows.
 */
function hybrid(out: Bytes, width: number, values: ArrayLike<number>, length: number, counts?: ArrayLike<number>): void {
  // (The packing below shifts 32-bit integers: a value and 7 pending bits must fit in 31 bits.)
  if (width > 24) throw new RangeError(`too many distinct values for one dictionary (${width}-bit indices)`)
  const valueBytes = (width + 7) >> 3
  let waiting = 0
  const hold = (value: number, count: number) => {
    if (waiting + count > pending.length) {
      const grown = new Int32Array(Math.max(pending.length * 2, waiting + count + 8))
      grown.set(pending.subarray(0, waiting))
      pending = grown
    }
    pending.fill(value, waiting, waiting + count)
    waiting += count
  }
  const pack = () => {
    if (waiting === 0) return
    const groups = (waiting + 7) >> 3
    // The last group is padded with zeros (readers stop at the values' count).
    hold(0, groups * 8 - waiting)
    out.varint((groups << 1) | 1)
    out.reserve(groups * width)
    const buffer = out.buffer
    let at = out.length
    let accumulator = 0
    let bits = 0
    for (let i = 0; i < groups * 8; i++) {
      accumulator |= pending[i]! << bits
      bits += width
      while (bits >= 8) {
        buffer[at++] = accumulator & 0xff
        accumulator >>>= 8
        bits -= 8
      }
    }
    out.length = at
    waiting = 0
  }
  for (let i = 0; i < length; ) {
    const value = values[i]!
    // The run: equal values in a row (each standing for its count of rows).
    let count = 0
    do count += counts ? counts[i]! : 1
    while (++i < length && values[i] === value)
    // Complete the pending group of 8 first: a run may only start at a group's boundary.
    const fill = Math.min(count, (8 - (waiting & 7)) & 7)
    if (fill > 0) hold(value, fill)
    count -= fill
    if (count >= 8) {
      pack()
      out.varint(count * 2)
      for (let b = 0; b < valueBytes; b++) out.byte((value >>> (8 * b)) & 0xff)
    } else if (count > 0) hold(value, count)
  }
  pack()
}

/** One value per row, as the caller's values (null where absent), or per request as runs. */
export type LogColumn =
  | {
      readonly name: string
      readonly kind: 'runs'
      readonly physical: 'BYTE_ARRAY' | 'INT64' | 'DOUBLE'
      readonly converted?: 'UTF8' | 'TIMESTAMP_MILLIS'
      /** One value per run (never null). */
      readonly values: readonly (string | number)[]
      /** How many rows each run covers. */
      readonly counts: Int32Array
    }
  /** Each row's position in its request, 0 first. */
  | { readonly name: string; readonly kind: 'positions'; readonly values: Int32Array }
  | { readonly name: string; readonly kind: 'values'; readonly values: readonly unknown[] }

interface Chunk {
  readonly name: string
  readonly physical: Physical
  readonly converted?: keyof typeof CONVERTED
  readonly required: boolean
  readonly encodings: number[]
  readonly rows: number
  readonly nulls: number
  readonly min?: Uint8Array
  readonly max?: Uint8Array
  readonly offset: number
  readonly dictionaryOffset?: number
  readonly dataOffset: number
  readonly size: number
}

/** The log's file: the columns in order, every one `rows` long. */
export function encodeLogFile(rows: number, columns: readonly LogColumn[]): Uint8Array {
  const out = new Bytes()
  for (const b of MAGIC) out.byte(b)
  const chunks = columns.map((column) => writeColumn(out, rows, column))
  const footerStart = out.length
  const t = new Thrift(out)
  t.i32(1, 1)
  t.list(2, [undefined, ...chunks], 'struct', (s, chunk) => {
    if (!chunk) {
      s.string(4, 'root').i32(5, chunks.length)
      return
    }
    s.i32(1, TYPE[chunk.physical]).i32(3, chunk.required ? REPETITION.REQUIRED : REPETITION.OPTIONAL).string(4, chunk.name)
    if (chunk.converted) s.i32(6, CONVERTED[chunk.converted])
  })
  t.i64(3, rows)
  const total = chunks.reduce((sum, chunk) => sum + chunk.size, 0)
  t.list(4, [chunks], 'struct', (g) => {
    g.list(1, chunks, 'struct', (c, chunk) => {
      c.i64(2, chunk.offset)
      c.struct(3, (m) => {
        m.i32(1, TYPE[chunk.physical])
        m.list(2, chunk.encodings, 'i32')
        m.list(3, [chunk.name], 'string')
        m.i32(4, 0) // UNCOMPRESSED
        m.i64(5, chunk.rows)
        m.i64(6, chunk.size)
        m.i64(7, chunk.size)
        m.i64(9, chunk.dataOffset)
        if (chunk.dictionaryOffset !== undefined) m.i64(11, chunk.dictionaryOffset)
        m.struct(12, (s) => {
          s.i64(3, chunk.nulls)
          if (chunk.max && chunk.min) s.binary(5, chunk.max).binary(6, chunk.min)
        })
      })
    })
    g.i64(2, total).i64(3, rows).i64(5, chunks[0]?.offset ?? 4).i64(6, total)
  })
  t.string(6, 'orchard prediction log')
  out.byte(0)
  out.int32(out.length - footerStart)
  for (const b of MAGIC) out.byte(b)
  return out.result()
}

/** A page: its header, then its bytes. */
function writePage(out: Bytes, type: number, body: Uint8Array, header: (t: Thrift) => void): void {
  const t = new Thrift(out)
  t.i32(1, type).i32(2, body.length).i32(3, body.length)
  header(t)
  out.byte(0)
  out.bytes(body)
}

/** Where a column chunk's pages went, and its encodings. */
type Placement = Pick<Chunk, 'encodings' | 'offset' | 'dictionaryOffset' | 'dataOffset' | 'size'>

/** A chunk of one PLAIN data page (its levels, if any, already at the start of `page`). */
function writePlainChunk(out: Bytes, rows: number, page: Bytes): Placement {
  const offset = out.length
  writePage(out, PAGE.DATA_PAGE, page.result(), (t) => t.struct(5, (d) => d.i32(1, rows).i32(2, ENCODING.PLAIN).i32(3, ENCODING.RLE).i32(4, ENCODING.RLE)))
  return { encodings: [ENCODING.PLAIN, ENCODING.RLE], offset, dataOffset: offset, size: out.length - offset }
}

/**
 * A chunk of a dictionary page of `entries` PLAIN values, then one data page: the levels already
 * in `page`, if any, then the indices (`count` of them, each below `entries`) as the hybrid encoding.
 */
function writeDictionaryChunk(out: Bytes, rows: number, dictionary: Bytes, entries: number, page: Bytes, indices: ArrayLike<number>, count: number, counts?: ArrayLike<number>): Placement {
  const width = Math.max(1, bitWidth(entries - 1))
  page.byte(width)
  hybrid(page, width, indices, count, counts)
  const offset = out.length
  writePage(out, PAGE.DICTIONARY_PAGE, dictionary.result(), (t) => t.struct(7, (d) => d.i32(1, entries).i32(2, ENCODING.PLAIN)))
  const dataOffset = out.length
  writePage(out, PAGE.DATA_PAGE, page.result(), (t) => t.struct(5, (d) => d.i32(1, rows).i32(2, ENCODING.RLE_DICTIONARY).i32(3, ENCODING.RLE).i32(4, ENCODING.RLE)))
  return { encodings: [ENCODING.PLAIN, ENCODING.RLE, ENCODING.RLE_DICTIONARY], offset, dictionaryOffset: offset, dataOffset, size: out.length - offset }
}

function writeColumn(out: Bytes, rows: number, column: LogColumn): Chunk {
  if (column.kind === 'runs') return writeRuns(out, rows, column)
  if (column.kind === 'positions') {
    // Row positions within their request (0, 1, 2, …): a dictionary of 0..max whose index is the
    // value, so each row costs its bit-packed index (7 bits for requests of 100 rows), not 4 bytes.
    let max = 0
    for (let i = 0; i < rows; i++) if (column.values[i]! > max) max = column.values[i]!
    const dictionary = new Bytes()
    for (let v = 0; v <= max; v++) dictionary.int32(v)
    const bounds = rows > 0 ? { min: int32Bytes(0), max: int32Bytes(max) } : {}
    return { name: column.name, physical: 'INT32', required: true, rows, nulls: 0, ...bounds, ...writeDictionaryChunk(out, rows, dictionary, max + 1, new Bytes(), column.values, rows) }
  }
  return writeValues(out, rows, column.name, column.values)
}

/**
 * A column of one value per request: a dictionary page, then one RLE run of indices per request.
 * When every request is one row (a server scoring single rows) and the value changes from row to
 * row (request ids, times), the values are written PLAIN: a dictionary would only add its indices.
 */
function writeRuns(out: Bytes, rows: number, column: Extract<LogColumn, { kind: 'runs' }>): Chunk {
  if (column.values.length === rows && rows > 0 && mostlyChanging(column.values)) return writeRowsPlain(out, rows, column)
  const indexOf = new Map<string | number, number>()
  const distinct: (string | number)[] = []
  const indices = new Int32Array(column.values.length)
  column.values.forEach((value, i) => {
    let index = indexOf.get(value)
    if (index === undefined) {
      index = distinct.length
      indexOf.set(value, index)
      distinct.push(value)
    }
    indices[i] = index
  })
  const dictionary = new Bytes()
  const plain = distinct.map((value) => (typeof value === 'string' ? utf8.encode(value) : undefined))
  for (let i = 0; i < distinct.length; i++) {
    const value = distinct[i]!
    if (column.physical === 'BYTE_ARRAY') dictionary.lengthPrefixed(plain[i]!)
    else if (column.physical === 'INT64') dictionary.int64(value as number)
    else dictionary.float64(value as number)
  }
  const { min, max } = column.physical === 'BYTE_ARRAY' ? textBounds(plain as Uint8Array[]) : numberBounds(distinct as number[], column.physical)
  return {
    name: column.name,
    physical: column.physical,
    ...(column.converted ? { converted: column.converted } : {}),
    required: true,
    rows,
    nulls: 0,
    ...(min && max ? { min, max } : {}),
    ...writeDictionaryChunk(out, rows, dictionary, distinct.length, new Bytes(), indices, indices.length, column.counts),
  }
}

/** Whether most values differ from the one before (else runs of equal values pay as RLE). */
function mostlyChanging(values: readonly unknown[]): boolean {
  let same = 0
  for (let i = 1; i < values.length; i++) if (values[i] === values[i - 1]) same++
  return same * 2 < values.length
}

/** A REQUIRED column of one value per row, PLAIN. */
function writeRowsPlain(out: Bytes, rows: number, column: Extract<LogColumn, { kind: 'runs' }>): Chunk {
  const page = new Bytes()
  const values = column.values
  let bounds: { min?: Uint8Array; max?: Uint8Array }
  if (column.physical === 'BYTE_ARRAY') {
    let min = values[0] as string
    let max = min
    let ascii = true
    for (let i = 0; i < rows; i++) {
      const value = values[i] as string
      // (As many bytes as UTF-16 units: ASCII only.)
      if (page.text(value) !== value.length) ascii = false
      if (value < min) min = value
      if (value > max) max = value
    }
    // JavaScript orders strings by UTF-16 units, which is Parquet's byte order for ASCII only.
    bounds = textBounds(ascii ? [utf8.encode(min), utf8.encode(max)] : values.map((value) => utf8.encode(value as string)))
  } else {
    page.reserve(rows * 8)
    for (let i = 0; i < rows; i++) {
      if (column.physical === 'INT64') page.int64(values[i] as number)
      else page.float64(values[i] as number)
    }
    bounds = numberBounds(values as number[], column.physical)
  }
  return { name: column.name, physical: column.physical, ...(column.converted ? { converted: column.converted } : {}), required: true, rows, nulls: 0, ...bounds, ...writePlainChunk(out, rows, page) }
}

/**
 * A column of the caller's values, nullable: numbers (and bigints) as DOUBLE, booleans as BOOLEAN,
 * anything else as text (JSON for objects, ISO 8601 for dates), as the general writer did.
 */
function writeValues(out: Bytes, rows: number, name: string, values: readonly unknown[]): Chunk {
  let numbers = 0
  let booleans = 0
  let others = 0
  let nulls = 0
  const defined = new Uint8Array(rows)
  for (let i = 0; i < rows; i++) {
    const v = values[i]
    if (v === null || v === undefined) {
      nulls++
      continue
    }
    defined[i] = 1
    if (typeof v === 'number' || typeof v === 'bigint') numbers++
    else if (typeof v === 'boolean') booleans++
    else others++
  }
  const page = new Bytes()
  // Definition levels (0 null, 1 present): their length, then the hybrid runs.
  const lengthAt = page.length
  page.int32(0)
  hybrid(page, 1, defined, rows)
  page.view.setInt32(lengthAt, page.length - lengthAt - 4, true)
  const present = rows - nulls
  const base = { name, required: false, rows, nulls }

  if (others === 0 && booleans === 0) {
    const doubles = new Float64Array(present)
    let j = 0
    for (let i = 0; i < rows; i++) if (defined[i]) doubles[j++] = Number(values[i])
    const bounds = numberBounds(doubles, 'DOUBLE')
    // Few distinct values (a rounded feature, a class score): a dictionary. It is given up at
    // MAX_DOUBLE_ENTRIES, so a continuous column costs at most that many lookups before PLAIN.
    const indexOf = new Map<number, number>()
    const indices = new Int32Array(present)
    let dictionary = true
    for (let i = 0; i < present && dictionary; i++) {
      const v = doubles[i]!
      let index = indexOf.get(v)
      if (index === undefined) {
        // (A Map makes -0 and 0 one key: a -0 is written PLAIN to keep its sign.)
        if (indexOf.size >= MAX_DOUBLE_ENTRIES || Object.is(v, -0)) dictionary = false
        index = indexOf.size
        indexOf.set(v, index)
      }
      indices[i] = index
    }
    if (dictionary && present > 0) {
      const entries = new Bytes()
      for (const v of indexOf.keys()) entries.float64(v)
      return { ...base, physical: 'DOUBLE', ...bounds, ...writeDictionaryChunk(out, rows, entries, indexOf.size, page, indices, present) }
    }
    if (LITTLE_ENDIAN) page.bytes(new Uint8Array(doubles.buffer))
    else for (const d of doubles) page.float64(d)
    return { ...base, physical: 'DOUBLE', ...bounds, ...writePlainChunk(out, rows, page) }
  }

  if (others === 0 && numbers === 0) {
    page.reserve(Math.ceil(present / 8))
    let byte = 0
    let bit = 0
    let seenFalse = false
    let seenTrue = false
    for (let i = 0; i < rows; i++) {
      if (!defined[i]) continue
      const v = values[i] === true
      if (v) ((byte |= 1 << bit), (seenTrue = true))
      else seenFalse = true
      if (++bit === 8) {
        page.byte(byte)
        byte = 0
        bit = 0
      }
    }
    if (bit > 0) page.byte(byte)
    const bounds = present > 0 ? { min: Uint8Array.of(seenFalse ? 0 : 1), max: Uint8Array.of(seenTrue ? 1 : 0) } : {}
    return { ...base, physical: 'BOOLEAN', ...bounds, ...writePlainChunk(out, rows, page) }
  }

  // Text: a dictionary while it stays small, else PLAIN.
  const indexOf = new Map<string, number>()
  const distinct: Uint8Array[] = []
  let dictionaryBytes = 0
  const indices = new Int32Array(present)
  let j = 0
  let useDictionary = true
  for (let i = 0; i < rows && useDictionary; i++) {
    if (!defined[i]) continue
    const text = asText(values[i])
    let index = indexOf.get(text)
    if (index === undefined) {
      index = distinct.length
      const bytes = utf8.encode(text)
      dictionaryBytes += bytes.length + 4
      if (distinct.length >= MAX_DICTIONARY_ENTRIES || dictionaryBytes > MAX_DICTIONARY_BYTES) useDictionary = false
      indexOf.set(text, index)
      distinct.push(bytes)
    }
    indices[j++] = index
  }
  if (useDictionary) {
    const dictionary = new Bytes()
    for (const bytes of distinct) dictionary.lengthPrefixed(bytes)
    return { ...base, physical: 'BYTE_ARRAY', converted: 'UTF8', ...textBounds(distinct), ...writeDictionaryChunk(out, rows, dictionary, distinct.length, page, indices, present) }
  }
  for (let i = 0; i < rows; i++) if (defined[i]) page.text(asText(values[i]))
  return { ...base, physical: 'BYTE_ARRAY', converted: 'UTF8', ...writePlainChunk(out, rows, page) }
}

/** How a value that is not a number or a boolean is written as text. */
function asText(v: unknown): string {
  if (typeof v === 'string') return v
  if (v instanceof Date) return v.toISOString()
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

const int32Bytes = (n: number) => {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setInt32(0, n, true)
  return b
}

/** Min and max of numbers as Parquet statistics (NaN left out, as the format asks). */
function numberBounds(values: ArrayLike<number>, physical: 'INT64' | 'DOUBLE'): { min?: Uint8Array; max?: Uint8Array } {
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  let any = false
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (Number.isNaN(v)) continue
    any = true
    if (v < min) min = v
    if (v > max) max = v
  }
  if (!any) return {}
  const encode = (n: number) => {
    const b = new Uint8Array(8)
    const view = new DataView(b.buffer)
    if (physical === 'INT64') view.setBigInt64(0, BigInt(n), true)
    else view.setFloat64(0, n, true)
    return b
  }
  // A zero bound is written as -0 for the min and +0 for the max, as the format asks of floats.
  return { min: encode(physical === 'DOUBLE' && min === 0 ? -0 : min), max: encode(physical === 'DOUBLE' && max === 0 ? 0 : max) }
}

/** Min and max of UTF-8 texts, in byte order (Parquet's order for strings). */
function textBounds(values: readonly Uint8Array[]): { min?: Uint8Array; max?: Uint8Array } {
  if (values.length === 0) return {}
  let min = values[0]!
  let max = values[0]!
  for (const v of values) {
    if (Buffer.compare(v, min) < 0) min = v
    if (Buffer.compare(v, max) > 0) max = v
  }
  return { min, max }
}
