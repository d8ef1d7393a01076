import { OrchardError } from '@orchard/protocol/base'

/**
 * The one shape model input takes inside Orchard, whatever it arrived as (records, pandas split,
 * TF-serving columns, CSV): named columns of equal length. Column-major because signature checks
 * walk one column at a time and a linear model adds one coefficient per column over every row.
 */
export interface ColumnTable {
  readonly names: readonly string[]
  readonly columns: readonly (readonly unknown[])[]
  readonly rowCount: number
}

/** What callers may pass to `predict`: a table, records (`[{col: value}]`) or columns (`{col: [values]}`). */
export type ModelInput = ColumnTable | readonly Record<string, unknown>[] | Readonly<Record<string, readonly unknown[]>>

export const badInput = (message: string) => new OrchardError('BAD_REQUEST', message)

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export function isColumnTable(value: unknown): value is ColumnTable {
  return isPlainObject(value) && Array.isArray(value.names) && Array.isArray(value.columns) && typeof value.rowCount === 'number'
}

/** Records in pandas' `records` orient; a field absent from a record reads as null, as pandas does. */
export function tableFromRecords(records: readonly unknown[]): ColumnTable {
  const index = new Map<string, number>()
  const columns: unknown[][] = []
  records.forEach((record, row) => {
    if (!isPlainObject(record)) throw badInput(`Record ${row} is not a JSON object: every record must map column names to values.`)
    for (const name in record) {
      let column = index.get(name)
      if (column === undefined) {
        column = columns.length
        index.set(name, column)
        columns.push(new Array<unknown>(records.length).fill(null))
      }
      columns[column]![row] = record[name] ?? null
    }
  })
  return { names: [...index.keys()], columns, rowCount: records.length }
}

/** pandas' `split` orient: `{columns, data: [[row]], index?}`. Without `columns`, columns are named 0, 1, … */
export function tableFromSplit(split: unknown): ColumnTable {
  if (!isPlainObject(split)) throw badInput(`'dataframe_split' must be an object with 'columns' and 'data'.`)
  const data = split.data
  if (!Array.isArray(data)) throw badInput(`'dataframe_split.data' must be a list of rows.`)
  const width = Array.isArray(split.columns) ? split.columns.length : Array.isArray(data[0]) ? data[0].length : 1
  const names = Array.isArray(split.columns) ? split.columns.map(String) : Array.from({ length: width }, (_, i) => String(i))
  if (new Set(names).size !== names.length) throw badInput(`'dataframe_split.columns' names a column twice.`)
  const columns = names.map(() => new Array<unknown>(data.length))
  data.forEach((row, r) => {
    // A one-column frame may list bare values instead of one-element rows (pandas accepts both).
    const cells = Array.isArray(row) ? row : width === 1 ? [row] : undefined
    if (cells === undefined || cells.length !== width) {
      throw badInput(`Row ${r} of 'dataframe_split.data' has ${cells?.length ?? 'no list of'} values; expected ${width}, one per column.`)
    }
    for (let c = 0; c < width; c++) columns[c]![r] = cells[c] ?? null
  })
  return { names, columns, rowCount: data.length }
}

/** `{col: [values]}`: every list the same length. A scalar counts as one row, as TF serving reads it. */
export function tableFromColumns(object: Readonly<Record<string, unknown>>): ColumnTable {
  const names = Object.keys(object)
  if (names.length === 0) throw badInput('The input has no columns.')
  const columns = names.map((name) => {
    const value = object[name]
    return Array.isArray(value) ? value : [value]
  })
  const rowCount = columns[0]!.length
  columns.forEach((column, i) => {
    if (column.length !== rowCount) {
      throw badInput(`Column '${names[i]}' has ${column.length} values but column '${names[0]}' has ${rowCount}; all columns must have the same length.`)
    }
  })
  return { names, columns, rowCount }
}

/** Any accepted input shape as a table. */
export function toColumnTable(input: ModelInput | unknown): ColumnTable {
  if (isColumnTable(input)) return input
  if (Array.isArray(input)) return tableFromRecords(input)
  if (isPlainObject(input)) return tableFromColumns(input)
  throw badInput(`Model input must be a list of records or an object of columns; got ${input === null ? 'null' : typeof input}.`)
}

/** The table as records, for flavors whose code thinks in rows. */
export function tableToRecords(table: ColumnTable): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = new Array(table.rowCount)
  for (let r = 0; r < table.rowCount; r++) {
    const record: Record<string, unknown> = {}
    for (let c = 0; c < table.names.length; c++) record[table.names[c]!] = table.columns[c]![r]
    records[r] = record
  }
  return records
}

/** The rows `start` (inclusive) to `end` (exclusive). */
export function sliceTable(table: ColumnTable, start: number, end: number): ColumnTable {
  return { names: table.names, columns: table.columns.map((c) => c.slice(start, end)), rowCount: Math.max(0, Math.min(end, table.rowCount) - start) }
}

export function columnOf(table: ColumnTable, name: string): readonly unknown[] | undefined {
  const index = table.names.indexOf(name)
  return index === -1 ? undefined : table.columns[index]
}
