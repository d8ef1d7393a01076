import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import * as ort from 'onnxruntime-node'
import { parse } from 'yaml'
import { loadModelFromDir, saveOnnxModel } from '../src/index.ts'
import { linearOnnxModel } from './fixtures/onnx-builder.ts'
import { tempDir } from './fixtures.ts'

const ONNX = linearOnnxModel([0.5, -2, 4], 1.25)
const ROWS = [{ a: 1, b: 2, c: 3 }, { a: -4, b: 0.5, c: 0 }]
let dir: string
let cleanup: () => Promise<void>
before(async () => ({ dir, cleanup } = await tempDir('onnx')))
after(() => cleanup())

/** What onnxruntime itself answers for the rows, without Orchard in between. */
async function inProcess(rows: readonly Record<string, number>[]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(ONNX)
  const x = new ort.Tensor('float32', Float32Array.from(rows.flatMap((r) => [r.a!, r.b!, r.c!])), [rows.length, 3])
  const y = (await session.run({ x })).y!
  await session.release()
  return rows.map((_, i) => [Number(y.data[i])])
}

test('an ONNX model saves in MLflow’s onnx layout and predicts what onnxruntime predicts', async () => {
  const folder = join(dir, 'model')
  await saveOnnxModel(folder, ONNX, { inputExample: ROWS })
  const mlmodel = parse(await readFile(join(folder, 'MLmodel'), 'utf8')) as { flavors: Record<string, Record<string, unknown>> }
  assert.equal(mlmodel.flavors.onnx?.data, 'model.onnx')
  assert.equal(mlmodel.flavors.python_function?.loader_module, 'mlflow.onnx')
  assert.match(await readFile(join(folder, 'requirements.txt'), 'utf8'), /onnxruntime/)
  const model = await loadModelFromDir(folder)
  try {
    assert.equal(model.flavor, 'onnx')
    assert.deepEqual(await model.predict(ROWS), await inProcess(ROWS))
    await assert.rejects(model.predict([{ a: 1, b: 2, c: 'x' }]), /column 'c'/)
  } finally {
    await model.close()
  }
})

test('an MLflow-written onnx model (python_function + onnx flavors only) loads too', async () => {
  const folder = join(dir, 'mlflow-written')
  await saveOnnxModel(folder, ONNX)
  const mlmodel = await readFile(join(folder, 'MLmodel'), 'utf8')
  const { writeFile } = await import('node:fs/promises')
  await writeFile(join(folder, 'MLmodel'), mlmodel.replace(/ {2}js_function:\n( {4}.*\n)+/, ''))
  const model = await loadModelFromDir(folder)
  try {
    assert.deepEqual(await model.predict({ x: [[1, 2, 3]] }), await inProcess([ROWS[0]!]))
    await assert.rejects(model.predict({ x: [[1, 2]] }), /takes 3 values per row; the input has 2/)
  } finally {
    await model.close()
  }
})

test('a file that is not ONNX is refused when loaded', async () => {
  const folder = join(dir, 'garbage')
  await saveOnnxModel(folder, Uint8Array.from([1, 2, 3]))
  await assert.rejects(loadModelFromDir(folder), /Cannot load the ONNX model/)
})
