// The prediction log's Parquet encoder, off the scoring server's event loop: encoding 50,000 rows
// takes long enough (seconds on a loaded machine) to hold every request behind it.
import { parentPort } from 'node:worker_threads'
import { parquetWriteBuffer } from 'hyparquet-writer'

export interface EncodeRequest {
  readonly id: number
  readonly columnData: Parameters<typeof parquetWriteBuffer>[0]['columnData']
}

export type EncodeReply = { readonly id: number; readonly bytes: ArrayBuffer } | { readonly id: number; readonly error: string }

parentPort?.on('message', ({ id, columnData }: EncodeRequest) => {
  try {
    const bytes = parquetWriteBuffer({ columnData })
    parentPort?.postMessage({ id, bytes } satisfies EncodeReply, [bytes])
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies EncodeReply)
  }
})
