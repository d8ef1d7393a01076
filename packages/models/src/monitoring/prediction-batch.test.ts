// The prediction log's buffer, as the encoding worker runs it: requests gathered per (model,
// version, day) and drained as Parquet files that hyparquet reads back with the values logged.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { Scratch, TextList } from './log-parquet.ts'
import { PredictionBatches, encodePartitionParts, outputsFit, partitionOf } from './prediction-batch.ts'
import type { EncodedFile, LogRecord } from './prediction-batch.ts'

const DAY = Date.UTC(2026, 11, 3, 12, 0, 0)

const record = (overrides: Partial<LogRecord> & Pick<LogRecord, 'rows' | 'names' | 'columns' | 'predictions'>): LogRecord => ({
  requestId: 'r',
  modelName: 'taxi',
  modelVersion: '3',
  timestampMs: DAY,
  latencyMs: 1.5,
  ...overrides,
})

const read = (file: EncodedFile) => {
  assert.ok('bytes' in file, `encoded: ${'error' in file ? file.error : ''}`)
  const buffer = file.bytes.buffer.slice(file.bytes.byteOffset, file.bytes.byteOffset + file.bytes.byteLength) as ArrayBuffer
  return { rows: parquetReadObjects({ file: buffer }), metadata: parquetMetadata(buffer) }
}

describe('PredictionBatches', () => {
  it('gathers requests into one file per model version and day, with the union of their columns', async () => {
    const batches = new PredictionBatches()
    batches.append([
      record({ requestId: 'a', rows: 2, names: ['x', 'city'], columns: [[1, 2.5], ['Oslo', null]], predictions: new Float64Array([10, Number.NaN]) }),
      record({ requestId: 'b', timestampMs: DAY + 1, latencyMs: 2, rows: 1, names: ['x', 'flag', 'row'], columns: [[3], [true], ['clash']], predictions: [7n] }),
    ])
    batches.append([record({ requestId: 'c', modelVersion: '4', rows: 1, names: ['x'], columns: [[4]], predictions: { mean: [1], sd: [0.5] } })])
    batches.append([record({ requestId: 'd', timestampMs: DAY + 86_400_000, rows: 1, names: ['x'], columns: [[5]], predictions: [8] })])
    const files = batches.drain()
    assert.deepEqual(
      files.map((f) => [f.folder, f.rows]),
      [
        ['taxi/version=3/date=2026-12-03', 3],
        ['taxi/version=4/date=2026-12-03', 1],
        ['taxi/version=3/date=2026-12-04', 1],
      ],
    )
    const first = read(files[0]!)
    const rows = await first.rows
    assert.deepEqual(
      rows.map((r) => [r.request_id, r.model_name, r.model_version, (r.timestamp as Date).getTime(), r.latency_ms, r.row, r.x, r.city, r.flag, r['input.row']]),
      [
        ['a', 'taxi', '3', DAY, 1.5, 0, 1, 'Oslo', null, null],
        ['a', 'taxi', '3', DAY, 1.5, 1, 2.5, null, null, null],
        ['b', 'taxi', '3', DAY + 1, 2, 0, 3, null, true, 'clash'],
      ],
    )
    // A NaN output stays NaN (a structured clone carries it; JSON would have made it null), a bigint becomes a double.
    assert.ok(Number.isNaN(rows[1]!.prediction))
    assert.deepEqual([rows[0]!.prediction, rows[2]!.prediction], [10, 7])
    // The log's own columns are never null, so they are REQUIRED; inputs and outputs may be null.
    const repetition = Object.fromEntries(first.metadata.schema.slice(1).map((e) => [e.name, e.repetition_type]))
    assert.deepEqual(
      ['request_id', 'timestamp', 'row', 'x', 'prediction'].map((name) => repetition[name]),
      ['REQUIRED', 'REQUIRED', 'REQUIRED', 'OPTIONAL', 'OPTIONAL'],
    )
    const second = await read(files[1]!).rows
    assert.deepEqual([second[0]!['prediction.mean'], second[0]!['prediction.sd']], [1, 0.5])
    assert.deepEqual(batches.drain(), [], 'a drain empties the buffer')
  })

  it('leaves out a malformed record whole, so that the server counts its rows as lost', () => {
    const batches = new PredictionBatches()
    batches.append([
      record({ rows: 2, names: ['x'], columns: [[1]], predictions: [1, 2] }),
      record({ rows: 1, names: ['x', 'y'], columns: [[1]], predictions: [1] }),
      record({ rows: 1, names: ['x'], columns: [[1]], predictions: [1, 2] }),
      record({ rows: 1, names: ['x'], columns: [[9]], predictions: [3] }),
    ])
    assert.deepEqual(batches.drain().map((f) => f.rows), [1])
  })

  it('writes the next file into the memory of one given back, and never into one still out', async () => {
    const batches = new PredictionBatches()
    const drainOne = (requestId: string, rows: number) => {
      batches.append([record({ requestId, rows, names: ['x'], columns: [Array.from({ length: rows }, (_, i) => i * 0.5)], predictions: new Float64Array(rows).fill(1) })])
      const [file] = batches.drain()
      assert.ok(file && 'bytes' in file)
      return file
    }
    const first = drainOne('first', 3_000)
    const kept = drainOne('kept', 10)
    assert.notEqual(kept.bytes.buffer, first.bytes.buffer, 'a file not given back keeps its memory')
    assert.deepEqual([...new Set((await read(first).rows).map((r) => r.request_id))], ['first'])
    batches.giveBack(first.bytes)
    const reused = drainOne('reused', 20)
    assert.equal(reused.bytes.buffer, first.bytes.buffer)
    const rows = await read(reused).rows
    assert.deepEqual(
      rows.map((r) => [r.request_id, r.x]),
      Array.from({ length: 20 }, (_, i) => ['reused', i * 0.5]),
    )
    assert.deepEqual((await read(kept).rows).length, 10)
  })

  it('moves its columns to another thread and back: the same files, and the columns reused', () => {
    const records = (seed: number) => [
      record({ requestId: `ä-${seed}`, modelName: 'täxi', rows: 3, names: ['x', 'city'], columns: [[1, null, 2.5], ['Oslo', 'Zürich', '']], predictions: new Float64Array([1, 2, seed]) }),
      record({ requestId: `b-${seed}`, timestampMs: DAY + 86_400_000, rows: 1, names: ['x', 'flag'], columns: [[seed], [true]], predictions: { mean: [1], sd: [0.5] } }),
      ...Array.from({ length: 300 }, (_, i) => record({ requestId: `r${i}-${seed}`, rows: 2, names: ['x', 'city'], columns: [[i, i / 3], [`c${i % 7}`, null]], predictions: [i, -i] })),
    ]
    const here = new PredictionBatches()
    const moved = new PredictionBatches()
    const thread = new Scratch()
    for (const seed of [1, 2]) {
      here.append(records(seed))
      moved.append(records(seed))
      const expected = here.drain()
      const { partitions, transfer } = moved.take()
      // What postMessage does to a message: a structured clone, the transferred memory detached here.
      const received = structuredClone(partitions, { transfer })
      assert.equal(transfer[0]!.byteLength, 0, 'the columns moved rather than copied')
      const { files, columns, transfer: back } = encodePartitionParts(received, thread)
      assert.deepEqual(
        files.map((f) => [f.folder, f.rows, 'bytes' in f ? Buffer.from(f.bytes).toString('hex') : f.error]),
        expected.map((f) => [f.folder, f.rows, 'bytes' in f ? Buffer.from(f.bytes).toString('hex') : f.error]),
      )
      assert.ok(columns.length >= 4, 'the emptied columns go back')
      moved.adoptColumns(structuredClone(columns, { transfer: back }))
    }
  })

  it('keeps texts as UTF-8 that reads back the same', () => {
    const list = new TextList()
    const texts = ['', 'a', 'Zürich', '東京', '😀 emoji', 'x'.repeat(5000), ...Array.from({ length: 200 }, (_, i) => `id-${i}`)]
    for (const text of texts) list.push(text)
    assert.deepEqual(list.strings(), texts)
    assert.deepEqual(TextList.fromParts(structuredClone(list.parts())).strings(), texts)
  })

  it('checks that outputs are one per row, and names partition folders safely', () => {
    assert.equal(outputsFit([1, 2], 2), true)
    assert.equal(outputsFit(new Float32Array(3), 3), true)
    assert.equal(outputsFit({ a: [1], b: [2] }, 1), true)
    assert.equal(outputsFit({ a: [1], b: [2, 3] }, 1), false)
    assert.equal(outputsFit([1], 2), false)
    assert.equal(outputsFit(3, 1), false)
    assert.equal(outputsFit(null, 1), false)
    assert.equal(partitionOf({ modelName: '../etc/passwd', modelVersion: 'a b', timestampMs: DAY }), '__etc_passwd/version=a_b/date=2026-12-03')
  })
})
