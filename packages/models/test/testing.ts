// Test helpers other packages' tests use (`@orchard/models/testing`): a small ONNX model built in
// memory, and a user-module orchard.js model with its data folder.
import { join } from 'node:path'

export { linearOnnxModel } from './fixtures/onnx-builder.ts'

/** An orchard.js model: `model.ts` (importing `score.ts`) and its `data/weights.json`. */
export const JS_MODEL_FIXTURE = {
  module: join(import.meta.dirname, 'fixtures', 'js-model', 'model.ts'),
  data: join(import.meta.dirname, 'fixtures', 'js-model', 'data'),
}
