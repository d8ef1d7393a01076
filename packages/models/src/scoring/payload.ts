import { OrchardError } from '@orchard/protocol/base'
import type { Schema } from '../signature/schema.ts'
import type { ColumnTable } from '../table.ts'
import { badInput, tableFromColumns, tableFromRecords, tableFromSplit } from '../table.ts'
import { parseCsvTable } from './csv.ts'

// MLflow's scoring protocol (mlflow/pyfunc/scoring_server): JSON with exactly one of four keys, or
// CSV. Every failure is an OrchardError (BAD_REQUEST, 400) or an UnsupportedMediaType (415), never
// anything the server would answer 500 to.

export const CONTENT_TYPE_JSON = 'application/json'
export const CONTENT_TYPE_CSV = 'text/csv'
const FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const

/** The wording MLflow adds when a request uses the pre-2.0 format, so users find the migration note. */
const PROTOCOL_CHANGE_INFO =
  'IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0: wrap the data in one of the input fields above (see MLflow\'s "Deploy MLflow models" documentation).'
const REQUIRED_INPUT_FORMAT = `The input must be a JSON dictionary with exactly one of the input fields {${FORMATS.map((f) => `'${f}'`).join(', ')}}`

/** A content type the server does not take: MLflow answers 415 with a plain-text reason. */
export class UnsupportedMediaType extends Error {}

/** A parsed /invocations request: the input table and MLflow's optional `params`. */
export interface Invocation {
  readonly table: ColumnTable
  readonly params?: Readonly<Record<string, unknown>>
}

/** Check the Content-Type as MLflow does: json or csv, utf-8 only, no other parameters. */
export function parseContentType(header: string | undefined): typeof CONTENT_TYPE_JSON | typeof CONTENT_TYPE_CSV {
  const [mime = '', ...parameters] = (header ?? '').split(';').map((part) => part.trim())
  const values = new Map(parameters.filter(Boolean).map((pair) => {
    const eq = pair.indexOf('=')
    return [(eq === -1 ? pair : pair.slice(0, eq)).toLowerCase(), eq === -1 ? '' : pair.slice(eq + 1).replace(/^"|"$/g, '')] as const
  }))
  const charset = (values.get('charset') ?? 'utf-8').toLowerCase()
  if (charset !== 'utf-8' && charset !== 'utf8') throw new UnsupportedMediaType('The scoring server only supports UTF-8')
  const unexpected = [...values.keys()].filter((key) => key !== 'charset')
  if (unexpected.length) throw new UnsupportedMediaType(`Unrecognized content type parameters: ${unexpected.join(', ')}. ${PROTOCOL_CHANGE_INFO}`)
  const type = mime.toLowerCase()
  if (type === CONTENT_TYPE_JSON || type === CONTENT_TYPE_CSV) return type
  throw new UnsupportedMediaType(
    `This predictor only supports the following content types: Types: ['${CONTENT_TYPE_CSV}', '${CONTENT_TYPE_JSON}']. Got '${header ?? ''}'.`,
  )
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The name a bare tensor or list input takes: the signature's only input, else `input`. */
function soleInputName(schema: Schema | undefined): string {
  if (schema?.kind === 'columns' && schema.columns.length === 1) return schema.columns[0]!.name ?? '0'
  if (schema?.kind === 'tensors') return schema.tensors[0]?.name ?? 'input'
  return 'input'
}

/** TF serving's row format: records, or rows of one unnamed input. */
function tableFromInstances(instances: unknown, schema: Schema | undefined, key: string): ColumnTable {
  if (isObject(instances)) return tableFromColumns(instances)
  if (!Array.isArray(instances)) throw badInput(`'${key}' must be a list of rows or an object of columns.`)
  if (instances.length > 0 && instances.every(isObject)) return tableFromRecords(instances)
  if (instances.some(isObject)) throw badInput(`'${key}' mixes objects and plain values; send a list of records or a list of values.`)
  return { names: [soleInputName(schema)], columns: [instances], rowCount: instances.length }
}

/** A JSON body's input table. */
export function parseJsonPayload(text: string, schema?: Schema): Invocation {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    throw badInput(`Invalid input. Ensure that input is a valid JSON formatted string. Error: '${(error as Error).message}'`)
  }
  if (Array.isArray(body)) throw badInput(`${REQUIRED_INPUT_FORMAT}. Received a list. ${PROTOCOL_CHANGE_INFO}`)
  if (!isObject(body)) throw badInput(`${REQUIRED_INPUT_FORMAT}. Received unexpected input type '${body === null ? 'null' : typeof body}'.`)
  const present = FORMATS.filter((key) => key in body)
  if (present.length !== 1) {
    throw badInput(`${REQUIRED_INPUT_FORMAT}. Received dictionary with input fields: [${Object.keys(body).map((k) => `'${k}'`).join(', ')}]. ${PROTOCOL_CHANGE_INFO}`)
  }
  const key = present[0]!
  const params = body.params
  if (params !== undefined && params !== null && !isObject(params)) throw badInput(`'params' must be an object of parameter names to values.`)
  const data = body[key]
  let table: ColumnTable
  switch (key) {
    case 'dataframe_split':
      table = tableFromSplit(data)
      break
    case 'dataframe_records':
      if (!Array.isArray(data)) throw badInput(`'dataframe_records' must be a list of records.`)
      table = tableFromRecords(data)
      break
    case 'instances':
    case 'inputs':
      table = tableFromInstances(data, schema, key)
      break
  }
  return { table, ...(isObject(params) ? { params } : {}) }
}

/** A request body and Content-Type as the input table; 415s throw UnsupportedMediaType. */
export function parseInvocation(body: string, contentType: string | undefined, schema?: Schema): Invocation {
  const type = parseContentType(contentType)
  if (type === CONTENT_TYPE_CSV) {
    try {
      return { table: parseCsvTable(body, schema) }
    } catch (error) {
      if (error instanceof OrchardError) {
        throw badInput(`Failed to parse input as a CSV table with a header line. Error: '${error.message}'`)
      }
      throw error
    }
  }
  return parseJsonPayload(body, schema)
}

/** Typed arrays as lists and bigints as numbers, the rest untouched: what JSON can carry. */
function jsonable(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => Number(v))
  if (Array.isArray(value)) return value.some((v) => typeof v === 'object' || typeof v === 'bigint') ? value.map(jsonable) : value
  if (isObject(value) && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonable(v)]))
  return value
}

/** MLflow's response body: `{"predictions": …}` in records orient. Non-finite numbers become null. */
export function predictionsToJson(predictions: unknown): string {
  return `{"predictions":${JSON.stringify(jsonable(predictions))}}`
}
