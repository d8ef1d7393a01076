import assert from 'node:assert/strict'
import { cp, readFile, writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { parse } from 'yaml'
import { loadModelFromDir, saveJsModel } from '../src/index.ts'
import * as userModel from './fixtures/js-model/model.ts'
import { tempDir } from './fixtures.ts'

const FIXTURE = join(import.meta.dirname, 'fixtures', 'js-model')
const ROWS = [{ color: 'red', size: 2 }, { color: 'blue', size: 4 }, { color: 'green', size: 1 }]
let dir: string
let cleanup: () => Promise<void>
before(async () => ({ dir, cleanup } = await tempDir('js')))
after(() => cleanup())

test('an orchard.js model is bundled with its imports and data, and predicts as the module does in process', async () => {
  const folder = join(dir, 'saved')
  await saveJsModel(folder, { module: join(FIXTURE, 'model.ts'), data: join(FIXTURE, 'data') }, { inputExample: ROWS })
  const mlmodel = parse(await readFile(join(folder, 'MLmodel'), 'utf8')) as { flavors: Record<string, Record<string, unknown>> }
  assert.deepEqual(mlmodel.flavors.js_function, { loader_module: 'orchard.js', code: 'code/model.mjs' })
  assert.equal(mlmodel.flavors['orchard.js']?.entry, 'model.ts')
  const bundle = await readFile(join(folder, 'code', 'model.mjs'), 'utf8')
  assert.doesNotMatch(bundle, /from ["']\.\/score/, 'the helper is inlined, not imported')
  // Moved away from the project, the model still loads: nothing points back at the source tree.
  const moved = join(dir, 'elsewhere', 'model')
  await cp(folder, moved, { recursive: true })
  const model = await loadModelFromDir(moved)
  assert.equal(model.flavor, 'orchard.js')
  const inProcess = userModel.predict(await userModel.load(join(FIXTURE, 'data')), ROWS)
  assert.deepEqual(await model.predict(ROWS), inProcess)
  await assert.rejects(model.predict([{ color: 'red' }]), /Model is missing inputs \['size'\]/)
})

test('a module that is not a file, cannot be bundled, or lacks load/predict is refused clearly', async () => {
  await assert.rejects(saveJsModel(join(dir, 'x'), { module: join(dir, 'absent.ts') }), /is not a file/)
  await mkdir(join(dir, 'src'), { recursive: true })
  await writeFile(join(dir, 'src', 'broken.ts'), "import { nothing } from './missing.ts'\nexport const load = () => nothing\n")
  await assert.rejects(saveJsModel(join(dir, 'y'), { module: join(dir, 'src', 'broken.ts') }), /Cannot bundle .*missing/)
  await writeFile(join(dir, 'src', 'half.ts'), 'export const load = () => 1\n')
  await saveJsModel(join(dir, 'half'), { module: join(dir, 'src', 'half.ts') })
  await assert.rejects(loadModelFromDir(join(dir, 'half')), /must export functions load\(dir\) and predict/)
})
