import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { parse } from 'yaml'
import { LinearModel, loadModelFromDir, readMlModel, saveLinearModel } from '../src/index.ts'
import { TAXI_EXAMPLE, TAXI_LIKE, tempDir } from './fixtures.ts'

let dir: string
let cleanup: () => Promise<void>
before(async () => ({ dir, cleanup } = await tempDir('linear')))
after(() => cleanup())

const rejectsWith = (promise: Promise<unknown>, code: string, fragment: string) =>
  assert.rejects(promise, (error: { code?: string; message: string }) => {
    assert.equal(error.code, code)
    assert.ok(error.message.includes(fragment), error.message)
    return true
  })

test('saveLinearModel writes an MLmodel in MLflow’s layout with an inferred signature and input example', async () => {
  const folder = join(dir, 'taxi')
  await saveLinearModel(folder, TAXI_LIKE, { inputExample: TAXI_EXAMPLE, metadata: { trained_on: '2021-01' } })
  const yaml = parse(await readFile(join(folder, 'MLmodel'), 'utf8')) as Record<string, any>
  assert.deepEqual(yaml.flavors, {
    'orchard.linear': { data: 'model.json', format_version: 1 },
    js_function: { loader_module: 'orchard.linear', data: 'model.json' },
  })
  assert.match(yaml.model_uuid, /^[0-9a-f]{32}$/)
  assert.match(yaml.utc_time_created, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/)
  assert.equal(typeof yaml.signature.inputs, 'string', 'MLflow stores the schema as a JSON string')
  assert.deepEqual(JSON.parse(yaml.signature.inputs), [
    { type: 'string', name: 'PULocationID', required: true },
    { type: 'string', name: 'DOLocationID', required: true },
    { type: 'double', name: 'trip_distance', required: true },
  ])
  assert.deepEqual(JSON.parse(yaml.signature.outputs), [{ type: 'double', name: 'duration', required: true }])
  assert.deepEqual(yaml.saved_input_example_info, {
    artifact_path: 'input_example.json',
    serving_input_path: 'serving_input_example.json',
    type: 'dataframe',
    pandas_orient: 'split',
  })
  assert.deepEqual(yaml.metadata, { trained_on: '2021-01' })
  assert.ok(yaml.model_size_bytes > 0)
  const example = JSON.parse(await readFile(join(folder, 'input_example.json'), 'utf8'))
  assert.deepEqual(example, { columns: ['PULocationID', 'DOLocationID', 'trip_distance'], data: [['43', '151', 2.5], ['1', '2', 10]] })
  const serving = JSON.parse(await readFile(join(folder, 'serving_input_example.json'), 'utf8'))
  assert.deepEqual(serving.dataframe_split, example)
  assert.deepEqual(JSON.parse(await readFile(join(folder, 'model.json'), 'utf8')).coefficients, TAXI_LIKE.coefficients)
})

test('a saved linear model loads and predicts what the in-process model predicts', async () => {
  const folder = join(dir, 'roundtrip')
  await saveLinearModel(folder, TAXI_LIKE, { inputExample: TAXI_EXAMPLE })
  const loaded = await loadModelFromDir(folder)
  assert.equal(loaded.flavor, 'orchard.linear')
  const rows = [...TAXI_EXAMPLE, { PULocationID: '7', DOLocationID: '7', trip_distance: 3 }]
  assert.deepEqual(await loaded.predict(rows), new LinearModel(TAXI_LIKE).predict(rows))
  assert.equal((await readMlModel(folder)).signature?.inputs?.kind, 'columns')
})

test('saving over a non-empty folder is refused', async () => {
  const folder = join(dir, 'twice')
  await saveLinearModel(folder, TAXI_LIKE)
  await rejectsWith(saveLinearModel(folder, TAXI_LIKE), 'RESOURCE_ALREADY_EXISTS', 'already exists and is not empty')
})

test('the signature is enforced at predict time, naming the column', async () => {
  const folder = join(dir, 'enforced')
  await saveLinearModel(folder, TAXI_LIKE, { inputExample: TAXI_EXAMPLE })
  const model = await loadModelFromDir(folder)
  await rejectsWith(model.predict([{ PULocationID: '43', trip_distance: 1 }]), 'BAD_REQUEST', "Model is missing inputs ['DOLocationID']")
  await rejectsWith(
    model.predict([{ PULocationID: '43', DOLocationID: '151', trip_distance: 'far' }]),
    'BAD_REQUEST',
    "Incompatible input types for column 'trip_distance'. Can not safely convert string to double",
  )
  await rejectsWith(model.predict([{ PULocationID: true, DOLocationID: '151', trip_distance: 1 }]), 'BAD_REQUEST', "column 'PULocationID'")
  const withExtra = [{ ...TAXI_EXAMPLE[0], tip: 3 }]
  assert.deepEqual(await model.predict(withExtra), [13.25], 'extra columns are ignored by default, as in MLflow')
  await rejectsWith(model.predict(withExtra, { extraColumns: 'reject' }), 'BAD_REQUEST', "extra inputs ['tip']")
  const strict = await loadModelFromDir(folder, { extraColumns: 'reject' })
  await rejectsWith(strict.predict(withExtra), 'BAD_REQUEST', "['tip']")
})

test('a numeric location ID is accepted for a string column and scores as its text', async () => {
  const model = await loadModelFromDir(join(dir, 'enforced'))
  assert.deepEqual(await model.predict([{ PULocationID: 43, DOLocationID: 151, trip_distance: 2.5 }]), [13.25])
})

test('a folder without MLmodel, or with flavors Orchard cannot run, is refused clearly', async () => {
  await rejectsWith(loadModelFromDir(join(dir, 'nothing-here')), 'RESOURCE_DOES_NOT_EXIST', 'No MLmodel file')
  const { writeFile, mkdir } = await import('node:fs/promises')
  const sklearn = join(dir, 'sklearn')
  await mkdir(sklearn)
  await writeFile(join(sklearn, 'MLmodel'), 'flavors:\n  python_function: {loader_module: mlflow.sklearn}\n  sklearn: {pickled_model: model.pkl}\nmodel_uuid: x\n')
  await rejectsWith(loadModelFromDir(sklearn), 'INVALID_PARAMETER_VALUE', 'its flavors are python_function, sklearn')
  await writeFile(join(sklearn, 'MLmodel'), 'flavors: [1, 2]\n')
  await rejectsWith(loadModelFromDir(sklearn), 'INVALID_PARAMETER_VALUE', "no 'flavors' mapping")
  await writeFile(join(sklearn, 'MLmodel'), 'flavors: {a: 1\n')
  await rejectsWith(loadModelFromDir(sklearn), 'INVALID_PARAMETER_VALUE', 'not valid YAML')
})
