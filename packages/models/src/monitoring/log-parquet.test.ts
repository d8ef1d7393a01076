// The prediction log's own Parquet writer, read back by hyparquet (the reader the monitoring jobs
// use) and compared value by value with what the general writer (hyparquet-writer) gives for the
// same table, across every encoding path: runs, positions, number and text dictionaries, PLAIN
// fallbacks, nulls and booleans; and read by a second, stricter implementation, arrow-rs (the
// Rust Parquet reader, as parquet-wasm), as users' own tools would read the log.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { tableFromIPC } from 'apache-arrow'
import { readParquet } from 'parquet-wasm'
import { encodeLogFile } from './log-parquet.ts'
import type { LogColumn } from './log-parquet.ts'

const asBuffer = (bytes: Uint8Array) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer

/** A deterministic generator, so a failure reproduces. */
function random(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** Requests of random sizes (runs from 1 to 40 rows, so RLE and bit-packed groups mix). */
function requests(count: number, next: () => number) {
  const counts = new Int32Array(count)
  for (let i = 0; i < count; i++) counts[i] = 1 + Math.floor(next() * 40)
  const rows = counts.reduce((a, b) => a + b, 0)
  const positions = new Int32Array(rows)
  let at = 0
  for (const n of counts) for (let r = 0; r < n; r++) positions[at++] = r
  return { counts, rows, positions }
}

describe('encodeLogFile', () => {
  it('writes what hyparquet reads back, value for value, as the general writer does', async () => {
    const next = random(7)
    const { counts, rows, positions } = requests(300, next)
    const ids = Array.from(counts, (_, i) => `req-${i}-ü`)
    const times = Array.from(counts, (_, i) => Date.UTC(2026, 11, 4) + Math.floor(i / 3))
    const latencies = Array.from(counts, () => Math.round(next() * 100) / 10)
    const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)]!
    const column = (make: (i: number) => unknown) => Array.from({ length: rows }, (_, i) => make(i))
    const inputs: Record<string, unknown[]> = {
      // A few distinct numbers (a dictionary), with nulls.
      rounded: column(() => (next() < 0.1 ? null : Math.round(next() * 20) / 2)),
      // Continuous numbers (PLAIN past the dictionary bound), with NaN, infinities and bigints.
      continuous: column((i) => (i === 5 ? Number.NaN : i === 6 ? Number.NEGATIVE_INFINITY : i === 7 ? 12n : next() * 1e6 - 5e5)),
      signed_zero: column((i) => (i % 2 === 0 ? -0 : 1)),
      all_null: column(() => null),
      flag: column(() => (next() < 0.2 ? null : next() < 0.5)),
      city: column(() => (next() < 0.05 ? undefined : pick(['Oslo', 'São Paulo', '東京', '', 'x'.repeat(300)]))),
      mixed: column((i) => (i % 3 === 0 ? { a: i } : i % 3 === 1 ? new Date(Date.UTC(2026, 0, 1, 0, 0, i)) : 'text')),
    }
    const ours = encodeLogFile(rows, [
      { name: 'request_id', kind: 'runs', physical: 'BYTE_ARRAY', converted: 'UTF8', values: ids, counts },
      { name: 'timestamp', kind: 'runs', physical: 'INT64', converted: 'TIMESTAMP_MILLIS', values: times, counts },
      { name: 'latency_ms', kind: 'runs', physical: 'DOUBLE', values: latencies, counts },
      { name: 'row', kind: 'positions', values: positions },
      ...Object.entries(inputs).map(([name, values]): LogColumn => ({ name, kind: 'values', values })),
    ])
    const expand = <T>(perRequest: readonly T[]) => Array.from(counts, (n, i) => Array<T>(n).fill(perRequest[i]!)).flat()
    const text = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : JSON.stringify(v))
    const reference = parquetWriteBuffer({
      columnData: [
        { name: 'request_id', data: expand(ids), type: 'STRING', nullable: false },
        { name: 'timestamp', data: expand(times), type: 'TIMESTAMP', nullable: false },
        { name: 'latency_ms', data: expand(latencies), type: 'DOUBLE', nullable: false },
        { name: 'row', data: positions, type: 'INT32', nullable: false },
        ...['rounded', 'continuous', 'signed_zero', 'all_null'].map((name) => ({ name, data: inputs[name]!.map((v) => (v === null || v === undefined ? null : Number(v))), type: 'DOUBLE' as const, nullable: true })),
        { name: 'flag', data: inputs.flag!, type: 'BOOLEAN', nullable: true },
        { name: 'city', data: inputs.city!.map(text), type: 'STRING', nullable: true },
        { name: 'mixed', data: inputs.mixed!.map(text), type: 'STRING', nullable: true },
      ],
    })
    const [got, want] = await Promise.all([parquetReadObjects({ file: asBuffer(ours) }), parquetReadObjects({ file: reference })])
    assert.equal(got.length, rows)
    assert.deepEqual(got, want)
    assert.ok(Object.is(got[0]!.signed_zero, -0), 'a -0 keeps its sign')
    // The schema as the general writer declares it, and statistics a reader can prune with.
    const metadata = parquetMetadata(asBuffer(ours))
    const schema = metadata.schema.slice(1).map((e) => [e.name, e.type, e.repetition_type, e.converted_type ?? null])
    assert.deepEqual(schema, parquetMetadata(reference).schema.slice(1).map((e) => [e.name, e.type, e.repetition_type, e.converted_type ?? null]))
    const stats = Object.fromEntries(metadata.row_groups[0]!.columns.map((c) => [c.meta_data!.path_in_schema[0], c.meta_data!.statistics]))
    const numbers = (name: string) => (inputs[name] as unknown[]).filter((v): v is number => typeof v === 'number' && !Number.isNaN(v))
    // (+ 0 reads a -0 as 0: the format asks for a zero min to be written as -0.)
    assert.deepEqual([Number(stats.rounded!.min_value) + 0, Number(stats.rounded!.max_value) + 0], [Math.min(...numbers('rounded')), Math.max(...numbers('rounded'))])
    assert.equal(stats.rounded!.null_count, BigInt(inputs.rounded!.filter((v) => v === null).length))
    assert.equal(stats.all_null!.null_count, BigInt(rows))
    assert.deepEqual([stats.row!.min_value, stats.row!.max_value], [0, Math.max(...positions)])
    assert.deepEqual([stats.city!.min_value, stats.city!.max_value], ['', '東京'])
    assert.deepEqual([(stats.timestamp!.min_value as Date).getTime(), (stats.timestamp!.max_value as Date).getTime()], [times[0], times.at(-1)])
  })

  it('writes a text column of many distinct values PLAIN, and a one-row request as runs of one', async () => {
    const rows = 70_000
    const counts = new Int32Array(rows).fill(1)
    const ids = Array.from({ length: rows }, (_, i) => `r${i}`)
    const file = encodeLogFile(rows, [
      { name: 'request_id', kind: 'runs', physical: 'BYTE_ARRAY', converted: 'UTF8', values: ids, counts },
      { name: 'model_name', kind: 'runs', physical: 'BYTE_ARRAY', converted: 'UTF8', values: ids.map(() => 'taxi'), counts },
      { name: 'row', kind: 'positions', values: new Int32Array(rows) },
      { name: 'word', kind: 'values', values: ids.map((id) => `${id}-input`) },
    ])
    const back = await parquetReadObjects({ file: asBuffer(file) })
    assert.equal(back.length, rows)
    for (const i of [0, 1, 4095, 65_535, 65_536, 69_999]) assert.deepEqual(back[i], { request_id: `r${i}`, model_name: 'taxi', row: 0, word: `r${i}-input` })
    const chunks = parquetMetadata(asBuffer(file)).row_groups[0]!.columns.map((c) => c.meta_data!)
    assert.ok(!chunks[0]!.encodings.includes('RLE_DICTIONARY'), 'a request id a row is written PLAIN')
    assert.ok(chunks[1]!.encodings.includes('RLE_DICTIONARY') && chunks[1]!.total_compressed_size < 100n, 'one model name for every row is one run')
    assert.ok(!chunks[3]!.encodings.includes('RLE_DICTIONARY'), 'past 65,536 distinct texts the column is PLAIN')
  })

  it('writes one-row requests PLAIN, with bounds in byte order for any text', async () => {
    // U+FFFD sorts after U+1F600 in UTF-16 units, before it in UTF-8 bytes (Parquet's order).
    const names = ['taxi', '\u{1F600}', '\uFFFD', 'Zürich', 'a']
    const times = names.map((_, i) => Date.UTC(2026, 11, 4) + i * 1000)
    const latencies = [0.5, Number.NaN, 2, -0, 7]
    const counts = new Int32Array(names.length).fill(1)
    const file = encodeLogFile(names.length, [
      { name: 'model_name', kind: 'runs', physical: 'BYTE_ARRAY', converted: 'UTF8', values: names, counts },
      { name: 'timestamp', kind: 'runs', physical: 'INT64', converted: 'TIMESTAMP_MILLIS', values: times, counts },
      { name: 'latency_ms', kind: 'runs', physical: 'DOUBLE', values: latencies, counts },
    ])
    const back = await parquetReadObjects({ file: asBuffer(file) })
    assert.deepEqual(back.map((r) => r.model_name), names)
    assert.deepEqual(back.map((r) => (r.timestamp as Date).getTime()), times)
    assert.deepEqual(back.map((r) => r.latency_ms), latencies)
    const metadata = parquetMetadata(asBuffer(file))
    const chunks = metadata.row_groups[0]!.columns.map((c) => c.meta_data!)
    assert.deepEqual(chunks.map((c) => c.encodings.includes('RLE_DICTIONARY')), [false, false, false], 'no dictionary for one value a row')
    assert.deepEqual([chunks[0]!.statistics!.min_value, chunks[0]!.statistics!.max_value], ['Zürich', '\u{1F600}'])
    assert.deepEqual([chunks[2]!.statistics!.min_value, chunks[2]!.statistics!.max_value], [-0, 7])
    const table = tableFromIPC(readParquet(file).intoIPCStream())
    assert.deepEqual([...table.getChild('model_name')!], names)
  })

  it('writes an empty file that readers accept', async () => {
    const file = encodeLogFile(0, [{ name: 'row', kind: 'positions', values: new Int32Array(0) }])
    assert.deepEqual(await parquetReadObjects({ file: asBuffer(file) }), [])
  })

  it('writes what arrow-rs reads, with the types a user expects', () => {
    const next = random(11)
    const { counts, rows, positions } = requests(2_000, next)
    const ids = Array.from(counts, (_, i) => `req-${i}`)
    const times = Array.from(counts, (_, i) => Date.UTC(2026, 11, 4) + i)
    const inputs: Record<string, unknown[]> = {
      distance: Array.from({ length: rows }, (_, i) => (i % 50 === 0 ? null : Math.round(next() * 2000) / 100)),
      score: Array.from({ length: rows }, () => next()),
      zone: Array.from({ length: rows }, (_, i) => (i % 40 === 0 ? null : `zone-${Math.floor(next() * 300)}`)),
      note: Array.from({ length: rows }, (_, i) => `note ${i} ✓`),
      flag: Array.from({ length: rows }, (_, i) => (i % 9 === 0 ? null : next() < 0.5)),
    }
    const file = encodeLogFile(rows, [
      { name: 'request_id', kind: 'runs', physical: 'BYTE_ARRAY', converted: 'UTF8', values: ids, counts },
      { name: 'timestamp', kind: 'runs', physical: 'INT64', converted: 'TIMESTAMP_MILLIS', values: times, counts },
      { name: 'row', kind: 'positions', values: positions },
      ...Object.entries(inputs).map(([name, values]): LogColumn => ({ name, kind: 'values', values })),
    ])
    const table = tableFromIPC(readParquet(file).intoIPCStream())
    assert.equal(table.numRows, rows)
    assert.deepEqual(
      table.schema.fields.map((f) => [f.name, String(f.type), f.nullable]),
      [
        ['request_id', 'Utf8', false],
        ['timestamp', 'Timestamp<MILLISECOND, UTC>', false],
        ['row', 'Int32', false],
        ['distance', 'Float64', true],
        ['score', 'Float64', true],
        ['zone', 'Utf8', true],
        ['note', 'Utf8', true],
        ['flag', 'Bool', true],
      ],
    )
    const expand = <T>(perRequest: readonly T[]) => Array.from(counts, (n, i) => Array<T>(n).fill(perRequest[i]!)).flat()
    const column = (name: string) => [...table.getChild(name)!].map((v) => (typeof v === 'bigint' ? Number(v) : v))
    assert.deepEqual(column('request_id'), expand(ids))
    assert.deepEqual(column('timestamp'), expand(times))
    assert.deepEqual(column('row'), [...positions])
    for (const [name, values] of Object.entries(inputs)) assert.deepEqual(column(name), values, name)
  })
})
