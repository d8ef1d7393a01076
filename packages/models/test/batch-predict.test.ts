import assert from 'node:assert/strict'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { parquetReadObjects, asyncBufferFromFile } from 'hyparquet'
import { parquetWriteFile } from 'hyparquet-writer'
import { LinearModel, batchPredict, loadModelFromDir, saveLinearModel } from '../src/index.ts'
import type { LoadedModel } from '../src/index.ts'
import { TAXI_LIKE, tempDir } from './fixtures.ts'

let dir: string
let cleanup: () => Promise<void>
let model: LoadedModel
const ROWS = Array.from({ length: 2_345 }, (_, i) => ({
  PULocationID: String([43, 1, 7, 99][i % 4]),
  DOLocationID: String([151, 2, 7, 98][i % 4]),
  trip_distance: (i % 37) / 3,
}))
const expected = new LinearModel(TAXI_LIKE).predict(ROWS)

before(async () => {
  ;({ dir, cleanup } = await tempDir('batch'))
  await saveLinearModel(join(dir, 'model'), TAXI_LIKE, { inputExample: ROWS.slice(0, 3) })
  model = await loadModelFromDir(join(dir, 'model'))
  await writeFile(join(dir, 'in.csv'), `PULocationID,DOLocationID,trip_distance\n${ROWS.map((r) => `${r.PULocationID},${r.DOLocationID},${r.trip_distance}`).join('\n')}\n`)
  await writeFile(join(dir, 'in.jsonl'), ROWS.map((r) => JSON.stringify(r)).join('\n'))
  parquetWriteFile({
    filename: join(dir, 'in.parquet'),
    columnData: [
      { name: 'PULocationID', data: ROWS.map((r) => r.PULocationID), type: 'STRING' },
      { name: 'DOLocationID', data: ROWS.map((r) => r.DOLocationID), type: 'STRING' },
      { name: 'trip_distance', data: ROWS.map((r) => r.trip_distance), type: 'DOUBLE' },
    ],
    rowGroupSize: 1000,
  })
})
after(() => cleanup())

const close = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-9)

async function readPredictions(path: string): Promise<number[]> {
  if (path.endsWith('.csv')) {
    const [header, ...lines] = (await readFile(path, 'utf8')).trimEnd().split('\n')
    assert.equal(header, 'duration')
    return lines.map(Number)
  }
  if (path.endsWith('.jsonl')) return (await readFile(path, 'utf8')).trimEnd().split('\n').map((line) => (JSON.parse(line) as { duration: number }).duration)
  const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(path) })) as { duration: number }[]
  return rows.map((r) => r.duration)
}

test('CSV, JSON lines and Parquet inputs larger than a chunk score like the in-process model, to every output format', async () => {
  for (const input of ['in.csv', 'in.jsonl', 'in.parquet']) {
    for (const output of ['out.csv', 'out.jsonl', 'out.parquet']) {
      const target = join(dir, `${input}-${output}`)
      const progress: number[] = []
      const summary = await batchPredict(model, { input: join(dir, input), output: target, chunkRows: 1000, onProgress: (rows) => progress.push(rows) })
      assert.equal(summary.rows, ROWS.length)
      assert.ok(summary.chunks >= 3, `${input}: ${summary.chunks} chunks`)
      assert.deepEqual(progress.at(-1), ROWS.length)
      assert.ok(close(await readPredictions(target), expected), `${input} → ${output}`)
    }
  }
})

test('a bad row stops the run with its position and leaves no output file', async () => {
  const lines = ROWS.slice(0, 1500).map((r) => JSON.stringify(r))
  lines[1234] = JSON.stringify({ PULocationID: '1', DOLocationID: '2', trip_distance: 'far' })
  await writeFile(join(dir, 'bad.jsonl'), lines.join('\n'))
  await assert.rejects(batchPredict(model, { input: join(dir, 'bad.jsonl'), output: join(dir, 'bad-out.csv'), chunkRows: 1000 }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'BAD_REQUEST')
    assert.match(error.message, /In rows 1001-1500 .*column 'trip_distance'.*row 234/)
    return true
  })
  await assert.rejects(stat(join(dir, 'bad-out.csv')), { code: 'ENOENT' })
  await assert.rejects(stat(join(dir, 'bad-out.csv.partial')), { code: 'ENOENT' })
})

test('unreadable inputs are refused clearly', async () => {
  await writeFile(join(dir, 'broken.jsonl'), '{"a": 1}\n{nope\n')
  await assert.rejects(batchPredict(model, { input: join(dir, 'broken.jsonl'), output: join(dir, 'x.csv') }), /Line 2 .* is not valid JSON/)
  await writeFile(join(dir, 'fake.parquet'), 'not parquet at all')
  await assert.rejects(batchPredict(model, { input: join(dir, 'fake.parquet'), output: join(dir, 'x.csv') }), /is not a Parquet file/)
  await assert.rejects(batchPredict(model, { input: join(dir, 'in.txt'), output: join(dir, 'x.csv') }), /Cannot tell the format of .*in\.txt/)
  await writeFile(join(dir, 'empty.csv'), '')
  await assert.rejects(batchPredict(model, { input: join(dir, 'empty.csv'), output: join(dir, 'x.csv') }), /is empty/)
})
