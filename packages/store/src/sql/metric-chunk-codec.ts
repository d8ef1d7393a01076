/**
 * A metric chunk's points as SQLite stores them (migration 017), little-endian:
 *
 *   header (8 bytes)  format (1), timestamps' form, steps' form, 0, n (uint32)
 *   timestamps        by form: 0 = n doubles; 1 = one double, every point's; 2 = two doubles,
 *                     the first point's and the step between points (an arithmetic series)
 *   steps             the same three forms
 *   values            n doubles, NaN as itself
 *
 * A batch from a training loop usually shares one timestamp and counts its steps one by one, so a
 * point costs about 8 bytes instead of 24. Timestamps and steps are integers; as doubles they are
 * exact up to 2^53, which is as far as a JavaScript number holds them anyway, and a series is only
 * written as such when every point reads back exactly.
 */

import { encodeMetricValue } from './metric-value.ts'

const FORMAT = 1
const HEADER_BYTES = 8
const enum Form {
  Each = 0,
  Constant = 1,
  Series = 2,
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f

function formOf(column: Float64Array): Form {
  const n = column.length
  const first = column[0] as number
  const delta = n > 1 ? (column[1] as number) - first : 0
  if (!Number.isFinite(delta)) return Form.Each
  for (let i = 1; i < n; i++) if (column[i] !== first + i * delta) return Form.Each
  return delta === 0 ? Form.Constant : Form.Series
}

const doublesOf = (form: Form, n: number) => (form === Form.Each ? n : form === Form.Constant ? 1 : 2)

export function packMetricChunk(timestamps: Float64Array, steps: Float64Array, values: Float64Array): Buffer {
  const n = timestamps.length
  const timestampForm = formOf(timestamps)
  const stepForm = formOf(steps)
  const doubles = doublesOf(timestampForm, n) + doublesOf(stepForm, n) + n
  const all = new Float64Array(HEADER_BYTES / 8 + doubles)
  const header = new DataView(all.buffer, 0, HEADER_BYTES)
  header.setUint8(0, FORMAT)
  header.setUint8(1, timestampForm)
  header.setUint8(2, stepForm)
  header.setUint32(4, n, true)
  let at = HEADER_BYTES / 8
  for (const [column, form] of [
    [timestamps, timestampForm],
    [steps, stepForm],
  ] as const) {
    if (form === Form.Each) all.set(column, at)
    else if (form === Form.Constant) all[at] = column[0] as number
    else all.set([column[0] as number, (column[1] as number) - (column[0] as number)], at)
    at += doublesOf(form, n)
  }
  all.set(values, at)
  if (!LITTLE_ENDIAN) {
    const view = new DataView(all.buffer)
    for (let i = HEADER_BYTES / 8; i < all.length; i++) view.setFloat64(i * 8, all[i] as number, true)
  }
  return Buffer.from(all.buffer)
}

export interface UnpackedChunk {
  readonly timestamps: Float64Array
  readonly steps: Float64Array
  readonly values: Float64Array
}

function doublesFrom(data: Uint8Array): Float64Array {
  if (LITTLE_ENDIAN && data.byteOffset % 8 === 0) return new Float64Array(data.buffer, data.byteOffset, data.byteLength / 8)
  if (LITTLE_ENDIAN) {
    // Driver buffers may start anywhere in a shared slab, and a typed array of doubles needs 8-byte
    // alignment: the bytes are copied.
    const copy = new Uint8Array(data.byteLength)
    copy.set(data)
    return new Float64Array(copy.buffer)
  }
  const all = new Float64Array(data.byteLength / 8)
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  for (let i = 0; i < all.length; i++) all[i] = view.getFloat64(i * 8, true)
  return all
}

function expand(all: Float64Array, at: number, form: Form, n: number): Float64Array {
  if (form === Form.Each) return all.subarray(at, at + n)
  const column = new Float64Array(n)
  const first = all[at] as number
  if (form === Form.Constant) return column.fill(first)
  const delta = all[at + 1] as number
  for (let i = 0; i < n; i++) column[i] = first + i * delta
  return column
}

export function unpackMetricChunk(data: Uint8Array): UnpackedChunk {
  const corrupt = () => new Error(`a metric chunk of ${data.byteLength} bytes does not hold whole points`)
  if (data.byteLength < HEADER_BYTES || data.byteLength % 8 !== 0 || data[0] !== FORMAT) throw corrupt()
  const header = new DataView(data.buffer, data.byteOffset, HEADER_BYTES)
  const timestampForm = header.getUint8(1) as Form
  const stepForm = header.getUint8(2) as Form
  const n = header.getUint32(4, true)
  if (timestampForm > Form.Series || stepForm > Form.Series) throw corrupt()
  const all = doublesFrom(data)
  if (all.length !== HEADER_BYTES / 8 + doublesOf(timestampForm, n) + doublesOf(stepForm, n) + n) throw corrupt()
  let at = HEADER_BYTES / 8
  const timestamps = expand(all, at, timestampForm, n)
  at += doublesOf(timestampForm, n)
  const steps = expand(all, at, stepForm, n)
  at += doublesOf(stepForm, n)
  return { timestamps, steps, values: all.subarray(at, at + n) }
}

/**
 * Calls `visit` for each of an unpacked chunk's points as `metrics` stores a point: NaN as value 0
 * with isNan 1 (encodeMetricValue). Every reader that takes chunks whole goes through here.
 */
export function forEachChunkPoint(
  chunk: UnpackedChunk,
  visit: (timestamp: number, step: number, value: number, isNan: 0 | 1) => void,
): void {
  const { timestamps, steps, values } = chunk
  for (let i = 0; i < timestamps.length; i++) {
    const { value, isNan } = encodeMetricValue(values[i] as number)
    visit(timestamps[i] as number, steps[i] as number, value, isNan)
  }
}
