import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { EncodedFile, LogRecord } from './prediction-batch.ts'
import { PredictionBatches } from './prediction-batch.ts'
import type { WorkerReply, WorkerRequest } from './parquet-worker.ts'

/**
 * The prediction log's buffer and Parquet encoder, in one worker thread: the scoring server hands
 * over a few requests at a time as it logs them, and a drain returns finished files. No step on
 * the server's event loop handles a whole flush, so a flush does not stall the requests scored
 * meanwhile. The worker is started on first use and keeps the process alive only while a drain
 * waits. If it cannot start, or dies, buffering and encoding continue on this thread; what the
 * dead worker held is lost, and the drain that expected it tells by returning fewer rows.
 */
export class ParquetEncoder {
  private worker: Worker | undefined
  private broken = false
  private nextId = 0
  private local: PredictionBatches | undefined
  private readonly waiting = new Map<number, { resolve: (files: readonly EncodedFile[]) => void; reject: (error: Error) => void }>()

  /** Hands requests over (structured-cloned when they go to the worker); throws a DataCloneError for values no message can carry. */
  append(records: readonly LogRecord[]): void {
    const worker = this.broken ? undefined : this.start()
    if (worker) worker.postMessage({ type: 'append', records } satisfies WorkerRequest)
    else (this.local ??= new PredictionBatches()).append(records)
  }

  /** The files of everything appended so far, one per (model, version, day). */
  drain(): Promise<readonly EncodedFile[]> {
    const worker = this.broken ? undefined : this.start()
    if (!worker) {
      const local = this.local
      this.local = undefined
      return Promise.resolve(local?.drain() ?? [])
    }
    const id = ++this.nextId
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      worker.ref()
      worker.postMessage({ type: 'drain', id } satisfies WorkerRequest)
    })
  }

  /** Stops the worker (pending drains fail). */
  async close(): Promise<void> {
    const worker = this.worker
    this.worker = undefined
    this.broken = true
    if (worker) await worker.terminate()
  }

  private start(): Worker | undefined {
    if (this.worker) return this.worker
    try {
      // The worker file sits beside this one: .ts when running the sources, .js when built.
      const extension = extname(fileURLToPath(import.meta.url))
      const file = new URL(`./parquet-worker${extension}`, import.meta.url)
      // Running the sources (tests, npm run dev), the worker registers tsx first: module hooks are
      // per thread, and Node 20 gives a worker none of the main thread's.
      const worker =
        extension === '.ts'
          ? new Worker(
              `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}) })`,
              { eval: true },
            )
          : new Worker(file)
      worker.unref()
      worker.on('message', (reply: WorkerReply) => {
        const waiter = this.waiting.get(reply.id)
        this.waiting.delete(reply.id)
        if (this.waiting.size === 0) worker.unref()
        if (!waiter) return
        if ('error' in reply) waiter.reject(new Error(reply.error))
        else waiter.resolve(reply.files)
      })
      worker.on('error', (error) => this.fail(error))
      worker.on('exit', (code) => this.fail(new Error(`the Parquet encoding worker exited (${code})`)))
      this.worker = worker
      return worker
    } catch {
      this.broken = true
      return undefined
    }
  }

  private fail(error: Error): void {
    this.worker = undefined
    this.broken = true
    for (const waiter of this.waiting.values()) waiter.reject(error)
    this.waiting.clear()
  }
}
