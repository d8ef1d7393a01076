import type { ReadProgress } from '@orchard/models'

/** How often a non-terminal stderr (a CI log, a file) gets a progress line. */
const LINE_INTERVAL_MS = 5_000
const BAR_WIDTH = 30

/**
 * Progress of a batch run on `stream`: a redrawn bar on a terminal, else a plain line every few
 * seconds, so logs stay readable.
 */
export function progressReporter(stream: NodeJS.WriteStream, now: () => number = () => performance.now()) {
  const started = now()
  let lastLine = started
  let drawn = false
  return {
    update(rows: number, read: ReadProgress): void {
      const fraction = read.total > 0 ? Math.min(1, read.done / read.total) : 0
      const rate = rows / Math.max((now() - started) / 1000, 1e-9)
      const text = `${(fraction * 100).toFixed(1).padStart(5)}% ${rows.toLocaleString('en-US')} rows, ${Math.round(rate).toLocaleString('en-US')} rows/s`
      if (stream.isTTY) {
        const filled = Math.round(fraction * BAR_WIDTH)
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${text}`)
        drawn = true
      } else if (now() - lastLine >= LINE_INTERVAL_MS) {
        stream.write(`progress: ${text}\n`)
        lastLine = now()
      }
    },
    done(): void {
      if (drawn) stream.write('\n')
      drawn = false
    },
  }
}
