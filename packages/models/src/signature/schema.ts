import { invalidParameter } from '@orchard/protocol/base'

/** MLflow's scalar column types (mlflow/types/schema.py DataType). */
export const DATA_TYPES = ['boolean', 'integer', 'long', 'float', 'double', 'string', 'binary', 'datetime'] as const
export type DataType = (typeof DATA_TYPES)[number]

/**
 * One named (or, in old signatures, unnamed) column. `type` is a scalar type, or MLflow's Array /
 * Object / Map / Any spec kept as the JSON it came in, which Orchard carries but does not check.
 */
export interface ColumnSpec {
  readonly type: DataType | Readonly<Record<string, unknown>>
  readonly name?: string
  /** MLflow 2.x: a required column must be present; an optional one may be left out. */
  readonly required: boolean
}

/** A tensor input or output: numpy dtype and shape, -1 for a variable dimension. */
export interface TensorSpec {
  readonly name?: string
  readonly dtype: string
  readonly shape: readonly number[]
}

export type Schema =
  | { readonly kind: 'columns'; readonly columns: readonly ColumnSpec[] }
  | { readonly kind: 'tensors'; readonly tensors: readonly TensorSpec[] }

/** MLflow's ModelSignature. `params` (a ParamSchema) is carried through as its JSON text. */
export interface ModelSignature {
  readonly inputs?: Schema
  readonly outputs?: Schema
  readonly params?: string
}

const isDataType = (value: unknown): value is DataType => typeof value === 'string' && (DATA_TYPES as readonly string[]).includes(value)

/** A schema as MLflow writes it into MLmodel: a JSON string of a list of specs. */
export function schemaToJson(schema: Schema): string {
  const specs =
    schema.kind === 'columns'
      ? schema.columns.map((c) => ({ type: c.type, ...(c.name !== undefined ? { name: c.name } : {}), required: c.required }))
      : schema.tensors.map((t) => ({ type: 'tensor', 'tensor-spec': { dtype: t.dtype, shape: t.shape }, ...(t.name !== undefined ? { name: t.name } : {}) }))
  return JSON.stringify(specs)
}

/** Parse the JSON text of `signature.inputs` or `signature.outputs`. `where` names it in errors. */
export function schemaFromJson(text: string, where: string): Schema {
  let specs: unknown
  try {
    specs = JSON.parse(text)
  } catch (error) {
    throw invalidParameter(`${where} is not valid JSON: ${(error as Error).message}`)
  }
  if (!Array.isArray(specs) || specs.length === 0) throw invalidParameter(`${where} must be a non-empty JSON list of column or tensor specs.`)
  const isTensor = (spec: unknown) => (spec as { type?: unknown } | null)?.type === 'tensor'
  if (specs.every(isTensor)) {
    return {
      kind: 'tensors',
      tensors: specs.map((spec: { name?: unknown; 'tensor-spec'?: { dtype?: unknown; shape?: unknown } }, i) => {
        const tensor = spec['tensor-spec']
        if (typeof tensor?.dtype !== 'string' || !Array.isArray(tensor.shape) || !tensor.shape.every((d) => Number.isInteger(d))) {
          throw invalidParameter(`${where}[${i}] needs a 'tensor-spec' with a string 'dtype' and an integer 'shape'.`)
        }
        return { dtype: tensor.dtype, shape: tensor.shape as number[], ...(typeof spec.name === 'string' ? { name: spec.name } : {}) }
      }),
    }
  }
  if (specs.some(isTensor)) throw invalidParameter(`${where} mixes tensor specs and column specs; MLflow allows one kind per schema.`)
  return {
    kind: 'columns',
    columns: specs.map((spec: { type?: unknown; name?: unknown; required?: unknown }, i) => {
      const type = spec?.type
      if (!isDataType(type) && (typeof type !== 'object' || type === null)) {
        throw invalidParameter(`${where}[${i}] has type ${JSON.stringify(type)}; expected one of ${DATA_TYPES.join(', ')} or an Array/Object/Map spec.`)
      }
      return {
        type: type as ColumnSpec['type'],
        ...(typeof spec.name === 'string' ? { name: spec.name } : {}),
        // Signatures written before MLflow 2.5 have no `required`; their columns were all required.
        required: spec.required !== false,
      }
    }),
  }
}

/** The signature block of an MLmodel file (`inputs`/`outputs`/`params` as JSON strings). */
export function signatureToDict(signature: ModelSignature): Record<string, string> {
  return {
    ...(signature.inputs ? { inputs: schemaToJson(signature.inputs) } : {}),
    ...(signature.outputs ? { outputs: schemaToJson(signature.outputs) } : {}),
    ...(signature.params ? { params: signature.params } : {}),
  }
}

export function signatureFromDict(dict: unknown): ModelSignature | undefined {
  if (dict === null || dict === undefined) return undefined
  if (typeof dict !== 'object' || Array.isArray(dict)) throw invalidParameter(`MLmodel 'signature' must be a mapping with 'inputs' and 'outputs'.`)
  const { inputs, outputs, params } = dict as Record<string, unknown>
  const parse = (value: unknown, key: string) => {
    if (value === null || value === undefined) return undefined
    if (typeof value !== 'string') throw invalidParameter(`MLmodel 'signature.${key}' must be a JSON string.`)
    return schemaFromJson(value, `MLmodel 'signature.${key}'`)
  }
  const parsedInputs = parse(inputs, 'inputs')
  const parsedOutputs = parse(outputs, 'outputs')
  return {
    ...(parsedInputs ? { inputs: parsedInputs } : {}),
    ...(parsedOutputs ? { outputs: parsedOutputs } : {}),
    ...(typeof params === 'string' ? { params } : {}),
  }
}
