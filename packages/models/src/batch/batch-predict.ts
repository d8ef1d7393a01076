import { rename, rm } from 'node:fs/promises'
import { OrchardError, isOrchardError } from '@orchard/protocol/base'
import type { LoadedModel } from '../load-model.ts'
import type { ExtraColumns } from '../signature/enforce.ts'
import type { FileFormat, ReadProgress } from './readers.ts'
import { READERS, formatOf } from './readers.ts'
import { WRITERS, outputColumns } from './writers.ts'

/** Rows per chunk when none is given: big enough that per-chunk overhead vanishes, small enough for any memory. */
export const DEFAULT_CHUNK_ROWS = 10_000

export interface BatchPredictOptions {
  readonly input: string
  readonly output: string
  /** Default: from the file extension. */
  readonly inputFormat?: FileFormat
  readonly outputFormat?: FileFormat
  readonly chunkRows?: number
  readonly extraColumns?: ExtraColumns
  /** Called after each chunk: rows scored so far and how far the input has been read. */
  readonly onProgress?: (rows: number, read: ReadProgress) => void
}

export interface BatchSummary {
  readonly rows: number
  readonly chunks: number
  readonly seconds: number
  readonly rowsPerSecond: number
}

/** The name of a single-output model's column: the signature's output name, else `prediction`. */
function outputName(model: LoadedModel): string {
  const outputs = model.metadata.signature?.outputs
  return outputs?.kind === 'columns' && outputs.columns.length === 1 ? (outputs.columns[0]!.name ?? 'prediction') : 'prediction'
}

/**
 * Score a CSV, JSON-lines or Parquet file with `model`, streaming it in chunks of `chunkRows` rows so
 * the file may be larger than memory, and write one row of predictions per input row. The output is
 * written beside its final name and renamed at the end: a failed run leaves no half-written file.
 *
 * @example
 * const summary = await batchPredict(model, { input: 'trips.parquet', output: 'predictions.csv' })
 */
export async function batchPredict(model: LoadedModel, options: BatchPredictOptions): Promise<BatchSummary> {
  const read = READERS[options.inputFormat ?? formatOf(options.input, 'input-format')]
  const partial = `${options.output}.partial`
  const writer = WRITERS[options.outputFormat ?? formatOf(options.output, 'output-format')](partial)
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS
  const name = outputName(model)
  const started = performance.now()
  let rows = 0
  let chunks = 0
  let lastRead: ReadProgress = { done: 0, total: 0, unit: 'bytes' }
  try {
    for await (const table of read(options.input, chunkRows, model.inputSchema, (progress) => (lastRead = progress))) {
      const predictions = await model.predict(table, options.extraColumns ? { extraColumns: options.extraColumns } : {}).catch((error: unknown) => {
        // Row numbers in the model's message count from the chunk's start; say where the chunk is.
        if (isOrchardError(error)) throw new OrchardError(error.code, `In rows ${rows + 1}-${rows + table.rowCount} of '${options.input}': ${error.message}`)
        throw error
      })
      await writer.write(outputColumns(predictions, table.rowCount, name))
      rows += table.rowCount
      chunks++
      options.onProgress?.(rows, lastRead)
    }
    await writer.close()
    await rename(partial, options.output)
  } catch (error) {
    await writer.close().catch(() => undefined)
    await rm(partial, { force: true })
    throw error
  }
  const seconds = (performance.now() - started) / 1000
  return { rows, chunks, seconds, rowsPerSecond: seconds > 0 ? rows / seconds : rows }
}
