import type { Steps } from './log-parquet.ts'
import type { EncodedFile, LogRecord } from './prediction-batch.ts'
import { PredictionBatches } from './prediction-batch.ts'

/**
 * How long one slice of encoding may hold the event loop. A request that arrives meanwhile waits at
 * most about this long, and the slices come back only after the requests waiting have been served.
 */
const SLICE_MS = 0.25

/**
 * The prediction log's buffer and Parquet encoder, on the scoring server's own thread, in slices:
 * a drain encodes a fraction of a millisecond at a time, between requests. An encoding worker
 * thread was tried first; on two cores, waking it and copying each request to it cost more p99
 * latency than the encoding does here (BENCHMARKS.md, "Prediction logging").
 */
export class ParquetEncoder {
  private batches = new PredictionBatches()
  /** Drains encode one after another, in the order they were asked for. */
  private encoding: Promise<unknown> = Promise.resolve()
  private closed = false

  /** Keeps the requests until the next drain (their values are read then). */
  append(records: readonly LogRecord[]): void {
    this.batches.append(records)
  }

  /** The files of everything appended so far, one per (model, version, day), encoded in slices. */
  drain(): Promise<readonly EncodedFile[]> {
    // Taken now, so that the drain holds exactly the requests appended until now.
    const steps = this.batches.drainSteps()
    const files = this.encoding.then(() => runInSlices(steps, () => this.closed))
    this.encoding = files.catch(() => undefined)
    return files
  }

  /** Takes back a drained file's bytes once they are written and no longer read: the next files reuse them. */
  giveBack(file: Uint8Array): void {
    this.batches.giveBack(file)
  }

  /** Lets the drains asked for finish at once (no slices), and waits for them. */
  async close(): Promise<void> {
    this.closed = true
    await this.encoding
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
