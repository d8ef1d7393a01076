// A Parquet writer made for the prediction log's shape, which the general writer (hyparquet-writer)
// encoded at about 2 µs a row: as much CPU as scoring the row, on the cores the server answers from.
// The log's own columns (request id, model, version, time, latency) hold one value per request, so
// they are written as a dictionary and one run per request, without touching each row; numbers are
// written PLAIN from a Float64Array's bytes (or as a dictionary while few are distinct); text inputs
// go through one dictionary lookup a value.
// Pages are not compressed: random doubles do not shrink, and dictionary indices are bit-packed.
// One row group, one data page (v1) per column. Checked by tests with two readers: hyparquet and
// arrow-rs (parquet-wasm).
// The writer is a generator that yields every STEP values or so (a few tens of microseconds of
// work), so that the scoring server can encode a flush between requests, a slice at a time, on its
// own thread; `encodeLogFile` runs it to the end at once.

import { Buffer } from 'node:buffer'

const MAGIC = [0x50, 0x41, 0x52, 0x31] // "PAR1"
/** A text column whose distinct values outgrow these bounds is written PLAIN instead. */
const MAX_DICTIONARY_ENTRIES = 1 << 16
const MAX_DICTIONARY_BYTES = 1 << 20
/** A number column with more distinct values than this is written PLAIN. */
const MAX_DOUBLE_ENTRIES = 4096
/** The number dictionary's hash table: a power of two, at least twice its entries. */
const DOUBLE_SLOT_BITS = 13
const DOUBLE_SLOTS = 1 << DOUBLE_SLOT_BITS
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
const utf8 = new TextEncoder()
const utf8Decoder = new TextDecoder()

// Parquet's thrift enums, as numbered in parquet.thrift.
const TYPE = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const
const CONVERTED = { UTF8: 0, TIMESTAMP_MILLIS: 9 } as const
const REPETITION = { REQUIRED: 0, OPTIONAL: 1 } as const
const ENCODING = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const
const PAGE = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const

type Physical = keyof typeof TYPE

/** Values an encoding loop handles between two yields: tens of microseconds of work. */
export const STEP = 1024

/** Work that gives way every STEP values or so, then returns its result. */
export type Steps<T> = Generator<void, T, void>

/**
 * Runs `work(from, to)` over [0, length), STEP indices at a time, yielding before each. The loops over
 * values live in plain functions called this way, not in the generators: V8 boxes a double held in
 * a generator's loop, so a generator loop over numbers allocated tens of bytes a value.
 */
export function* inSteps(length: number, work: (from: number, to: number) => void): Steps<void> {
  for (let from = 0; from < length; from += STEP) {
    yield
    work(from, Math.min(length, from + STEP))
  }
}

/** Runs steps to the end at once. */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next()
    if (next.done) return next.value
  }
}

/** A growable byte buffer. */
class Bytes {
  buffer: Uint8Array
  view: DataView
  length = 0

  /** An empty buffer, writing into `memory` until it outgrows it. */
  constructor(memory = new Uint8Array(1 << 16)) {
    this.buffer = memory
    this.view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength)
  }

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

/** File buffers kept for reuse at most (files are written one after another, so one or two are in use). */
const MAX_SPARE_FILES = 2

/**
 * Buffers that an encoder reuses from one file to the next, so that encoding a file allocates little
 * that the garbage collector must then handle: each named buffer grows to the largest size asked of
 * it and is handed out again. A Scratch serves one file's encoding at a time.
 */
export class Scratch {
  private readonly arrays = new Map<string, Uint8Array | Int32Array | Float64Array>()
  private readonly buffers = new Map<string, Bytes>()
  /** Buffers of files handed out and not yet given back, by their memory. */
  private readonly lent = new Map<ArrayBufferLike, Bytes>()
  /** Buffers of files given back, for the next files. */
  private readonly spareFiles: Bytes[] = []

  uint8(name: string, length: number): Uint8Array {
    return this.array(name, length, (size) => new Uint8Array(size))
  }

  int32(name: string, length: number): Int32Array {
    return this.array(name, length, (size) => new Int32Array(size))
  }

  float64(name: string, length: number): Float64Array {
    return this.array(name, length, (size) => new Float64Array(size))
  }

  /** An empty byte buffer. */
  bytes(name: string): Bytes {
    let bytes = this.buffers.get(name)
    if (!bytes) this.buffers.set(name, (bytes = new Bytes()))
    bytes.length = 0
    return bytes
  }

  /** An empty buffer for a file that leaves the encoder: `lend` it out when written, `giveBack` its bytes when done with. */
  fileBytes(): Bytes {
    const bytes = this.spareFiles.pop() ?? new Bytes()
    bytes.length = 0
    return bytes
  }

  /** The file's bytes, which stay the caller's until given back. */
  lend(bytes: Bytes): Uint8Array {
    this.lent.set(bytes.buffer.buffer, bytes)
    return bytes.result()
  }

  /**
   * Takes back a file's bytes (from `lend`) for the next file, so that each file does not need
   * fresh memory: on some machines first touching a page costs more than encoding into it.
   */
  giveBack(file: Uint8Array): void {
    const bytes = this.lent.get(file.buffer)
    if (!bytes) return
    this.lent.delete(file.buffer)
    if (this.spareFiles.length < MAX_SPARE_FILES) this.spareFiles.push(bytes)
  }

  /** Forgets a lent file whose memory moves to another thread (it may come back through `adopt`). */
  release(file: Uint8Array): void {
    this.lent.delete(file.buffer)
  }

  /** Memory of a file that another thread has written and sent back, for the next file. */
  adopt(buffer: ArrayBuffer): void {
    if (this.spareFiles.length < MAX_SPARE_FILES && buffer.byteLength > 0) this.spareFiles.push(new Bytes(new Uint8Array(buffer)))
  }

  /** The first `length` elements of the named buffer (what the last user left in them, not zeros). */
  private array<A extends Uint8Array | Int32Array | Float64Array>(name: string, length: number, make: (size: number) => A): A {
    let array = this.arrays.get(name) as A | undefined
    if (!array || array.length < length) {
      array = make(Math.max(length, 2 * (array?.length ?? 0), 1024))
      this.arrays.set(name, array)
    }
    return array.subarray(0, length) as A
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

/**
 * Parquet's RLE / bit-packed hybrid: runs of 8 or more equal values as one RLE run, the rest
 * bit-packed in groups of 8 (a run starts only at a group's boundary). Values must fit `width`
 * bits, 1–24. With `counts`, `values[i]` stands for `counts[i]` rows, so that a column holding one
 * value per request is encoded without expanding it to rows.
 */
function* hybrid(s: Scratch, out: Bytes, width: number, values: ArrayLike<number>, length: number, counts?: ArrayLike<number>): Steps<void> {
  const encoder = new HybridEncoder(s, out, width, length)
  for (let i = 0; i < length; ) {
    if (i > 0) yield
    i = encoder.encode(values, counts, i, Math.min(length, i + STEP))
  }
  encoder.pack()
}

/** The hybrid encoding's state from one step to the next. */
class HybridEncoder {
  /** Values waiting to be bit-packed. */
  private pending: Int32Array
  private waiting = 0
  private readonly valueBytes: number

  constructor(
    private readonly s: Scratch,
    private readonly out: Bytes,
    private readonly width: number,
    /** The values' count (the array may be longer). */
    private readonly length: number,
  ) {
    // (The packing shifts 32-bit integers: a value and 7 pending bits must fit in 31 bits.)
    if (width > 24) throw new RangeError(`too many distinct values for one dictionary (${width}-bit indices)`)
    this.valueBytes = (width + 7) >> 3
    this.pending = s.int32('pending', Math.min(1 << 12, length + 8))
  }

  /** Encodes the runs that start at values [from, to) (a run may go on past `to`); returns where the last one ends. */
  encode(values: ArrayLike<number>, counts: ArrayLike<number> | undefined, from: number, to: number): number {
    const length = this.length
    let i = from
    while (i < to) {
      const value = values[i]!
      // The run: equal values in a row (each standing for its count of rows).
      let count = 0
      do count += counts ? counts[i]! : 1
      while (++i < length && values[i] === value)
      // Complete the pending group of 8 first: a run may only start at a group's boundary.
      const fill = Math.min(count, (8 - (this.waiting & 7)) & 7)
      if (fill > 0) this.hold(value, fill)
      count -= fill
      if (count >= 8) {
        this.pack()
        this.out.varint(count * 2)
        for (let b = 0; b < this.valueBytes; b++) this.out.byte((value >>> (8 * b)) & 0xff)
      } else if (count > 0) this.hold(value, count)
      // Many values without a run between them go out as bit-packed runs of their own, a step's
      // worth at a time, rather than as one long run at the end.
      if (this.waiting >= STEP && (this.waiting & 7) === 0) this.pack()
    }
    return i
  }

  /** Bit-packs the pending values, the last group padded with zeros (readers stop at the values' count). */
  pack(): void {
    if (this.waiting === 0) return
    const groups = (this.waiting + 7) >> 3
    this.hold(0, groups * 8 - this.waiting)
    const out = this.out
    out.varint((groups << 1) | 1)
    out.reserve(groups * this.width)
    out.length = packGroups(out.buffer, out.length, this.pending, this.width, 0, groups * 8)
    this.waiting = 0
  }

  private hold(value: number, count: number): void {
    if (this.waiting + count > this.pending.length) {
      const grown = this.s.int32('pending', Math.max(this.pending.length * 2, this.waiting + count + 8))
      grown.set(this.pending.subarray(0, this.waiting))
      this.pending = grown
    }
    // Most values of a column without runs come one at a time: a store, not a fill() call.
    if (count === 1) this.pending[this.waiting++] = value
    else {
      this.pending.fill(value, this.waiting, this.waiting + count)
      this.waiting += count
    }
  }
}

// What a value of a ValueColumn is.
const NULL = 0
const NUMBER = 1
const BOOLEAN = 2
const TEXT = 3

/**
 * A column of the caller's values, kept compact as they are logged: a tag and a double a row in
 * typed arrays, whose bytes lie outside the JavaScript heap (the garbage collector never copies
 * them), and each distinct text once. Numbers (and bigints) are kept as doubles, booleans as 0 or 1,
 * anything else as text (JSON for objects, ISO 8601 for dates). Holding logged requests as the
 * parsed objects they arrived as, until a flush, cost the scoring server more p99 latency in
 * garbage collection than encoding them does (BENCHMARKS.md, "Prediction logging").
 */
export class ValueColumn {
  // (Read by the writer below; not for callers.)
  tags: Uint8Array = new Uint8Array(64)
  numbers: Float64Array = new Float64Array(64)
  readonly texts: string[] = []
  private readonly textIndex = new Map<string, number>()
  /** The texts again as UTF-8, for a message to another thread (see TextList). */
  private packed = new TextList()
  /** Rows held: values appended, and the nulls before them. */
  length = 0

  /** A column from its parts, as `parts()` gave them: another thread's column, moved in a message. */
  static fromParts(parts: ValueColumnParts): ValueColumn {
    const column = new ValueColumn()
    column.tags = parts.tags
    column.numbers = parts.numbers
    column.packed = TextList.fromParts(parts.texts)
    // Encoding reads the texts by index; appending (which looks them up) is for the thread that filled it.
    for (const text of column.packed.strings()) column.texts.push(text)
    column.length = parts.length
    return column
  }

  /** What a message carries of this column: its buffers, to be transferred (this column is unusable after). */
  parts(): ValueColumnParts {
    return { tags: this.tags, numbers: this.numbers, texts: this.packed.parts(), length: this.length }
  }

  /** A column of these values (null or undefined where absent). */
  static of(values: ArrayLike<unknown>): ValueColumn {
    const column = new ValueColumn()
    column.append(values, values.length)
    return column
  }

  /** Appends the first `n` values from row `at` on; rows from the column's end to `at` read as null. */
  append(values: ArrayLike<unknown>, n: number, at = this.length): void {
    this.reserve(at + n)
    const { tags, numbers } = this
    for (let r = 0; r < n; r++) {
      const v = values[r]
      const i = at + r
      if (v === null || v === undefined) tags[i] = NULL
      else if (typeof v === 'number') ((tags[i] = NUMBER), (numbers[i] = v))
      else if (typeof v === 'bigint') ((tags[i] = NUMBER), (numbers[i] = Number(v)))
      else if (typeof v === 'boolean') ((tags[i] = BOOLEAN), (numbers[i] = v ? 1 : 0))
      else ((tags[i] = TEXT), (numbers[i] = this.intern(asText(v))))
    }
    this.length = at + n
  }

  /** Empties the column for reuse, keeping its buffers. */
  clear(): void {
    this.tags.fill(NULL, 0, this.length)
    this.length = 0
    this.texts.length = 0
    this.textIndex.clear()
    this.packed.length = 0
  }

  /** Room for `rows` rows (new rows read as null). */
  reserve(rows: number): void {
    if (rows <= this.tags.length) return
    this.tags = grown(this.tags, this.length, rows)
    this.numbers = grown(this.numbers, this.length, rows)
  }

  /** Row `i` as text (a column of mixed values is written as text). */
  text(i: number): string {
    const tag = this.tags[i]
    const n = this.numbers[i]!
    return tag === TEXT ? this.texts[n]! : tag === BOOLEAN ? String(n === 1) : String(n)
  }

  private intern(text: string): number {
    let index = this.textIndex.get(text)
    if (index === undefined) {
      index = this.texts.length
      this.texts.push(text)
      this.textIndex.set(text, index)
      this.packed.push(text)
    }
    return index
  }
}

/**
 * Texts kept as their UTF-8 bytes end to end, in typed arrays: a message moves them to another
 * thread without a copy, where thousands of strings would each be copied.
 */
export class TextList {
  bytes: Uint8Array = new Uint8Array(1024)
  ends: Int32Array = new Int32Array(64)
  length = 0

  static fromParts(parts: TextListParts): TextList {
    const list = new TextList()
    list.bytes = parts.bytes
    list.ends = parts.ends
    list.length = parts.length
    return list
  }

  push(text: string): void {
    const start = this.length > 0 ? this.ends[this.length - 1]! : 0
    // At most three bytes for each UTF-16 unit.
    if (start + text.length * 3 > this.bytes.length) this.bytes = grown(this.bytes, start, start + text.length * 3)
    if (this.length === this.ends.length) this.ends = grown(this.ends, this.length, this.length + 1)
    let end = start
    const { bytes } = this
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (code >= 0x80) {
        end = start + utf8.encodeInto(text, bytes.subarray(start)).written
        break
      }
      bytes[end++] = code
    }
    this.ends[this.length++] = end
  }

  /** The texts again, as strings. */
  strings(): string[] {
    return finish(this.stringSteps())
  }

  /** `strings`, a step at a time. */
  *stringSteps(): Steps<string[]> {
    const texts = new Array<string>(this.length)
    yield* inSteps(this.length, (from, to) => {
      let start = from > 0 ? this.ends[from - 1]! : 0
      for (let i = from; i < to; i++) {
        const end = this.ends[i]!
        texts[i] = utf8Decoder.decode(this.bytes.subarray(start, end))
        start = end
      }
    })
    return texts
  }

  /** What a message carries (its buffers are to be transferred: this list is unusable after). */
  parts(): TextListParts {
    return { bytes: this.bytes, ends: this.ends, length: this.length }
  }
}

export interface TextListParts {
  readonly bytes: Uint8Array
  readonly ends: Int32Array
  readonly length: number
}

/** A copy of `array`'s first `used` elements in a new array of at least `needed` (doubling). */
export function grown<A extends Uint8Array | Int32Array | Float64Array>(array: A, used: number, needed: number): A {
  let size = Math.max(array.length * 2, 16)
  while (size < needed) size *= 2
  const next = new (array.constructor as new (size: number) => A)(size)
  next.set(array.subarray(0, used))
  return next
}

/** A ValueColumn's state, for a message between threads. */
export interface ValueColumnParts {
  readonly tags: Uint8Array
  readonly numbers: Float64Array
  readonly texts: TextListParts
  readonly length: number
}

/** The memory a message moves with a TextList's parts. */
export function textListMemory(parts: TextListParts): ArrayBuffer[] {
  return [parts.bytes.buffer as ArrayBuffer, parts.ends.buffer as ArrayBuffer]
}

/** The memory a message moves with a ValueColumn's parts. */
export function columnMemory(parts: ValueColumnParts): ArrayBuffer[] {
  return [parts.tags.buffer as ArrayBuffer, parts.numbers.buffer as ArrayBuffer, ...textListMemory(parts.texts)]
}

/** Bit-packs values [from, to), whole groups of 8, at `at`; returns where the bytes end (a few ns a value). */
function packGroups(buffer: Uint8Array, at: number, values: Int32Array, width: number, from: number, to: number): number {
  let accumulator = 0
  let bits = 0
  for (let i = from; i < to; i++) {
    accumulator |= values[i]! << bits
    bits += width
    while (bits >= 8) {
      buffer[at++] = accumulator & 0xff
      accumulator >>>= 8
      bits -= 8
    }
  }
  return at
}

/** One value per row, as the caller's values (null where absent), or per request as runs. */
export type LogColumn =
  | {
      readonly name: string
      readonly kind: 'runs'
      readonly physical: 'BYTE_ARRAY' | 'INT64' | 'DOUBLE'
      readonly converted?: 'UTF8' | 'TIMESTAMP_MILLIS'
      /** One value per run (never null). */
      readonly values: ArrayLike<string | number>
      /** How many rows each run covers. */
      readonly counts: Int32Array
    }
  /** Each row's position in its request, 0 first. */
  | { readonly name: string; readonly kind: 'positions'; readonly values: Int32Array }
  | { readonly name: string; readonly kind: 'values'; readonly values: ValueColumn | readonly unknown[] }

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
  return finish(encodeLogFileSteps(rows, columns))
}

/** `encodeLogFile` a step at a time, with buffers reused from `s` (the columns may hold some of them). */
export function* encodeLogFileSteps(rows: number, columns: readonly LogColumn[], s = new Scratch()): Steps<Uint8Array> {
  const out = s.fileBytes()
  for (const b of MAGIC) out.byte(b)
  const chunks: Chunk[] = []
  for (const column of columns) chunks.push(yield* writeColumn(s, out, rows, column))
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
  return s.lend(out)
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
function* writeDictionaryChunk(s: Scratch, out: Bytes, rows: number, dictionary: Bytes, entries: number, page: Bytes, indices: ArrayLike<number>, count: number, counts?: ArrayLike<number>): Steps<Placement> {
  const width = Math.max(1, bitWidth(entries - 1))
  page.byte(width)
  yield* hybrid(s, page, width, indices, count, counts)
  const offset = out.length
  writePage(out, PAGE.DICTIONARY_PAGE, dictionary.result(), (t) => t.struct(7, (d) => d.i32(1, entries).i32(2, ENCODING.PLAIN)))
  const dataOffset = out.length
  writePage(out, PAGE.DATA_PAGE, page.result(), (t) => t.struct(5, (d) => d.i32(1, rows).i32(2, ENCODING.RLE_DICTIONARY).i32(3, ENCODING.RLE).i32(4, ENCODING.RLE)))
  return { encodings: [ENCODING.PLAIN, ENCODING.RLE, ENCODING.RLE_DICTIONARY], offset, dictionaryOffset: offset, dataOffset, size: out.length - offset }
}

function* writeColumn(s: Scratch, out: Bytes, rows: number, column: LogColumn): Steps<Chunk> {
  if (column.kind === 'runs') return yield* writeRuns(s, out, rows, column)
  if (column.kind === 'positions') {
    // Row positions within their request (0, 1, 2, …): a dictionary of 0..max whose index is the
    // value, so each row costs its bit-packed index (7 bits for requests of 100 rows), not 4 bytes.
    let max = 0
    yield* inSteps(rows, (from, to) => (max = maxOf(column.values, max, from, to)))
    const dictionary = s.bytes('dictionary')
    for (let v = 0; v <= max; v++) dictionary.int32(v)
    const bounds = rows > 0 ? { min: int32Bytes(0), max: int32Bytes(max) } : {}
    return { name: column.name, physical: 'INT32', required: true, rows, nulls: 0, ...bounds, ...(yield* writeDictionaryChunk(s, out, rows, dictionary, max + 1, s.bytes('page'), column.values, rows)) }
  }
  return yield* writeValues(s, out, rows, column.name, column.values instanceof ValueColumn ? column.values : ValueColumn.of(column.values))
}

/**
 * A column of one value per request: a dictionary page, then one RLE run of indices per request.
 * When every request is one row (a server scoring single rows) and the value changes from row to
 * row (request ids, times), the values are written PLAIN: a dictionary would only add its indices.
 */
function* writeRuns(s: Scratch, out: Bytes, rows: number, column: Extract<LogColumn, { kind: 'runs' }>): Steps<Chunk> {
  if (column.values.length === rows && rows > 0 && (yield* mostlyChanging(column.values))) return yield* writeRowsPlain(s, out, rows, column)
  const indexOf = new Map<string | number, number>()
  const distinct: (string | number)[] = []
  const indices = s.int32('indices', column.values.length)
  yield* inSteps(column.values.length, (from, to) => indexValues(column.values, indices, indexOf, distinct, from, to))
  const dictionary = s.bytes('dictionary')
  const plain: (Uint8Array | undefined)[] = []
  yield* inSteps(distinct.length, (from, to) => {
    for (let i = from; i < to; i++) {
      const value = distinct[i]!
      plain.push(typeof value === 'string' ? utf8.encode(value) : undefined)
      if (column.physical === 'BYTE_ARRAY') dictionary.lengthPrefixed(plain[i]!)
      else if (column.physical === 'INT64') dictionary.int64(value as number)
      else dictionary.float64(value as number)
    }
  })
  const { min, max } = column.physical === 'BYTE_ARRAY' ? yield* textBounds(plain as Uint8Array[]) : yield* numberBounds(Float64Array.from(distinct as number[]), column.physical)
  return {
    name: column.name,
    physical: column.physical,
    ...(column.converted ? { converted: column.converted } : {}),
    required: true,
    rows,
    nulls: 0,
    ...(min && max ? { min, max } : {}),
    ...(yield* writeDictionaryChunk(s, out, rows, dictionary, distinct.length, s.bytes('page'), indices, indices.length, column.counts)),
  }
}

/** Whether most values differ from the one before (else runs of equal values pay as RLE). */
function* mostlyChanging(values: ArrayLike<unknown>): Steps<boolean> {
  let same = 0
  yield* inSteps(values.length, (from, to) => (same += countRepeats(values, from, to)))
  return same * 2 < values.length
}

/** How many of values [from, to) equal the value before them. */
function countRepeats(values: ArrayLike<unknown>, from: number, to: number): number {
  let same = 0
  for (let i = Math.max(1, from); i < to; i++) if (values[i] === values[i - 1]) same++
  return same
}

/** A REQUIRED column of one value per row, PLAIN. */
function* writeRowsPlain(s: Scratch, out: Bytes, rows: number, column: Extract<LogColumn, { kind: 'runs' }>): Steps<Chunk> {
  const page = s.bytes('page')
  const values = column.values
  let bounds: { min?: Uint8Array; max?: Uint8Array }
  if (column.physical === 'BYTE_ARRAY') {
    const texts = { min: values[0] as string, max: values[0] as string, ascii: true }
    yield* inSteps(rows, (from, to) => putTexts(page, values as ArrayLike<string>, texts, from, to))
    const { min, max, ascii } = texts
    // JavaScript orders strings by UTF-16 units, which is Parquet's byte order for ASCII only.
    bounds = yield* textBounds(ascii ? [utf8.encode(min), utf8.encode(max)] : Array.from(values, (value) => utf8.encode(value as string)))
  } else {
    page.reserve(rows * 8)
    const int64 = column.physical === 'INT64'
    yield* inSteps(rows, (from, to) => putNumbers(page, values as ArrayLike<number>, int64, from, to))
    bounds = yield* numberBounds(values instanceof Float64Array ? values : Float64Array.from(values as ArrayLike<number>), column.physical)
  }
  return { name: column.name, physical: column.physical, ...(column.converted ? { converted: column.converted } : {}), required: true, rows, nulls: 0, ...bounds, ...writePlainChunk(out, rows, page) }
}

/** Numbers [from, to) as PLAIN INT64 or DOUBLE. */
function putNumbers(page: Bytes, values: ArrayLike<number>, int64: boolean, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    if (int64) page.int64(values[i]!)
    else page.float64(values[i]!)
  }
}

/**
 * A column of the caller's values, nullable: numbers (and bigints) as DOUBLE, booleans as BOOLEAN,
 * anything else, or a mix, as text (JSON for objects, ISO 8601 for dates), as the general writer did.
 */
function* writeValues(s: Scratch, out: Bytes, rows: number, name: string, column: ValueColumn): Steps<Chunk> {
  // Rows past the column's end (requests without it) read as null.
  column.reserve(rows)
  const { tags, numbers: values } = column
  const defined = s.uint8('defined', rows).fill(0)
  // How many rows hold each tag.
  const tally = [0, 0, 0, 0]
  yield* inSteps(rows, (from, to) => countTags(tags, defined, tally, from, to))
  const [nulls, numbers, booleans, others] = tally as [number, number, number, number]
  const page = s.bytes('page')
  // Definition levels (0 null, 1 present): their length, then the hybrid runs.
  const lengthAt = page.length
  page.int32(0)
  yield* hybrid(s, page, 1, defined, rows)
  page.view.setInt32(lengthAt, page.length - lengthAt - 4, true)
  const present = rows - nulls
  const base = { name, required: false, rows, nulls }

  if (others === 0 && booleans === 0) {
    const doubles = s.float64('doubles', present)
    let j = 0
    yield* inSteps(rows, (from, to) => (j = copyDefined(values, defined, doubles, j, from, to)))
    const bounds = yield* numberBounds(doubles, 'DOUBLE')
    // Few distinct values (a rounded feature, a class score): a dictionary. It is given up at
    // MAX_DOUBLE_ENTRIES, so a continuous column costs at most that many lookups before PLAIN.
    const indexOf = new DoubleDictionary(s)
    const indices = s.int32('indices', present)
    let dictionary = true
    yield* inSteps(present, (from, to) => (dictionary &&= indexOf.index(doubles, indices, from, to)))
    if (dictionary && present > 0) {
      const entries = s.bytes('dictionary')
      for (let i = 0; i < indexOf.size; i++) entries.float64(indexOf.entries[i]!)
      return { ...base, physical: 'DOUBLE', ...bounds, ...(yield* writeDictionaryChunk(s, out, rows, entries, indexOf.size, page, indices, present)) }
    }
    if (LITTLE_ENDIAN) page.bytes(new Uint8Array(doubles.buffer, doubles.byteOffset, doubles.byteLength))
    else for (const d of doubles) page.float64(d)
    return { ...base, physical: 'DOUBLE', ...bounds, ...writePlainChunk(out, rows, page) }
  }

  if (others === 0 && numbers === 0) {
    page.reserve(Math.ceil(present / 8))
    const packing = { byte: 0, bit: 0, seenFalse: false, seenTrue: false }
    yield* inSteps(rows, (from, to) => putBooleans(page, values, defined, packing, from, to))
    const { byte, bit, seenFalse, seenTrue } = packing
    if (bit > 0) page.byte(byte)
    const bounds = present > 0 ? { min: Uint8Array.of(seenFalse ? 0 : 1), max: Uint8Array.of(seenTrue ? 1 : 0) } : {}
    return { ...base, physical: 'BOOLEAN', ...bounds, ...writePlainChunk(out, rows, page) }
  }

  // Text: a dictionary while it stays small, else PLAIN.
  const indexOf = new Map<string, number>()
  const distinct: Uint8Array[] = []
  const indices = s.int32('indices', present)
  const texts = { indexOf, distinct, indices, count: 0, bytes: 0 }
  let useDictionary = true
  yield* inSteps(rows, (from, to) => (useDictionary &&= indexTexts(column, defined, texts, from, to)))
  if (useDictionary) {
    const dictionary = s.bytes('dictionary')
    yield* inSteps(distinct.length, (from, to) => {
      for (let i = from; i < to; i++) dictionary.lengthPrefixed(distinct[i]!)
    })
    return { ...base, physical: 'BYTE_ARRAY', converted: 'UTF8', ...(yield* textBounds(distinct)), ...(yield* writeDictionaryChunk(s, out, rows, dictionary, distinct.length, page, indices, present)) }
  }
  yield* inSteps(rows, (from, to) => {
    for (let i = from; i < to; i++) if (defined[i]) page.text(column.text(i))
  })
  return { ...base, physical: 'BYTE_ARRAY', converted: 'UTF8', ...writePlainChunk(out, rows, page) }
}

/** The largest of `max` and values [from, to). */
function maxOf(values: Int32Array, max: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (values[i]! > max) max = values[i]!
  return max
}

/** Dictionary indices of values [from, to), adding them to `indexOf` and `distinct` as they first appear. */
function indexValues<T>(values: ArrayLike<T>, indices: Int32Array, indexOf: Map<T, number>, distinct: T[], from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const value = values[i]!
    let index = indexOf.get(value)
    if (index === undefined) {
      index = distinct.length
      indexOf.set(value, index)
      distinct.push(value)
    }
    indices[i] = index
  }
}

/** Texts [from, to) as PLAIN BYTE_ARRAY, widening `bounds`, which also tells whether every text so far was ASCII. */
function putTexts(page: Bytes, values: ArrayLike<string>, bounds: { min: string; max: string; ascii: boolean }, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const value = values[i]!
    // (As many bytes as UTF-16 units: ASCII only.)
    if (page.text(value) !== value.length) bounds.ascii = false
    if (value < bounds.min) bounds.min = value
    if (value > bounds.max) bounds.max = value
  }
}

/** The defined booleans (1 or 0) of rows [from, to), bit-packed PLAIN, the partial byte carried in `packing`. */
function putBooleans(page: Bytes, values: Float64Array, defined: Uint8Array, packing: { byte: number; bit: number; seenFalse: boolean; seenTrue: boolean }, from: number, to: number): void {
  let { byte, bit } = packing
  for (let i = from; i < to; i++) {
    if (!defined[i]) continue
    if (values[i] === 1) ((byte |= 1 << bit), (packing.seenTrue = true))
    else packing.seenFalse = true
    if (++bit === 8) {
      page.byte(byte)
      byte = 0
      bit = 0
    }
  }
  packing.byte = byte
  packing.bit = bit
}

/**
 * Dictionary indices of the defined texts of rows [from, to), the dictionary's entries as UTF-8;
 * false once it outgrows MAX_DICTIONARY_ENTRIES or MAX_DICTIONARY_BYTES.
 */
function indexTexts(column: ValueColumn, defined: Uint8Array, texts: { indexOf: Map<string, number>; distinct: Uint8Array[]; indices: Int32Array; count: number; bytes: number }, from: number, to: number): boolean {
  const { indexOf, distinct, indices } = texts
  for (let i = from; i < to; i++) {
    if (!defined[i]) continue
    const text = column.text(i)
    let index = indexOf.get(text)
    if (index === undefined) {
      index = distinct.length
      const bytes = utf8.encode(text)
      texts.bytes += bytes.length + 4
      if (distinct.length >= MAX_DICTIONARY_ENTRIES || texts.bytes > MAX_DICTIONARY_BYTES) return false
      indexOf.set(text, index)
      distinct.push(bytes)
    }
    indices[texts.count++] = index
  }
  return true
}

/** Counts rows [from, to) by tag into `tally`, and marks the rows that hold a value in `defined`. */
function countTags(tags: Uint8Array, defined: Uint8Array, tally: number[], from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const tag = tags[i]!
    tally[tag]!++
    if (tag !== NULL) defined[i] = 1
  }
}

/** Copies the defined values of rows [from, to) to `into`, from `j` on; returns where they end. */
function copyDefined(values: Float64Array, defined: Uint8Array, into: Float64Array, j: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (defined[i]) into[j++] = values[i]!
  return j
}

/**
 * The distinct doubles of a column, up to MAX_DOUBLE_ENTRIES, each with its dictionary index: an
 * open-addressing table over the values' bits (so -0 and 0, or two NaNs of other bits, are distinct
 * entries and keep their bits). A Map keyed by doubles allocated a boxed number for every lookup.
 */
class DoubleDictionary {
  /** The entries in the order they first appeared. */
  readonly entries: Float64Array
  size = 0
  /** Each entry's bits, as two words. */
  private readonly low: Uint32Array
  private readonly high: Uint32Array
  /** Per slot: an entry's index + 1, or 0 when empty. */
  private readonly slots: Int32Array
  private readonly bits = new Float64Array(1)
  private readonly words = new Uint32Array(this.bits.buffer)

  constructor(s: Scratch) {
    this.entries = s.float64('dictionary entries', MAX_DOUBLE_ENTRIES)
    this.low = new Uint32Array(s.int32('dictionary low words', MAX_DOUBLE_ENTRIES).buffer, 0, MAX_DOUBLE_ENTRIES)
    this.high = new Uint32Array(s.int32('dictionary high words', MAX_DOUBLE_ENTRIES).buffer, 0, MAX_DOUBLE_ENTRIES)
    this.slots = s.int32('dictionary slots', DOUBLE_SLOTS).fill(0)
  }

  /** Indices of doubles [from, to), adding them as they first appear; false once there would be too many. */
  index(doubles: Float64Array, indices: Int32Array, from: number, to: number): boolean {
    const { entries, low, high, slots, bits, words } = this
    for (let i = from; i < to; i++) {
      bits[0] = doubles[i]!
      const a = words[0]!
      const b = words[1]!
      let slot = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b) >>> (32 - DOUBLE_SLOT_BITS)
      for (;;) {
        const held = slots[slot]!
        if (held === 0) {
          if (this.size >= MAX_DOUBLE_ENTRIES) return false
          entries[this.size] = doubles[i]!
          low[this.size] = a
          high[this.size] = b
          slots[slot] = ++this.size
          indices[i] = this.size - 1
          break
        }
        if (low[held - 1] === a && high[held - 1] === b) {
          indices[i] = held - 1
          break
        }
        slot = (slot + 1) & (DOUBLE_SLOTS - 1)
      }
    }
    return true
  }
}

/** How a value that is not a number or a boolean is written as text. */
function asText(v: unknown): string {
  if (typeof v === 'string') return v
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString()
  if (typeof v === 'object') {
    try {
      return JSON.stringify(v)
    } catch {
      // (A bigint or a cycle inside.)
      return String(v)
    }
  }
  return String(v)
}

const int32Bytes = (n: number) => {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setInt32(0, n, true)
  return b
}

/** Min and max of numbers as Parquet statistics (NaN left out, as the format asks). */
function* numberBounds(values: Float64Array, physical: 'INT64' | 'DOUBLE'): Steps<{ min?: Uint8Array; max?: Uint8Array }> {
  // The smallest and largest value, and how many are not NaN.
  const bounds = new Float64Array([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0])
  yield* inSteps(values.length, (from, to) => boundsOf(values, bounds, from, to))
  const [min, max, counted] = bounds as unknown as [number, number, number]
  if (counted === 0) return {}
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

/** Widens `bounds` (min, max, count) by the values [from, to) that are not NaN. */
function boundsOf(values: Float64Array, bounds: Float64Array, from: number, to: number): void {
  let min = bounds[0]!
  let max = bounds[1]!
  let counted = 0
  for (let i = from; i < to; i++) {
    const v = values[i]!
    // (NaN is the one value unequal to itself.)
    if (v !== v) continue
    counted++
    if (v < min) min = v
    if (v > max) max = v
  }
  bounds[0] = min
  bounds[1] = max
  bounds[2]! += counted
}

/** Min and max of UTF-8 texts, in byte order (Parquet's order for strings). */
function* textBounds(values: readonly Uint8Array[]): Steps<{ min?: Uint8Array; max?: Uint8Array }> {
  if (values.length === 0) return {}
  let min = values[0]!
  let max = values[0]!
  yield* inSteps(values.length, (from, to) => {
    for (let i = from; i < to; i++) {
      const v = values[i]!
      if (Buffer.compare(v, min) < 0) min = v
      if (Buffer.compare(v, max) > 0) max = v
    }
  })
  return { min, max }
}
