// The prediction log's buffer and Parquet encoder, off the scoring server's event loop: requests
// arrive a few at a time as they are logged and are gathered into columns here, so that a flush
// costs the server one small message out and the finished files back, whatever its size.
import { parentPort } from 'node:worker_threads'
import type { EncodedFile, LogRecord } from './prediction-batch.ts'
import { PredictionBatches } from './prediction-batch.ts'

export type WorkerRequest = { readonly type: 'append'; readonly records: readonly LogRecord[] } | { readonly type: 'drain'; readonly id: number }

export type WorkerReply = { readonly id: number; readonly files: readonly EncodedFile[] } | { readonly id: number; readonly error: string }

const batches = new PredictionBatches()

parentPort?.on('message', (message: WorkerRequest) => {
  if (message.type === 'append') return batches.append(message.records)
  try {
    const files = batches.drain()
    // The files' bytes move to the server without a copy.
    const buffers = files.flatMap((file) => ('bytes' in file ? [file.bytes.buffer as ArrayBuffer] : []))
    parentPort?.postMessage({ id: message.id, files } satisfies WorkerReply, buffers)
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply)
  }
})
