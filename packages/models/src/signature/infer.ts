import { invalidParameter } from '@orchard/protocol/base'
import type { ColumnTable, ModelInput } from '../table.ts'
import { toColumnTable } from '../table.ts'
import type { ColumnSpec, DataType, ModelSignature, Schema } from './schema.ts'

function valueType(value: unknown): DataType | 'unknown' {
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double'
  if (typeof value === 'bigint') return 'long'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'boolean') return 'boolean'
  if (value instanceof Date) return 'datetime'
  if (value instanceof Uint8Array) return 'binary'
  return 'unknown'
}

/**
 * The column type that holds every non-null value of a column. Integral and fractional numbers
 * widen to double, as pandas makes an int64 column float64 once one value is fractional.
 */
function columnType(name: string, values: readonly unknown[]): DataType {
  let type: DataType | undefined
  for (const value of values) {
    if (value === null || value === undefined) continue
    const t = valueType(value)
    if (t === 'unknown') throw invalidParameter(`Cannot infer a type for column '${name}': ${JSON.stringify(value)} is not a number, string, boolean or date.`)
    if (type === undefined || type === t) type = t
    else if ((type === 'long' && t === 'double') || (type === 'double' && t === 'long')) type = 'double'
    else throw invalidParameter(`Cannot infer a type for column '${name}': it mixes ${type} and ${t} values.`)
  }
  if (type === undefined) throw invalidParameter(`Cannot infer a type for column '${name}': the example has no value for it.`)
  return type
}

/** Column specs for a table; a column with missing values is optional, as MLflow infers it. */
export function inferSchema(table: ColumnTable): Schema {
  const columns: ColumnSpec[] = table.names.map((name, i) => {
    const values = table.columns[i]!
    return { type: columnType(name, values), name, required: !values.some((v) => v === null || v === undefined) }
  })
  return { kind: 'columns', columns }
}

/**
 * MLflow's infer_signature for tabular data: input column specs from an example, and output specs
 * from the model's predictions for it (a list of numbers is one unnamed double column, or named
 * `outputName` when the model has one).
 *
 * @example
 * inferSignature([{ trip_distance: 2.5, PU: '43' }], [12.1], 'duration')
 */
export function inferSignature(inputExample: ModelInput, predictions?: unknown, outputName?: string): ModelSignature {
  const table = toColumnTable(inputExample)
  if (table.rowCount === 0) throw invalidParameter('Cannot infer a signature from an empty input example.')
  const inputs = inferSchema(table)
  if (predictions === undefined) return { inputs }
  if (Array.isArray(predictions) && predictions.every((p) => typeof p === 'number' || p === null)) {
    // A model's numeric output is double even when the example's predictions happen to be whole.
    return { inputs, outputs: { kind: 'columns', columns: [{ type: 'double', ...(outputName ? { name: outputName } : {}), required: true }] } }
  }
  return { inputs, outputs: inferSchema(toColumnTable(predictions)) }
}
