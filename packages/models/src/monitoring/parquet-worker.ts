// The prediction log's Parquet encoding thread. The scoring server gathers logged requests into
// columns itself (typed arrays and UTF-8 texts); at each flush it moves them here in one message,
// without a copy, and this thread encodes the files and moves them back, with the emptied columns
// for the server to fill again. So the server's event loop spends nothing on encoding, and this
// thread wakes once a flush.
import { getPriority, setPriority } from 'node:os'
import { parentPort } from 'node:worker_threads'
import { Scratch } from './log-parquet.ts'
import type { ValueColumnParts } from './log-parquet.ts'
import { encodePartitionParts } from './prediction-batch.ts'
import type { EncodedFile, PartitionParts } from './prediction-batch.ts'

export interface EncodeRequest {
  readonly id: number
  readonly partitions: readonly PartitionParts[]
  /** Memory of files the server has written, for the next files. */
  readonly buffers: readonly ArrayBuffer[]
}

export type EncodeReply =
  | { readonly id: number; readonly files: readonly EncodedFile[]; readonly columns: readonly ValueColumnParts[] }
  | { readonly id: number; readonly error: string }
  /** Sent once, when this thread's code has loaded: drains are sent only then. */
  | { readonly ready: true }

/**
 * Logging is background work: on Linux, where each thread has its own nice value, this thread
 * steps back (nice 10) so that, when the cores are busy, the scoring server's own thread and
 * whatever else runs beside it get the CPU first. Elsewhere the call would lower the whole
 * process, so it is not made.
 */
const WORKER_NICE = 10

if (process.platform === 'linux') {
  try {
    setPriority(0, Math.max(WORKER_NICE, getPriority(0)))
  } catch {
    // Not allowed here (a sandbox, say): the thread runs at the server's priority.
  }
}

const scratch = new Scratch()

parentPort?.on('message', (request: EncodeRequest) => {
  for (const buffer of request.buffers) scratch.adopt(buffer)
  try {
    const { files, columns, transfer } = encodePartitionParts(request.partitions, scratch)
    parentPort?.postMessage({ id: request.id, files, columns } satisfies EncodeReply, transfer)
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies EncodeReply)
  }
})

parentPort?.postMessage({ ready: true } satisfies EncodeReply)
