// Progress for long work on stderr: a bar redrawn in place on a terminal; on a pipe or a log file,
// where redraws would be noise, a plain line every few seconds. stdout stays clean for results.

const BAR_WIDTH = 24
const REDRAW_MS = 100
const LOG_EVERY_MS = 5_000

export interface ProgressState {
  /** Units done so far (bytes, rows, …) and the total when it is known. */
  readonly done: number
  readonly total?: number
  /** A short extra, e.g. `3/10 files`. */
  readonly detail?: string
}

export interface ProgressOptions {
  /** How one unit count reads: bytes as `12.3 MiB`, rows as `120,000`. */
  readonly unit: 'bytes' | 'rows'
  readonly stream?: NodeJS.WriteStream
  /** Injected by tests; Date.now by default. */
  readonly now?: () => number
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/** `850 B`, `12.3 MiB`, `1.07 GiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${BYTE_UNITS[unit]}`
}

const formatCount = (n: number) => Math.round(n).toLocaleString('en-US')

/** A bar for one task; call update() as often as you like and done() once at the end. */
export class ProgressBar {
  private readonly stream: NodeJS.WriteStream
  private readonly now: () => number
  /** Set by the first update, so the rate leaves out connecting and planning. */
  private started: number | undefined
  private lastDraw = 0
  private drawn = false
  private latest: ProgressState = { done: 0 }

  constructor(
    private readonly label: string,
    private readonly options: ProgressOptions,
  ) {
    this.stream = options.stream ?? process.stderr
    this.now = options.now ?? Date.now
  }

  private get interactive(): boolean {
    return Boolean(this.stream.isTTY)
  }

  update(state: ProgressState): void {
    this.latest = state
    const now = this.now()
    if (this.started === undefined) {
      this.started = now
      this.lastDraw = now
    }
    if (now - this.lastDraw < (this.interactive ? REDRAW_MS : LOG_EVERY_MS)) return
    this.lastDraw = now
    this.draw(now)
  }

  /** Final line; the bar is replaced by it on a terminal. Without one, the bar is only cleared. */
  done(summary?: string): void {
    if (this.interactive && this.drawn) this.stream.write('\r\x1b[2K')
    this.drawn = false
    if (summary !== undefined) this.stream.write(`${summary}\n`)
  }

  /** `123.4 MiB/s` or `45,000 rows/s` over the whole task so far. */
  rate(done = this.latest.done): string {
    const seconds = Math.max(this.elapsedSeconds(), 1e-3)
    const perSecond = done / seconds
    return this.options.unit === 'bytes' ? `${formatBytes(perSecond)}/s` : `${formatCount(perSecond)} rows/s`
  }

  /** Since the first update (0 before it). */
  elapsedSeconds(): number {
    return this.started === undefined ? 0 : (this.now() - this.started) / 1000
  }

  private amount(n: number): string {
    return this.options.unit === 'bytes' ? formatBytes(n) : formatCount(n)
  }

  private draw(now: number): void {
    const { done, total, detail } = this.latest
    const parts = [this.label]
    if (total !== undefined && total > 0) {
      const fraction = Math.min(done / total, 1)
      const filled = Math.round(fraction * BAR_WIDTH)
      if (this.interactive) parts.push(`[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`)
      parts.push(`${Math.floor(fraction * 100)}%`, `${this.amount(done)}/${this.amount(total)}`)
    } else {
      parts.push(this.amount(done))
    }
    if (detail) parts.push(detail)
    parts.push(this.rate(done))
    void now
    const line = parts.join('  ')
    if (this.interactive) this.stream.write(`\r\x1b[2K${line}`)
    else this.stream.write(`${line}\n`)
    this.drawn = true
  }
}
