import { copyFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { InferenceSession, Tensor } from 'onnxruntime-node'
import { importOptional } from '../optional-package.ts'
import { invalidParameter } from '@orchard/protocol/base'
import { JS_FUNCTION } from '../../format/mlmodel.ts'
import type { MlModel } from '../../format/mlmodel.ts'
import type { SaveModelOptions } from '../../format/save-model.ts'
import { saveModelFolder } from '../../format/save-model.ts'
import type { ColumnTable } from '../../table.ts'
import { badInput, columnOf } from '../../table.ts'
import type { FlavorLoader } from '../flavor.ts'

export const ONNX_FLAVOR = 'onnx'
const DATA_FILE = 'model.onnx'

// The files MLflow's onnx flavor writes beside the model, so `mlflow models serve` can rebuild the
// Python environment for an ONNX model logged by Orchard.
const REQUIREMENTS = 'mlflow\nonnx\nonnxruntime\n'
const CONDA_YAML = 'channels:\n- conda-forge\ndependencies:\n- python=3.10\n- pip\n- pip:\n  - mlflow\n  - onnx\n  - onnxruntime\nname: mlflow-env\n'
const PYTHON_ENV_YAML = 'python: 3.10\nbuild_dependencies:\n- pip\ndependencies:\n- -r requirements.txt\n'

/**
 * Save an ONNX model (its bytes, or the path of a .onnx file) in MLflow's onnx layout: the `onnx`
 * and `python_function` flavors MLflow reads, plus Orchard's js_function entry and the requirement
 * files, so both Orchard and MLflow can serve it.
 *
 * @example
 * await saveOnnxModel('out/model', 'exported.onnx', { inputExample: [{ x: 1, y: 2 }] })
 */
export async function saveOnnxModel(dir: string, model: Uint8Array | string, options: SaveModelOptions = {}): Promise<MlModel> {
  return saveModelFolder(
    dir,
    {
      flavors: {
        [ONNX_FLAVOR]: { data: DATA_FILE, providers: ['CPUExecutionProvider'], code: null },
        python_function: { loader_module: 'mlflow.onnx', data: DATA_FILE, env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' }, python_version: '3.10' },
        [JS_FUNCTION]: { loader_module: ONNX_FLAVOR, data: DATA_FILE },
      },
      async writeFiles(target) {
        if (typeof model === 'string') await copyFile(model, join(target, DATA_FILE))
        else await writeFile(join(target, DATA_FILE), model)
        await writeFile(join(target, 'requirements.txt'), REQUIREMENTS)
        await writeFile(join(target, 'conda.yaml'), CONDA_YAML)
        await writeFile(join(target, 'python_env.yaml'), PYTHON_ENV_YAML)
      },
    },
    options,
  )
}

type Ort = typeof import('onnxruntime-node')

const FLOAT_TYPES: Readonly<Record<string, (values: number[]) => Tensor['data']>> = {
  float32: (values) => Float32Array.from(values),
  float64: (values) => Float64Array.from(values),
  int32: (values) => Int32Array.from(values),
  int64: (values) => BigInt64Array.from(values, (v) => BigInt(Math.trunc(v))),
}

function cellNumbers(value: unknown, column: string, row: number, out: number[]): void {
  if (typeof value === 'number') out.push(value)
  else if (typeof value === 'bigint') out.push(Number(value))
  else if (typeof value === 'boolean') out.push(value ? 1 : 0)
  else if (Array.isArray(value)) for (const item of value) cellNumbers(item, column, row, out)
  else throw badInput(`Input '${column}' needs numbers; row ${row} has ${JSON.stringify(value)}.`)
}

/** The rows of `columns` as one [rows, width] tensor (a single array-valued column keeps its cells' width). */
function tensorFor(ort: Ort, meta: InferenceSession.ValueMetadata, columns: readonly (readonly unknown[])[], names: readonly string[], rows: number): Tensor {
  const type = meta.isTensor ? meta.type : 'float32'
  const make = FLOAT_TYPES[type]
  if (!make) throw invalidParameter(`ONNX input '${meta.name}' has element type ${type}; Orchard feeds float32, float64, int32 and int64 inputs.`)
  const values: number[] = []
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns.length; c++) cellNumbers(columns[c]![r], names[c]!, r, values)
  const rank = meta.isTensor ? meta.shape.length : 2
  const width = rows === 0 ? 0 : values.length / rows
  if (!Number.isInteger(width)) throw badInput(`Rows of input '${meta.name}' have different lengths.`)
  const declared = meta.isTensor ? meta.shape.slice(1) : []
  const fixed = declared.length === 1 && typeof declared[0] === 'number' && declared[0] > 0 ? declared[0] : undefined
  if (fixed !== undefined && width !== fixed) throw badInput(`ONNX input '${meta.name}' takes ${fixed} values per row; the input has ${width}.`)
  return new ort.Tensor(type, make(values), rank === 1 ? [rows] : [rows, width])
}

/** One output tensor as one entry per row: a number, or the row's values. */
function rowsOf(tensor: Tensor): unknown[] {
  const dims = tensor.dims
  const rows = dims[0] ?? 0
  const data = Array.from(tensor.data as ArrayLike<number | bigint>, (v) => Number(v))
  if (dims.length <= 1) return data
  const width = data.length / Math.max(rows, 1)
  return Array.from({ length: rows }, (_, r) => data.slice(r * width, (r + 1) * width))
}

async function runSession(ort: Ort, session: InferenceSession, table: ColumnTable): Promise<unknown> {
  const metas = session.inputMetadata
  const feeds: Record<string, Tensor> = {}
  if (metas.length === 1) {
    const meta = metas[0]!
    const own = columnOf(table, meta.name)
    feeds[meta.name] = own ? tensorFor(ort, meta, [own], [meta.name], table.rowCount) : tensorFor(ort, meta, table.columns, table.names, table.rowCount)
  } else {
    for (const meta of metas) {
      const column = columnOf(table, meta.name)
      if (!column) throw badInput(`The ONNX model needs input '${meta.name}'; the input has ${table.names.map((n) => `'${n}'`).join(', ') || 'no columns'}.`)
      feeds[meta.name] = tensorFor(ort, meta, [column], [meta.name], table.rowCount)
    }
  }
  let results: InferenceSession.OnnxValueMapType
  try {
    results = await session.run(feeds)
  } catch (error) {
    throw badInput(`The ONNX model could not run on this input: ${(error as Error).message}`)
  }
  const outputs = session.outputNames.map((name) => [name, rowsOf(results[name] as Tensor)] as const)
  return outputs.length === 1 ? outputs[0]![1] : Object.fromEntries(outputs)
}

export const onnxLoader: FlavorLoader = {
  async load(dir, config) {
    // 288 MB of native code: imported only now that an ONNX model is being loaded.
    const ort = await importOptional('onnxruntime-node', 'Loading an ONNX model', () => import('onnxruntime-node'))
    const file = join(dir, typeof config.data === 'string' ? config.data : DATA_FILE)
    let session: InferenceSession
    try {
      session = await ort.InferenceSession.create(file)
    } catch (error) {
      throw invalidParameter(`Cannot load the ONNX model '${file}': ${(error as Error).message}`)
    }
    return {
      predict: (table) => runSession(ort, session, table),
      close: () => session.release(),
    }
  },
}
