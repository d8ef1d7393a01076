import { deflateSync } from 'node:zlib'
import { invalidParameter } from '@orchard/protocol/base'

// Serialisations for logDict, logTable and logImage, kept free of dependencies.

const PLAIN_SCALAR = /^[A-Za-z_][A-Za-z0-9_ .\/-]*$/
const YAML_WORDS = /^(true|false|yes|no|on|off|null|~|y|n)$/i

/** A YAML scalar: plain where YAML reads it back as the same string, otherwise a JSON (double-quoted) string. */
function yamlScalar(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf'
  if (typeof value === 'boolean') return String(value)
  const text = typeof value === 'string' ? value : String(value)
  return PLAIN_SCALAR.test(text) && !YAML_WORDS.test(text) && !text.endsWith(' ') ? text : JSON.stringify(text)
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)

function yamlLines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`]
    return value.flatMap((item) => {
      if ((isPlainObject(item) && Object.keys(item).length > 0) || (Array.isArray(item) && item.length > 0)) {
        const [first = '', ...rest] = yamlLines(item, `${indent}  `)
        return [`${indent}- ${first.trimStart()}`, ...rest]
      }
      return [`${indent}- ${inline(item)}`]
    })
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value)
    if (entries.length === 0) return [`${indent}{}`]
    return entries.flatMap(([key, item]) => {
      const name = `${indent}${yamlScalar(key)}:`
      if ((isPlainObject(item) && Object.keys(item).length > 0) || (Array.isArray(item) && item.length > 0)) {
        return [name, ...yamlLines(item, isPlainObject(item) ? `${indent}  ` : indent)]
      }
      return [`${name} ${inline(item)}`]
    })
  }
  return [`${indent}${inline(value)}`]
}

const inline = (value: unknown): string =>
  Array.isArray(value) ? '[]' : isPlainObject(value) ? '{}' : value instanceof Date ? JSON.stringify(value.toISOString()) : yamlScalar(value)

/** Block-style YAML for JSON-like data, keys in insertion order (as MLflow's yaml.dump(sort_keys=False)). */
export function toYaml(value: unknown): string {
  return `${yamlLines(value, '').join('\n')}\n`
}

/** logDict's file: YAML for `.yaml`/`.yml`, JSON (indented) for anything else, as MLflow. */
export function encodeDict(dictionary: unknown, artifactFile: string): string {
  return /\.ya?ml$/i.test(artifactFile) ? toYaml(dictionary) : `${JSON.stringify(dictionary, null, 2)}\n`
}

/** A table as pandas' `orient="split"` JSON: what MLflow's log_table writes and its UI reads. */
export interface SplitTable {
  readonly columns: string[]
  readonly data: unknown[][]
}

/** Columns (`{ a: [1, 2], b: ['x', 'y'] }`) or rows (`[{ a: 1, b: 'x' }, …]`) as a split table. */
export function toSplitTable(data: Readonly<Record<string, readonly unknown[]>> | readonly Readonly<Record<string, unknown>>[]): SplitTable {
  if (Array.isArray(data)) {
    const rows = data as readonly Readonly<Record<string, unknown>>[]
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))]
    return { columns, data: rows.map((row) => columns.map((c) => row[c] ?? null)) }
  }
  const byColumn = data as Readonly<Record<string, readonly unknown[]>>
  const columns = Object.keys(byColumn)
  const lengths = new Set(columns.map((c) => byColumn[c]?.length))
  if (lengths.size > 1) throw invalidParameter(`All columns of a table must have the same length; got lengths ${[...lengths].join(', ')} for columns ${columns.join(', ')}.`)
  const length = columns.length ? (byColumn[columns[0] as string]?.length ?? 0) : 0
  return { columns, data: Array.from({ length }, (_, i) => columns.map((c) => byColumn[c]?.[i] ?? null)) }
}

/** `existing` followed by `added`, over the union of their columns (pandas' concat). */
export function appendTables(existing: SplitTable, added: SplitTable): SplitTable {
  const columns = [...new Set([...existing.columns, ...added.columns])]
  const reorder = (table: SplitTable) => table.data.map((row) => columns.map((c) => {
    const index = table.columns.indexOf(c)
    return index === -1 ? null : (row[index] ?? null)
  }))
  return { columns, data: [...reorder(existing), ...reorder(added)] }
}

const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text
}

/** RFC 4180 CSV: a header row, then one line per row; empty cells for missing values. */
export function toCsv(table: SplitTable): string {
  return `${[table.columns, ...table.data].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`
}

/** Raw pixels for logImage: 8-bit gray, RGB or RGBA rows, top to bottom. */
export interface RawImage {
  readonly width: number
  readonly height: number
  /** `width × height × channels` values in 0–255. */
  readonly data: Uint8Array | Uint8ClampedArray | readonly number[]
  /** 1 (gray), 3 (RGB) or 4 (RGBA); inferred from the data length when left out. */
  readonly channels?: 1 | 3 | 4
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0)
  return Buffer.concat([head, body, crc])
}

/** A PNG of raw pixels (filter 0 on every row, zlib-deflated). */
export function encodePng(image: RawImage): Buffer {
  const { width, height } = image
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw invalidParameter(`An image needs a positive integer width and height; got ${width} × ${height}.`)
  }
  const channels = image.channels ?? image.data.length / (width * height)
  if (channels !== 1 && channels !== 3 && channels !== 4) throw invalidParameter(`An image needs 1, 3 or 4 channels; ${image.data.length} values do not fit ${width} × ${height}.`)
  if (image.data.length !== width * height * channels) throw invalidParameter(`Expected ${width * height * channels} values for ${width} × ${height} × ${channels}; got ${image.data.length}.`)
  const stride = width * channels
  const raw = Buffer.alloc((stride + 1) * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < stride; x++) {
      const value = Number(image.data[y * stride + x])
      if (!(value >= 0 && value <= 255)) throw invalidParameter(`Pixel values must be in 0–255; found ${value} at index ${y * stride + x}.`)
      raw[y * (stride + 1) + 1 + x] = value
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8
  header[9] = channels === 1 ? 0 : channels === 3 ? 2 : 6
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ])
}

/** The format of encoded image bytes, from their magic number. */
export function imageFormat(bytes: Uint8Array): 'png' | 'jpeg' | 'gif' | 'webp' | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 12))
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png'
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg'
  if (b.subarray(0, 4).toString('latin1') === 'GIF8') return 'gif'
  if (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp'
  return undefined
}
