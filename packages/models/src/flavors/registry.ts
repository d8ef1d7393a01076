import { invalidParameter } from '@orchard/protocol/base'
import { JS_FUNCTION } from '../format/mlmodel.ts'
import type { MlModel } from '../format/mlmodel.ts'
import type { FlavorLoader } from './flavor.ts'

/**
 * Flavors Orchard runs, each imported on first use: onnxruntime (hundreds of MB of native code) and
 * esbuild load only for the models that need them.
 */
const LOADERS = {
  'orchard.linear': async () => (await import('./linear/linear-flavor.ts')).linearLoader,
  'orchard.js': async () => (await import('./js/js-flavor.ts')).jsLoader,
  onnx: async () => (await import('./onnx/onnx-flavor.ts')).onnxLoader,
} satisfies Record<string, () => Promise<FlavorLoader>>

export type FlavorFile = keyof typeof LOADERS

/** MLflow's python_function loader modules whose models an Orchard flavor can run. */
const PYFUNC_EQUIVALENTS: Readonly<Record<string, FlavorFile>> = { 'mlflow.onnx': 'onnx' }

const isKnown = (name: unknown): name is FlavorFile => typeof name === 'string' && Object.hasOwn(LOADERS, name)

/**
 * The flavor that serves a model: the js_function `loader_module`, else the first flavor Orchard
 * runs, else (for MLflow-written models) the Orchard equivalent of python_function's loader module.
 */
export async function pickFlavor(model: MlModel): Promise<{ flavor: FlavorFile; loader: FlavorLoader }> {
  const named = model.flavors[JS_FUNCTION]?.loader_module
  let flavor: FlavorFile | undefined = isKnown(named) && model.flavors[named] ? named : undefined
  flavor ??= Object.keys(model.flavors).find((name): name is FlavorFile => isKnown(name))
  if (flavor === undefined) {
    const pyfunc = model.flavors.python_function?.loader_module
    if (typeof pyfunc === 'string' && PYFUNC_EQUIVALENTS[pyfunc] && model.flavors[PYFUNC_EQUIVALENTS[pyfunc]]) flavor = PYFUNC_EQUIVALENTS[pyfunc]
  }
  if (flavor === undefined) {
    throw invalidParameter(
      `Orchard cannot run this model: its flavors are ${Object.keys(model.flavors).join(', ') || 'none'}, and Orchard runs ${Object.keys(LOADERS).join(', ')}.`,
    )
  }
  return { flavor, loader: await LOADERS[flavor]() }
}
