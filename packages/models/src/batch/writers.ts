import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { once } from 'node:events'
import { ParquetWriter, fileWriter, schemaFromColumnData } from 'hyparquet-writer'
import { badInput } from '../table.ts'
import type { FileFormat } from './readers.ts'

/** Predictions of one chunk as named output columns. */
export interface OutputColumns {
  readonly names: readonly string[]
  readonly columns: readonly (readonly unknown[])[]
  readonly rowCount: number
}

/** Where predictions go, chunk by chunk. */
export interface ChunkWriter {
  write(chunk: OutputColumns): Promise<void>
  close(): Promise<void>
}

/** A model's answer for a chunk as columns: a list is one column named `name`, an object of lists several. */
export function outputColumns(predictions: unknown, rows: number, name: string): OutputColumns {
  if (Array.isArray(predictions) || ArrayBuffer.isView(predictions)) {
    const column = Array.from(predictions as ArrayLike<unknown>)
    if (column.length !== rows) throw badInput(`The model returned ${column.length} predictions for ${rows} rows.`)
    return { names: [name], columns: [column], rowCount: rows }
  }
  if (typeof predictions === 'object' && predictions !== null) {
    const entries = Object.entries(predictions).map(([key, value]) => [key, Array.from(value as ArrayLike<unknown>)] as const)
    if (entries.some(([, column]) => column.length !== rows)) throw badInput(`The model returned outputs of a length other than the ${rows} rows given.`)
    return { names: entries.map(([key]) => key), columns: entries.map(([, column]) => column), rowCount: rows }
  }
  throw badInput('The model returned something other than a list of predictions.')
}

async function writeText(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain')
}

async function endStream(stream: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject)
    stream.end(() => resolve())
  })
}

const csvCell = (value: unknown): string => {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) return ''
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

function csvWriter(path: string): ChunkWriter {
  const stream = createWriteStream(path)
  let header = false
  return {
    async write(chunk) {
      let text = header ? '' : `${chunk.names.map(csvCell).join(',')}\n`
      header = true
      for (let r = 0; r < chunk.rowCount; r++) text += `${chunk.columns.map((column) => csvCell(column[r])).join(',')}\n`
      await writeText(stream, text)
    },
    close: () => endStream(stream),
  }
}

function jsonlWriter(path: string): ChunkWriter {
  const stream = createWriteStream(path)
  return {
    async write(chunk) {
      let text = ''
      for (let r = 0; r < chunk.rowCount; r++) {
        const record: Record<string, unknown> = {}
        chunk.names.forEach((name, c) => (record[name] = chunk.columns[c]![r] ?? null))
        text += `${JSON.stringify(record)}\n`
      }
      await writeText(stream, text)
    },
    close: () => endStream(stream),
  }
}

/** Parquet through hyparquet-writer: one row group per chunk, numbers as DOUBLE, text as STRING. */
function parquetWriter(path: string): ChunkWriter {
  let writer: ParquetWriter | undefined
  const typed = (chunk: OutputColumns) =>
    chunk.names.map((name, c) => {
      const data = chunk.columns[c]!
      const numeric = data.every((v) => typeof v === 'number' || v === null || v === undefined)
      return numeric
        ? { name, data: data.map((v) => (v === undefined ? null : v)), type: 'DOUBLE' as const, nullable: true }
        : { name, data: data.map((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v))), type: 'STRING' as const, nullable: true }
    })
  return {
    async write(chunk) {
      const columnData = typed(chunk)
      writer ??= new ParquetWriter({ writer: fileWriter(path), schema: schemaFromColumnData({ columnData }) })
      writer.write({ columnData, rowGroupSize: Math.max(1, chunk.rowCount) })
    },
    async close() {
      writer ??= new ParquetWriter({ writer: fileWriter(path), schema: schemaFromColumnData({ columnData: [{ name: 'prediction', data: [], type: 'DOUBLE' }] }) })
      writer.finish()
    },
  }
}

export const WRITERS: Readonly<Record<FileFormat, (path: string) => ChunkWriter>> = { csv: csvWriter, jsonl: jsonlWriter, parquet: parquetWriter }
