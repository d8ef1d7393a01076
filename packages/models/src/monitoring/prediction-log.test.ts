// The prediction logger on its own: batching into Parquet files partitioned by model version and
// day, sampling, the bounded buffer, and failures that drop and count rows instead of throwing.
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parquetReadObjects } from 'hyparquet'
import { tableFromRecords } from '../table.ts'
import { PredictionLogger, acceptRequestId } from './prediction-log.ts'
import type { PredictionLogSink } from './prediction-log.ts'

/** A folder on disk, as the local artifact repository writes it. */
const folderSink = (root: string): PredictionLogSink => ({
  async writeArtifact(path, body) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), body)
  },
})

async function files(root: string): Promise<string[]> {
  await mkdir(root, { recursive: true })
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1)).sort()
}

const DAY1 = Date.UTC(2026, 11, 3, 23, 59, 0)
const DAY2 = Date.UTC(2026, 11, 4, 0, 1, 0)

describe('PredictionLogger', () => {
  let root: string
  before(async () => (root = await mkdtemp(join(tmpdir(), 'orchard-prediction-log-'))))
  after(() => rm(root, { recursive: true, force: true }))

  it('writes one Parquet file per model version and day at a flush, with ids, times, inputs and outputs', async () => {
    const dir = join(root, 'layout')
    const logger = new PredictionLogger({ sink: folderSink(dir), modelName: 'taxi duration', modelVersion: '3', flushIntervalMs: 60_000, now: () => DAY2 })
    logger.log({ requestId: 'r1', timestampMs: DAY1, latencyMs: 1.5, input: tableFromRecords([{ PU_DO: '43_151', trip_distance: 1.2 }, { PU_DO: '1_2', trip_distance: 7 }]), predictions: [10.5, 20] })
    logger.log({ requestId: 'r2', timestampMs: DAY2, latencyMs: 2, input: tableFromRecords([{ PU_DO: '5_6', trip_distance: 3, extra: true }]), predictions: [12] })
    logger.setModel('taxi duration', '4')
    logger.log({ requestId: 'r3', timestampMs: DAY2, latencyMs: 3, input: tableFromRecords([{ trip_distance: 4 }]), predictions: { mean: [1], sd: [0.5] } })
    assert.deepEqual(await files(dir), [], 'nothing is written before a flush')
    await logger.flush()
    const written = await files(dir)
    assert.equal(written.length, 3)
    assert.match(written[0]!, /^taxi_duration\/version=3\/date=2026-12-03\/predictions-000100-000001-[0-9a-f]{8}\.parquet$/)
    assert.match(written[1]!, /^taxi_duration\/version=3\/date=2026-12-04\//)
    assert.match(written[2]!, /^taxi_duration\/version=4\/date=2026-12-04\//)
    const first = await parquetReadObjects({ file: (await readFile(join(dir, written[0]!))).buffer as ArrayBuffer })
    assert.deepEqual(first.map((r) => [r.request_id, r.model_name, r.model_version, (r.timestamp as Date).getTime(), r.latency_ms, r.row, r.PU_DO, r.trip_distance, r.prediction]), [
      ['r1', 'taxi duration', '3', DAY1, 1.5, 0, '43_151', 1.2, 10.5],
      ['r1', 'taxi duration', '3', DAY1, 1.5, 1, '1_2', 7, 20],
    ])
    const second = await parquetReadObjects({ file: (await readFile(join(dir, written[1]!))).buffer as ArrayBuffer })
    assert.equal(second[0]!.extra, true)
    const third = await parquetReadObjects({ file: (await readFile(join(dir, written[2]!))).buffer as ArrayBuffer })
    assert.deepEqual([third[0]!['prediction.mean'], third[0]!['prediction.sd']], [1, 0.5])
    assert.deepEqual(logger.getStats(), { requestsLogged: 3, rowsWritten: 4, filesWritten: 3, rowsDropped: { sampled_out: 0, buffer_full: 0, write_failed: 0, bad_output: 0 } })
    await logger.close()
  })

  it('flushes on its own after the interval, and early once enough rows wait', async () => {
    const dir = join(root, 'timed')
    const logger = new PredictionLogger({ sink: folderSink(dir), modelName: 'm', modelVersion: '1', flushIntervalMs: 50, flushRows: 3 })
    logger.log({ requestId: 'a', timestampMs: Date.now(), latencyMs: 1, input: tableFromRecords([{ x: 1 }]), predictions: [1] })
    for (let i = 0; i < 200 && logger.getStats().filesWritten === 0; i++) await new Promise((r) => setTimeout(r, 25))
    assert.equal(logger.getStats().filesWritten, 1)
    logger.log({ requestId: 'b', timestampMs: Date.now(), latencyMs: 1, input: tableFromRecords([{ x: 1 }, { x: 2 }, { x: 3 }]), predictions: [1, 2, 3] })
    for (let i = 0; i < 400 && logger.getStats().filesWritten === 1; i++) await new Promise((r) => setTimeout(r, 25))
    assert.equal(logger.getStats().rowsWritten, 4)
    await logger.close()
  })

  it('never throws on a failed write or a full buffer: it drops the rows, counts them and reports them on /metrics', async () => {
    const errors: unknown[] = []
    const failing: PredictionLogSink = { writeArtifact: () => Promise.reject(new Error('no space left on device')) }
    const logger = new PredictionLogger({ sink: failing, modelName: 'm', modelVersion: '1', maxBufferedRows: 4, flushIntervalMs: 60_000, onError: (e) => errors.push(e) })
    const request = (rows: number) => ({ requestId: 'x', timestampMs: DAY1, latencyMs: 1, input: tableFromRecords(Array.from({ length: rows }, () => ({ x: 1 }))), predictions: Array(rows).fill(0) })
    logger.log(request(2))
    logger.log(request(3)) // would exceed 4 buffered rows
    logger.log(request(1))
    logger.log({ ...request(1), predictions: [1, 2] }) // the model returned the wrong number of outputs
    await logger.flush()
    assert.deepEqual(logger.getStats().rowsDropped, { sampled_out: 0, buffer_full: 3, write_failed: 3, bad_output: 1 })
    assert.equal(errors.length, 1)
    const metrics = logger.renderMetrics()
    assert.match(metrics, /^orchard_prediction_log_dropped_rows_total\{reason="buffer_full"\} 3$/m)
    assert.match(metrics, /^orchard_prediction_log_dropped_rows_total\{reason="write_failed"\} 3$/m)
    assert.match(metrics, /^orchard_prediction_log_rows_total 0$/m)
  })

  for (const encodingThread of [true, false]) {
    it(`does not hold the event loop for a flush: ${encodingThread ? 'encoded on a thread of its own' : 'encoded on it a slice at a time'}`, async () => {
      const dir = join(root, `flush-thread-${encodingThread}`)
      const logger = new PredictionLogger({ sink: folderSink(dir), modelName: 'm', modelVersion: '1', flushIntervalMs: 60_000, encodingThread })
      const input = tableFromRecords(Array.from({ length: 100 }, (_, i) => ({ x: i * 0.37, zone: `z${i % 7}` })))
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 500; i++) logger.log({ requestId: `r${round}-${i}`, timestampMs: DAY1 + i, latencyMs: 1, input, predictions: Array.from({ length: 100 }, (_, r) => r + i + round) })
        // What a server would do meanwhile: count the event loop's turns until the flush is done.
        let turns = 0
        let done = false
        const flushed = logger.flush().then(() => (done = true))
        const turn = () => {
          turns++
          if (!done) setImmediate(turn)
        }
        setImmediate(turn)
        await flushed
        assert.ok(turns >= 5, `the event loop turned ${turns} times while 50,000 rows were encoded`)
        assert.equal(logger.encodingOnThread, encodingThread)
      }
      assert.equal(logger.getStats().rowsWritten, 100_000)
      // The second flush wrote into memory the first gave back: both files must read back whole.
      const written = await files(dir)
      assert.equal(written.length, 2)
      for (const [round, file] of written.entries()) {
        const rows = await parquetReadObjects({ file: (await readFile(join(dir, file))).buffer as ArrayBuffer })
        assert.equal(rows.length, 50_000)
        assert.deepEqual([rows[49_999]!.request_id, rows[49_999]!.x, rows[49_999]!.zone, rows[49_999]!.prediction], [`r${round}-499`, 99 * 0.37, 'z1', 99 + 499 + round])
      }
      await logger.close()
    })
  }

  it('takes a request’s values in the next turn of the event loop, with the model of the time it was logged', async () => {
    const dir = join(root, 'copied')
    const logger = new PredictionLogger({ sink: folderSink(dir), modelName: 'm', modelVersion: '1', flushIntervalMs: 60_000 })
    const input = tableFromRecords([{ x: 1 }, { x: 2 }])
    const predictions = [10, 20]
    logger.log({ requestId: 'a', timestampMs: DAY1, latencyMs: 1, input, predictions })
    logger.setModel('m', '2')
    await new Promise(setImmediate)
    // Taken in by now: the caller may reuse its arrays.
    ;(input.columns[0] as unknown[])[0] = 99
    predictions[1] = 99
    await logger.flush()
    const [file] = await files(dir)
    const rows = await parquetReadObjects({ file: (await readFile(join(dir, file!))).buffer as ArrayBuffer })
    assert.deepEqual(rows.map((r) => [r.x, r.prediction, r.model_version]), [[1, 10, '1'], [2, 20, '1']])
    await logger.close()
  })

  it('counts the rows of a malformed request as failed, and logs the others', async () => {
    const errors: unknown[] = []
    const dir = join(root, 'malformed')
    const logger = new PredictionLogger({ sink: folderSink(dir), modelName: 'm', modelVersion: '1', flushIntervalMs: 60_000, onError: (e) => errors.push(e) })
    // A table whose column is shorter than its row count (no parser makes one; a flavor might).
    logger.log({ requestId: 'bad', timestampMs: DAY1, latencyMs: 1, input: { names: ['x'], columns: [[1]], rowCount: 2 }, predictions: [1, 2] })
    logger.log({ requestId: 'good', timestampMs: DAY1, latencyMs: 1, input: tableFromRecords([{ x: 1 }, { x: 2 }, { x: 3 }]), predictions: [1, 2, 3] })
    await logger.flush()
    assert.deepEqual([logger.getStats().rowsDropped.write_failed, logger.getStats().rowsWritten], [2, 3])
    assert.match(String(errors[0]), /2 logged rows were left out of the prediction log as malformed/)
    await logger.close()
  })

  it('bounds the rows not yet written, including those of a flush still encoding or writing', async () => {
    let release = () => {}
    const released = new Promise<void>((resolve) => (release = resolve))
    const slow: PredictionLogSink = { writeArtifact: () => released }
    const logger = new PredictionLogger({ sink: slow, modelName: 'm', modelVersion: '1', maxBufferedRows: 4, flushIntervalMs: 60_000 })
    const request = (rows: number) => ({ requestId: 'x', timestampMs: DAY1, latencyMs: 1, input: tableFromRecords(Array.from({ length: rows }, () => ({ x: 1 }))), predictions: Array(rows).fill(0) })
    logger.log(request(3))
    const flushed = logger.flush()
    logger.log(request(2)) // the 3 rows being written still count
    assert.match(logger.renderMetrics(), /^orchard_prediction_log_buffered_rows 3$/m)
    release()
    await flushed
    logger.log(request(2))
    assert.deepEqual([logger.getStats().rowsDropped.buffer_full, logger.getStats().rowsWritten], [2, 3])
    assert.match(logger.renderMetrics(), /^orchard_prediction_log_buffered_rows 2$/m)
    await logger.close()
  })

  it('samples requests at the given rate', () => {
    let i = 0
    const draws = [0.05, 0.5, 0.09, 0.95]
    const logger = new PredictionLogger({ sink: folderSink(root), modelName: 'm', modelVersion: '1', sampleRate: 0.1, random: () => draws[i++]! })
    assert.deepEqual(draws.map(() => logger.sample()), [true, false, true, false])
    assert.throws(() => new PredictionLogger({ sink: folderSink(root), modelName: 'm', modelVersion: '1', sampleRate: 1.5 }), /sample rate must be in \[0, 1\]/)
  })

  it('accepts a caller’s request id only when it is short and printable', () => {
    assert.equal(acceptRequestId('req-42.a:b'), 'req-42.a:b')
    assert.equal(acceptRequestId(['first', 'second']), 'first')
    assert.equal(acceptRequestId('has space'), undefined)
    assert.equal(acceptRequestId('x'.repeat(129)), undefined)
    assert.equal(acceptRequestId(undefined), undefined)
  })
})
