// Reads a whole CSV, JSON-lines or Parquet file into one table for a drift report: text formats
// through the readers batch scoring streams with, Parquet through hyparquet with column projection
// (a drift report over a few columns of a wide file decodes only those).
import { stat } from 'node:fs/promises'
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet'
import { invalidParameter } from '@orchard/protocol/base'
import type { FileFormat } from '../batch/readers.ts'
import { READERS, formatOf } from '../batch/readers.ts'
import type { ColumnTable } from '../table.ts'

/** Rows read per chunk of a text file; the chunks are concatenated. */
const CHUNK_ROWS = 100_000
/** The default bound on rows read from one file: a report holds both files in memory. */
export const MAX_TABLE_ROWS = 50_000_000

export interface ReadTableOptions {
  readonly format?: FileFormat
  /** The CLI flag that names the format, for the error when the extension does not tell. */
  readonly flag?: string
  /** Only these columns (others are not decoded from Parquet, and dropped from text formats). */
  readonly columns?: readonly string[]
  readonly maxRows?: number
}

export async function readTable(path: string, options: ReadTableOptions = {}): Promise<ColumnTable> {
  const format = options.format ?? formatOf(path, options.flag ?? 'format')
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file')
  } catch {
    throw invalidParameter(`No such file: '${path}'.`)
  }
  const maxRows = options.maxRows ?? MAX_TABLE_ROWS
  const table = format === 'parquet' ? await readParquet(path, options.columns, maxRows) : await readText(path, format, maxRows)
  if (!options.columns) return table
  const missing = options.columns.filter((name) => !table.names.includes(name))
  if (missing.length > 0) throw invalidParameter(`'${path}' has no column ${missing.map((m) => `'${m}'`).join(', ')}.`)
  return { names: options.columns, columns: options.columns.map((name) => table.columns[table.names.indexOf(name)]!), rowCount: table.rowCount }
}

async function readParquet(path: string, only: readonly string[] | undefined, maxRows: number): Promise<ColumnTable> {
  const file = await asyncBufferFromFile(path)
  let metadata
  try {
    metadata = await parquetMetadataAsync(file)
  } catch (error) {
    throw invalidParameter(`'${path}' is not a Parquet file: ${(error as Error).message}`)
  }
  const rows = Number(metadata.num_rows)
  if (rows > maxRows) throw invalidParameter(`'${path}' has ${rows} rows, more than the ${maxRows} a report reads.`)
  const all = metadata.schema.slice(1).filter((element) => !element.num_children).map((element) => element.name)
  const names = only ? all.filter((name) => only.includes(name)) : all
  const columns = new Map<string, unknown[]>(names.map((name) => [name, new Array<unknown>(rows).fill(null)]))
  await parquetRead({
    file,
    metadata,
    columns: names,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const column = columns.get(columnName)
      if (!column) return
      for (let i = 0; i < columnData.length; i++) column[rowStart + i] = columnData[i]
    },
  })
  return { names, columns: names.map((name) => columns.get(name)!), rowCount: rows }
}

async function readText(path: string, format: FileFormat, maxRows: number): Promise<ColumnTable> {
  let names: string[] | undefined
  const columns: unknown[][] = []
  let rows = 0
  for await (const chunk of READERS[format](path, CHUNK_ROWS, undefined, () => {})) {
    names ??= []
    // JSON lines may name new columns in later records: they read as null above.
    for (let c = 0; c < chunk.names.length; c++) {
      let index = names.indexOf(chunk.names[c]!)
      if (index === -1) {
        names.push(chunk.names[c]!)
        columns.push(new Array<unknown>(rows).fill(null))
        index = names.length - 1
      }
      const target = columns[index]!
      const source = chunk.columns[c]!
      for (let r = 0; r < chunk.rowCount; r++) target.push(source[r])
    }
    rows += chunk.rowCount
    for (const column of columns) while (column.length < rows) column.push(null)
    if (rows > maxRows) throw invalidParameter(`'${path}' has more than the ${maxRows} rows a report reads.`)
  }
  if (!names || rows === 0) throw invalidParameter(`'${path}' has no rows.`)
  return { names, columns, rowCount: rows }
}
