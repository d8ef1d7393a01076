import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { parquetWriteBuffer } from 'hyparquet-writer'
import type { EncodeReply, EncodeRequest } from './parquet-worker.ts'

type ColumnData = EncodeRequest['columnData']

/**
 * Encodes Parquet files in one worker thread, so that a flush of the prediction log does not stall
 * the requests being scored meanwhile. The worker is started on first use and does not keep the
 * process alive; if it cannot start (or dies), encoding falls back to this thread.
 */
export class ParquetEncoder {
  private worker: Worker | undefined
  private broken = false
  private nextId = 0
  private readonly waiting = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>()

  encode(columnData: ColumnData): Promise<Uint8Array> {
    const worker = this.broken ? undefined : this.start()
    if (!worker) return Promise.resolve(new Uint8Array(parquetWriteBuffer({ columnData })))
    const id = ++this.nextId
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      worker.ref()
      worker.postMessage({ id, columnData } satisfies EncodeRequest)
    })
  }

  /** Stops the worker (pending encodings fail). */
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
      worker.on('message', (reply: EncodeReply) => {
        const waiter = this.waiting.get(reply.id)
        this.waiting.delete(reply.id)
        if (this.waiting.size === 0) worker.unref()
        if (!waiter) return
        if ('error' in reply) waiter.reject(new Error(reply.error))
        else waiter.resolve(new Uint8Array(reply.bytes))
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
