import type { ColumnTable } from '../table.ts'
import { badInput } from '../table.ts'
import type { ColumnSpec, DataType, Schema } from './schema.ts'

/** What to do with input columns the signature does not name. MLflow ignores them (with a warning). */
export type ExtraColumns = 'ignore' | 'reject'

export interface EnforceOptions {
  readonly extraColumns?: ExtraColumns
}

const list = (names: readonly string[]) => `[${names.map((n) => `'${n}'`).join(', ')}]`

/** The JS type of a value, in the words of the error messages. */
function typeName(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double'
  if (value instanceof Date) return 'datetime'
  if (Array.isArray(value)) return 'list'
  return typeof value === 'object' ? 'object' : typeof value
}

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1

/**
 * One value converted to a column's type, or undefined when it cannot be without changing it.
 * The conversions are MLflow's safe ones (integer → long → double, float ↔ double) plus one
 * leniency: a number given for a string column becomes its decimal text, so `{"id": 43}` and
 * `{"id": "43"}` score the same (pandas would refuse; categorical IDs arrive both ways in practice).
 */
function convert(value: unknown, type: DataType): unknown {
  switch (type) {
    case 'double':
    case 'float':
      if (typeof value === 'number') return value
      if (typeof value === 'bigint') return Number(value)
      return undefined
    case 'long':
    case 'integer': {
      const number = typeof value === 'bigint' ? Number(value) : value
      if (typeof number !== 'number' || !Number.isInteger(number)) return undefined
      if (type === 'integer' && (number < INT32_MIN || number > INT32_MAX)) return undefined
      return number
    }
    case 'string':
      if (typeof value === 'string') return value
      if (typeof value === 'number' && Number.isFinite(value)) return String(value)
      if (typeof value === 'bigint') return String(value)
      return undefined
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined
    case 'datetime':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value
      return undefined
    case 'binary':
      return typeof value === 'string' || value instanceof Uint8Array ? value : undefined
  }
}

function enforceColumn(name: string, values: readonly unknown[], spec: ColumnSpec): readonly unknown[] {
  if (typeof spec.type !== 'string') return values
  const type = spec.type
  let out: unknown[] | undefined
  for (let r = 0; r < values.length; r++) {
    const value = values[r]
    // Missing values pass: whether a model can use them is the flavor's call, as in pandas.
    if (value === null || value === undefined) continue
    const converted = convert(value, type)
    if (converted === undefined) {
      throw badInput(
        `Incompatible input types for column '${name}'. Can not safely convert ${typeName(value)} to ${type} (row ${r}: ${JSON.stringify(value)}).`,
      )
    }
    if (converted !== value) {
      out ??= values.slice()
      out[r] = converted
    }
  }
  return out ?? values
}

/**
 * Check a table against a column signature and return it in the signature's column order, with
 * values converted to the declared types: MLflow's schema enforcement. Errors are BAD_REQUEST and
 * name the column: missing required columns, values of the wrong type, and (when `extraColumns` is
 * `reject`) columns the signature does not declare. Tensor signatures are checked by the flavor.
 */
export function enforceSchema(table: ColumnTable, schema: Schema, options: EnforceOptions = {}): ColumnTable {
  if (schema.kind === 'tensors') return table
  const specs = schema.columns
  if (specs.some((s) => s.name === undefined)) {
    // Unnamed specs (old signatures) can only be matched by position, so only the count is checked.
    if (table.names.length < specs.length) {
      throw badInput(`Model inference is missing inputs. The model signature declares ${specs.length} inputs but the input has ${table.names.length}.`)
    }
    return {
      names: table.names,
      columns: table.columns.map((column, i) => (specs[i] ? enforceColumn(table.names[i]!, column, specs[i]!) : column)),
      rowCount: table.rowCount,
    }
  }
  const present = new Map(table.names.map((name, i) => [name, i]))
  const missing = specs.filter((s) => s.required && !present.has(s.name!)).map((s) => s.name!)
  const declared = new Set(specs.map((s) => s.name!))
  const extra = table.names.filter((name) => !declared.has(name))
  if (missing.length > 0) {
    throw badInput(`Model is missing inputs ${list(missing)}.${extra.length ? ` Note that there were extra inputs: ${list(extra)}.` : ''}`)
  }
  if (extra.length > 0 && options.extraColumns === 'reject') {
    throw badInput(`Found extra inputs ${list(extra)} that are not defined in the model signature. Remove them, or serve with extra columns ignored.`)
  }
  const names: string[] = []
  const columns: (readonly unknown[])[] = []
  for (const spec of specs) {
    const index = present.get(spec.name!)
    if (index === undefined) continue
    names.push(spec.name!)
    columns.push(enforceColumn(spec.name!, table.columns[index]!, spec))
  }
  return { names, columns, rowCount: table.rowCount }
}

/** Names of the columns a signature marks optional (`required: false`). */
export function optionalColumns(schema: Schema | undefined): ReadonlySet<string> {
  if (schema?.kind !== 'columns') return new Set()
  return new Set(schema.columns.filter((c) => !c.required && c.name !== undefined).map((c) => c.name!))
}
