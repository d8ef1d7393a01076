import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Steps } from './log-parquet.ts'
import type { EncodeReply, EncodeRequest } from './parquet-worker.ts'
import type { EncodedFile, LogRecord } from './prediction-batch.ts'
import { PredictionBatches } from './prediction-batch.ts'

/**
 * How long one slice of encoding may hold the event loop, when it encodes there (no worker). A
 * request that arrives meanwhile waits at most about this long, and the slices come back only
 * after the requests waiting have been served.
 */
const SLICE_MS = 0.25

/** A drain for the encoding thread, not yet sent to it. */
interface Unsent {
  readonly request: EncodeRequest
  readonly transfer: ArrayBuffer[]
  readonly resolve: (files: readonly EncodedFile[]) => void
  readonly reject: (error: Error) => void
}

/** Memory of written files held for the encoding thread's next files, at most. */
const MAX_RETURNED_FILES = 2

/**
 * The prediction log's buffer and Parquet encoder. Logged requests are gathered into columns on
 * the scoring server's own thread as they are logged (a few microseconds a request). A drain moves
 * the columns to an encoding thread in one message, without copying them, and the files and the
 * emptied columns come back the same way: the event loop spends nothing on encoding, and the
 * thread wakes once a drain. (A worker that got each request as it was logged cost more p99
 * latency on two cores than encoding in slices on the event loop; see BENCHMARKS.md, "Prediction
 * logging".) If the thread cannot start, or dies, drains encode on the event loop in slices of at
 * most SLICE_MS. Drains wait until the thread has loaded, so one that cannot load loses none (they
 * are encoded here); a drain that a thread held when it died fails, and its rows count as lost.
 */
export class ParquetEncoder {
  private batches = new PredictionBatches()
  /** Drains on the event loop encode one after another, in the order they were asked for. */
  private encoding: Promise<unknown> = Promise.resolve()
  private closed = false
  private worker: Worker | undefined
  private workerFailed = false
  private nextId = 0
  private readonly waiting = new Map<number, { resolve: (files: readonly EncodedFile[]) => void; reject: (error: Error) => void }>()
  /** Memory of files that came from the encoding thread. */
  private readonly fromWorker = new WeakSet<ArrayBufferLike>()
  /** Written files' memory, to go back to the encoding thread with the next drain. */
  private returned: ArrayBuffer[] = []
  /** Whether the thread has loaded its code: drains wait here until it has, so that a thread that cannot load loses none. */
  private ready = false
  private readonly unsent: Unsent[] = []

  constructor(
    private readonly options: {
      readonly useWorker?: boolean
      readonly onThreadError?: (error: Error) => void
      /** The thread's code (tests point it elsewhere); by default the file beside this one. */
      readonly workerFile?: URL
    } = {},
  ) {
    // Started now rather than at the first flush, so that loading its code does not fall among the
    // first requests logged.
    this.start()
  }

  /** Whether drains go to the encoding thread (it has started and not failed). */
  get threaded(): boolean {
    return this.worker !== undefined
  }

  /** Keeps the requests until the next drain (their values are read then). */
  append(records: readonly LogRecord[]): void {
    this.batches.append(records)
  }

  /** The files of everything appended so far, one per (model, version, day). */
  drain(): Promise<readonly EncodedFile[]> {
    const worker = this.start()
    if (!worker) {
      // Taken now, so that the drain holds exactly the requests appended until now.
      const steps = this.batches.drainSteps()
      const files = this.encoding.then(() => runInSlices(steps, () => this.closed))
      this.encoding = files.catch(() => undefined)
      return files
    }
    const { partitions, transfer } = this.batches.take()
    if (partitions.length === 0) return Promise.resolve([])
    const buffers = this.returned
    this.returned = []
    const id = ++this.nextId
    const files = new Promise<readonly EncodedFile[]>((resolve, reject) => {
      worker.ref()
      const send = { request: { id, partitions, buffers }, transfer: [...transfer, ...buffers], resolve, reject }
      if (this.ready) this.send(worker, send)
      else this.unsent.push(send)
    })
    this.encoding = Promise.all([this.encoding, files.catch(() => undefined)])
    return files
  }

  /** Takes back a drained file's bytes once they are written and no longer read: the next files reuse them. */
  giveBack(file: Uint8Array): void {
    if (!this.fromWorker.has(file.buffer)) return this.batches.giveBack(file)
    if (this.worker && this.returned.length < MAX_RETURNED_FILES) this.returned.push(file.buffer as ArrayBuffer)
  }

  /** Lets the drains asked for finish (on the event loop, at once rather than in slices), waits for them, and stops the thread. */
  async close(): Promise<void> {
    this.closed = true
    await this.encoding
    const worker = this.worker
    this.worker = undefined
    this.workerFailed = true
    if (worker) await worker.terminate()
  }

  /** The encoding thread, started with the encoder; undefined when it cannot run (encode here then). */
  private start(): Worker | undefined {
    if (this.worker || this.workerFailed || this.closed) return this.worker
    if (this.options.useWorker === false) {
      this.workerFailed = true
      return undefined
    }
    try {
      // The worker file sits beside this one: .ts when running the sources, .js when built.
      const extension = extname(fileURLToPath(import.meta.url))
      const file = this.options.workerFile ?? new URL(`./parquet-worker${extension}`, import.meta.url)
      // Running the sources (tests, npm run dev), the worker registers tsx first: module hooks are
      // per thread, and Node 20 gives a worker none of the main thread's.
      const worker =
        extension === '.ts'
          ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}) })`, { eval: true })
          : new Worker(file)
      this.ready = false
      worker.on('message', (reply: EncodeReply) => this.receive(worker, reply))
      worker.on('error', (error) => this.fail(error))
      worker.on('exit', (code) => this.fail(new Error(`the prediction log's encoding thread exited (${code})`)))
      // After the listeners: adding a 'message' listener refs the thread again. Unreferenced, it
      // keeps the process alive only while a drain waits for it.
      worker.unref()
      this.worker = worker
      return worker
    } catch (error) {
      this.workerFailed = true
      this.options.onThreadError?.(error instanceof Error ? error : new Error(String(error)))
      return undefined
    }
  }

  private send(worker: Worker, { request, transfer, resolve, reject }: Unsent): void {
    this.waiting.set(request.id, { resolve, reject })
    try {
      worker.postMessage(request, transfer)
    } catch (error) {
      this.waiting.delete(request.id)
      reject(error instanceof Error ? error : new Error(String(error)))
    }
  }

  private receive(worker: Worker, reply: EncodeReply): void {
    if ('ready' in reply) {
      this.ready = true
      for (const unsent of this.unsent.splice(0)) this.send(worker, unsent)
      return
    }
    const waiter = this.waiting.get(reply.id)
    this.waiting.delete(reply.id)
    if (this.waiting.size === 0) worker.unref()
    if (!waiter) return
    if ('error' in reply) return waiter.reject(new Error(reply.error))
    this.batches.adoptColumns(reply.columns)
    for (const file of reply.files) if ('bytes' in file) this.fromWorker.add(file.bytes.buffer)
    waiter.resolve(reply.files)
  }

  private fail(error: Error): void {
    if (!this.worker) return
    this.worker = undefined
    this.workerFailed = true
    // Drains the thread held are lost with it (their memory moved there); those it never got, because
    // it failed while starting, are encoded here instead.
    for (const waiter of this.waiting.values()) waiter.reject(error)
    this.waiting.clear()
    for (const { request, resolve, reject } of this.unsent.splice(0)) {
      try {
        resolve(this.batches.encodeParts(request.partitions))
      } catch (encodeError) {
        reject(encodeError instanceof Error ? encodeError : new Error(String(encodeError)))
      }
    }
    this.options.onThreadError?.(error)
  }
}

/** Runs steps a slice at a time from the event loop's check phase (after the requests waiting); at once when `hurry` says so. */
export function runInSlices<T>(steps: Steps<T>, hurry: () => boolean = () => false, sliceMs = SLICE_MS): Promise<T> {
  return new Promise((resolve, reject) => {
    const slice = () => {
      try {
        const end = hurry() ? Number.POSITIVE_INFINITY : performance.now() + sliceMs
        for (;;) {
          const next = steps.next()
          if (next.done) return resolve(next.value)
          if (performance.now() >= end) break
        }
        setImmediate(slice)
      } catch (error) {
        reject(error)
      }
    }
    setImmediate(slice)
  })
}
