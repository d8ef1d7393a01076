// The prediction log's buffer and Parquet encoder, off the scoring server's event loop: requests
// arrive a few at a time as they are logged and are gathered into columns here, so that a flush
// costs the server one small message out and the finished files back, whatever its size.
import { getPriority, setPriority } from 'node:os'
import { parentPort } from 'node:worker_threads'
import type { EncodedFile, LogRecord } from './prediction-batch.ts'
import { PredictionBatches } from './prediction-batch.ts'

export type WorkerRequest = { readonly type: 'append'; readonly records: readonly LogRecord[] } | { readonly type: 'drain'; readonly id: number }

export type WorkerReply = { readonly id: number; readonly files: readonly EncodedFile[] } | { readonly id: number; readonly error: string }

/**
 * Logging is background work: on Linux, where each thread has its own nice value, this thread
 * steps back (nice 10) so that, when the cores are busy, the scoring server's own thread and
 * whatever else runs beside it (a load generator, say) get the CPU first. Elsewhere the call
 * would lower the whole process, so it is not made.
 */
const WORKER_NICE = 10

if (process.platform === 'linux') {
  try {
    setPriority(0, Math.max(WORKER_NICE, getPriority(0)))
  } catch {
    // Not allowed here (a sandbox, say): the worker runs at the server's priority.
  }
}

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
