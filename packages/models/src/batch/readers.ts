import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet'
import { invalidParameter } from '@orchard/protocol/base'
import { CsvReader, cellReaders, csvRowsToTable } from '../scoring/csv.ts'
import type { Schema } from '../signature/schema.ts'
import type { ColumnTable } from '../table.ts'
import { badInput, sliceTable, tableFromRecords } from '../table.ts'

export type FileFormat = 'csv' | 'jsonl' | 'parquet'

/** How far a reader has got: bytes for text files, rows for Parquet (whose size is known up front). */
export interface ReadProgress {
  readonly done: number
  readonly total: number
  readonly unit: 'bytes' | 'rows'
}

/** A file's input, a chunk of at most `chunkRows` rows at a time, so files larger than memory stream. */
export type ChunkReader = (path: string, chunkRows: number, schema: Schema | undefined, progress: (p: ReadProgress) => void) => AsyncGenerator<ColumnTable>

const BLANK = (row: readonly string[]) => row.length === 1 && row[0] === ''

async function* csvChunks(path: string, chunkRows: number, schema: Schema | undefined, progress: (p: ReadProgress) => void): AsyncGenerator<ColumnTable> {
  const total = (await stat(path)).size
  const reader = new CsvReader()
  let header: string[] | undefined
  let readers: ((cell: string) => unknown)[] = []
  let pending: string[][] = []
  let line = 2
  let bytes = 0
  const take = (rows: string[][]) => {
    for (const row of rows) {
      if (BLANK(row)) continue
      if (!header) {
        header = row
        if (new Set(header).size !== header.length) throw badInput(`The CSV header of '${path}' names a column twice.`)
        readers = cellReaders(header, schema)
      } else pending.push(row)
    }
  }
  const flush = () => {
    const table = csvRowsToTable(header!, pending, readers, line)
    line += pending.length
    pending = []
    return table
  }
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    bytes += Buffer.byteLength(chunk as string)
    take(reader.feed(chunk as string))
    while (pending.length >= chunkRows) {
      const rest = pending.slice(chunkRows)
      pending = pending.slice(0, chunkRows)
      yield flush()
      pending = rest
    }
    progress({ done: bytes, total, unit: 'bytes' })
  }
  take(reader.end())
  if (!header) throw badInput(`'${path}' is empty: the first line of a CSV file must name the columns.`)
  while (pending.length > 0) {
    const rest = pending.slice(chunkRows)
    pending = pending.slice(0, chunkRows)
    yield flush()
    pending = rest
  }
}

async function* jsonlChunks(path: string, chunkRows: number, _schema: Schema | undefined, progress: (p: ReadProgress) => void): AsyncGenerator<ColumnTable> {
  const total = (await stat(path)).size
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })
  const lines = createInterface({ input: stream, crlfDelay: Infinity })
  let records: unknown[] = []
  let lineNumber = 0
  for await (const line of lines) {
    lineNumber++
    if (line.trim() === '') continue
    let record: unknown
    try {
      record = JSON.parse(line)
    } catch (error) {
      throw badInput(`Line ${lineNumber} of '${path}' is not valid JSON: ${(error as Error).message}`)
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw badInput(`Line ${lineNumber} of '${path}' is not a JSON object; each line must be one record.`)
    records.push(record)
    if (records.length >= chunkRows) {
      yield tableFromRecords(records)
      records = []
      progress({ done: stream.bytesRead, total, unit: 'bytes' })
    }
  }
  if (records.length) yield tableFromRecords(records)
  progress({ done: total, total, unit: 'bytes' })
}

/**
 * Parquet through hyparquet, one row group at a time (a group is decoded once, then cut into
 * chunks), so memory holds one row group, not the file.
 */
async function* parquetChunks(path: string, chunkRows: number, _schema: Schema | undefined, progress: (p: ReadProgress) => void): AsyncGenerator<ColumnTable> {
  const file = await asyncBufferFromFile(path)
  let metadata
  try {
    metadata = await parquetMetadataAsync(file)
  } catch (error) {
    throw badInput(`'${path}' is not a Parquet file: ${(error as Error).message}`)
  }
  const total = Number(metadata.num_rows)
  const names = metadata.schema.slice(1).filter((element) => !element.num_children).map((element) => element.name)
  let start = 0
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows)
    const columns = new Map<string, unknown[]>()
    await parquetRead({
      file,
      metadata,
      rowStart: start,
      rowEnd: end,
      onChunk: ({ columnName, columnData, rowStart }) => {
        let column = columns.get(columnName)
        if (!column) columns.set(columnName, (column = new Array<unknown>(end - start)))
        for (let i = 0; i < columnData.length; i++) column[rowStart - start + i] = columnData[i]
      },
    })
    const table: ColumnTable = { names, columns: names.map((name) => columns.get(name) ?? new Array<unknown>(end - start).fill(null)), rowCount: end - start }
    for (let offset = 0; offset < table.rowCount; offset += chunkRows) {
      yield sliceTable(table, offset, offset + chunkRows)
      progress({ done: start + Math.min(offset + chunkRows, table.rowCount), total, unit: 'rows' })
    }
    start = end
  }
}

export const READERS: Readonly<Record<FileFormat, ChunkReader>> = { csv: csvChunks, jsonl: jsonlChunks, parquet: parquetChunks }

/** The format a file name says: .csv, .jsonl/.ndjson, .parquet. */
export function formatOf(path: string, flag: string): FileFormat {
  const lower = path.toLowerCase()
  if (lower.endsWith('.csv')) return 'csv'
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl'
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet'
  throw invalidParameter(`Cannot tell the format of '${path}' from its extension; name it .csv, .jsonl or .parquet, or pass --${flag} csv|jsonl|parquet.`)
}
