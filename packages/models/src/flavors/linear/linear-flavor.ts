import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { invalidParameter } from '@orchard/protocol/base'
import { JS_FUNCTION } from '../../format/mlmodel.ts'
import type { FlavorConfig, MlModel } from '../../format/mlmodel.ts'
import type { SaveModelOptions } from '../../format/save-model.ts'
import { saveModelFolder } from '../../format/save-model.ts'
import type { FlavorLoader } from '../flavor.ts'
import type { LinearModelData } from './linear-data.ts'
import { LinearModel } from './linear-model.ts'

export const LINEAR_FLAVOR = 'orchard.linear'
const DATA_FILE = 'model.json'

/** The flavor entries of an orchard.linear model (linear-format.md). */
function linearFlavors(): Record<string, FlavorConfig> {
  return {
    [LINEAR_FLAVOR]: { data: DATA_FILE, format_version: 1 },
    [JS_FUNCTION]: { loader_module: LINEAR_FLAVOR, data: DATA_FILE },
  }
}

/**
 * Save a linear or generalized linear model as an MLflow model folder. `model` is the model.json
 * content (validated here) or a LinearModel. With an input example and no signature, the signature
 * is inferred from the example and the model's predictions for it.
 *
 * @example
 * await saveLinearModel('out/model', { intercept: 1, coefficients: [2], feature_names: ['x'] }, { inputExample: [{ x: 1 }] })
 */
export async function saveLinearModel(dir: string, model: LinearModelData | LinearModel, options: SaveModelOptions = {}): Promise<MlModel> {
  const linear = model instanceof LinearModel ? model : new LinearModel(model)
  const data = { format_version: 1, link: 'identity', ...linear.data }
  return saveModelFolder(
    dir,
    {
      flavors: linearFlavors(),
      writeFiles: (target) => writeFile(join(target, DATA_FILE), JSON.stringify(data)),
      predictExample: async (table) => linear.predict(table),
      ...(linear.target !== undefined ? { outputName: linear.target } : {}),
    },
    options,
  )
}

/** Read model.json of an orchard.linear folder. */
export async function readLinearModel(dir: string, config: FlavorConfig = {}): Promise<LinearModel> {
  const file = typeof config.data === 'string' ? config.data : DATA_FILE
  let data: unknown
  try {
    data = JSON.parse(await readFile(join(dir, file), 'utf8'))
  } catch (error) {
    throw invalidParameter(`Cannot read the orchard.linear data '${file}' in '${dir}': ${(error as Error).message}`)
  }
  return new LinearModel(data)
}

export const linearLoader: FlavorLoader = {
  async load(dir, config) {
    const model = await readLinearModel(dir, config)
    return { predict: (table, context) => model.predict(table, { optional: context.optional }) }
  },
}
