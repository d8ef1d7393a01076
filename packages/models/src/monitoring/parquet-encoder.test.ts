// The prediction log's encoder hands whole flushes to a thread of its own; these check what
// happens around that thread: the files it returns, and a thread that cannot start.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, it } from 'node:test'
import { parquetReadObjects } from 'hyparquet'
import { ParquetEncoder } from './parquet-encoder.ts'
import type { EncodedFile, LogRecord } from './prediction-batch.ts'

const DAY = Date.UTC(2026, 11, 5, 12, 0, 0)
const records = (from: number, count: number): LogRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    requestId: `r${from + i}`,
    modelName: 'taxi',
    modelVersion: '3',
    timestampMs: DAY + from + i,
    latencyMs: 1,
    rows: 2,
    names: ['x', 'zone'],
    columns: [[from + i, 0.5], [`z${i % 3}`, null]],
    predictions: [i, -i],
  }))

async function rowsOf(files: readonly EncodedFile[]) {
  assert.equal(files.length, 1)
  const [file] = files
  assert.ok(file && 'bytes' in file, `encoded: ${file && 'error' in file ? file.error : ''}`)
  const buffer = file.bytes.buffer.slice(file.bytes.byteOffset, file.bytes.byteOffset + file.bytes.byteLength) as ArrayBuffer
  return parquetReadObjects({ file: buffer })
}

describe('ParquetEncoder', () => {
  it('encodes on its thread; a file written into memory given back, and into emptied columns, reads back whole', async () => {
    const encoder = new ParquetEncoder()
    try {
      encoder.append(records(0, 400))
      const first = await encoder.drain()
      assert.equal(encoder.threaded, true)
      const rows = await rowsOf(first)
      assert.equal(rows.length, 800)
      assert.deepEqual([rows[799]!.request_id, rows[799]!.x, rows[799]!.zone, rows[799]!.prediction], ['r399', 0.5, null, -399])
      encoder.giveBack((first[0] as { bytes: Uint8Array }).bytes)
      encoder.append(records(400, 10))
      const second = await rowsOf(await encoder.drain())
      assert.deepEqual(second.map((r) => r.request_id), Array.from({ length: 10 }, (_, i) => [`r${400 + i}`, `r${400 + i}`]).flat())
      assert.deepEqual(second.map((r) => r.x), Array.from({ length: 10 }, (_, i) => [400 + i, 0.5]).flat())
    } finally {
      await encoder.close()
    }
  })

  it('does not keep the process alive: one never closed lets it exit, after a drain too', () => {
    const script = [
      `import { ParquetEncoder } from ${JSON.stringify(new URL('./parquet-encoder.ts', import.meta.url).href)}`,
      `const idle = new ParquetEncoder()`,
      `const used = new ParquetEncoder()`,
      `used.append([{ requestId: 'a', modelName: 'm', modelVersion: '1', timestampMs: 0, latencyMs: 1, rows: 1, names: ['x'], columns: [[1]], predictions: [2] }])`,
      `const files = await used.drain()`,
      `console.log(files.length, used.threaded, idle.threaded)`,
    ].join('\n')
    const child = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 })
    assert.equal(child.signal, null, `the process did not exit by itself: ${child.stderr}`)
    assert.equal(child.stdout.trim(), '1 true true', child.stderr)
  })

  it('loses nothing when its thread cannot start: the drain is encoded here, and it says so', async () => {
    const warnings: Error[] = []
    const encoder = new ParquetEncoder({ workerFile: new URL('./no-such-worker.ts', import.meta.url), onThreadError: (error) => warnings.push(error) })
    try {
      encoder.append(records(0, 50))
      const rows = await rowsOf(await encoder.drain())
      assert.equal(rows.length, 100)
      assert.equal(encoder.threaded, false)
      assert.equal(warnings.length, 1)
      // Later drains encode on the event loop.
      encoder.append(records(50, 5))
      assert.equal((await rowsOf(await encoder.drain())).length, 10)
    } finally {
      await encoder.close()
    }
  })
})
