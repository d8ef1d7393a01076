// An open-loop load generator for latency at a given rate: requests are sent at their own times,
// whether or not earlier ones have been answered, as independent users would send them (Poisson
// arrivals by default, or evenly spaced). autocannon stays the tool for throughput; its
// `overallRate` does not pace: each connection sends its share of a second's requests back to back
// as the second starts and then waits for the next one, so "1,000 req/s over 4 connections" is 4
// requests always in flight for part of each second and nothing for the rest (measured: all 3,000
// responses of a 3 s run came in the first half of their seconds). Latency under that load is
// latency at saturation.
//
// Each request is timed from when the generator sends it (or would have, when every connection is
// busy) to when its response has been read, in microseconds. Its timer fires up to a millisecond
// after a request is due; that lateness is reported apart (`senderLateP99`) rather than added to
// every latency, where it would hide what the server adds.
// On two cores the generator shares the CPU with what it measures, so it is kept cheap: one request's
// bytes built once and written to a kept-alive socket, and responses read by their Content-Length
// (the servers measured here always send one; a response without it counts as a failure).
import { connect } from 'node:net'
import type { Socket } from 'node:net'

export interface PacedLoadOptions {
  readonly url: string
  readonly method?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
  /** Requests per second, on average. */
  readonly rate: number
  readonly seconds: number
  /** 'poisson': exponential gaps (independent arrivals); 'uniform': one every 1/rate s. */
  readonly arrivals?: 'poisson' | 'uniform'
  /** Sockets open at most; a request that finds none free waits for one (and that wait counts). */
  readonly maxConnections?: number
}

export interface PacedLoadResult {
  /** Every 2xx response's latency, in µs, from when the request was sent. */
  readonly latencies: Float64Array
  readonly sent: number
  readonly failures: number
  /** Requests sent per second of the run. */
  readonly rate: number
  /** How late the generator wrote requests after they were due, p99, in µs (its own timer and CPU). */
  readonly senderLateP99: number
}

const HEADER_END = Buffer.from('\r\n\r\n')

/** One kept-alive connection, one request at a time on it. */
class Connection {
  private chunks: Buffer[] = []
  private length = 0
  private since = 0
  busy = false
  /** Closed or failed: not to be used again. */
  dead = false

  constructor(
    private readonly socket: Socket,
    private readonly done: (connection: Connection, since: number, ok: boolean) => void,
  ) {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.read(chunk))
    socket.on('error', () => this.fail())
    socket.on('close', () => this.fail())
  }

  /** Writes the request; `since` is when it was sent, or was to be. */
  send(bytes: Buffer, since: number): void {
    this.busy = true
    this.since = since
    if (this.dead) this.fail()
    else this.socket.write(bytes)
  }

  close(): void {
    this.socket.destroy()
  }

  private read(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.length += chunk.length
    const data = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.length)
    const headerEnd = data.indexOf(HEADER_END)
    if (headerEnd < 0) return
    const head = data.toString('latin1', 0, headerEnd)
    const contentLength = /\r\ncontent-length: *(\d+)/i.exec(head)
    if (!contentLength) return this.fail()
    if (data.length < headerEnd + 4 + Number(contentLength[1])) return
    this.chunks = []
    this.length = 0
    this.busy = false
    const status = Number(head.slice(9, 12))
    this.done(this, this.since, status >= 200 && status < 300)
  }

  private fail(): void {
    this.dead = true
    this.socket.destroy()
    if (!this.busy) return
    this.busy = false
    this.done(this, this.since, false)
  }
}

export function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  if (!(options.rate > 0) || !(options.seconds > 0)) throw new RangeError('rate and seconds must be positive')
  const url = new URL(options.url)
  const body = Buffer.from(options.body ?? '')
  const head = [`${options.method ?? 'POST'} ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`, ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`), `content-length: ${body.length}`, '', ''].join('\r\n')
  const bytes = Buffer.concat([Buffer.from(head, 'latin1'), body])
  const maxConnections = options.maxConnections ?? 64
  const gap = options.arrivals === 'uniform' ? () => 1000 / options.rate : () => (-Math.log(1 - Math.random()) * 1000) / options.rate
  const expected = Math.ceil(options.rate * options.seconds * 1.2) + 16
  const latencies = new Float64Array(expected)
  const late = new Float64Array(expected)
  let answered = 0
  let succeeded = 0
  let sent = 0
  let failures = 0
  const idle: Connection[] = []
  const all: Connection[] = []
  /** When each request waiting for a free connection was to be sent. */
  const waiting: number[] = []

  return new Promise((resolve) => {
    let sending = true
    const settle = () => {
      if (sending || answered < sent) return
      for (const connection of all) connection.close()
      const sorted = late.slice(0, sent).sort()
      resolve({
        latencies: latencies.slice(0, succeeded),
        sent,
        failures,
        rate: sent / options.seconds,
        senderLateP99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
      })
    }
    const finished = (connection: Connection, since: number, ok: boolean) => {
      answered++
      if (ok && succeeded < latencies.length) latencies[succeeded++] = (performance.now() - since) * 1000
      else if (!ok) failures++
      if (connection.dead) {
        all.splice(all.indexOf(connection), 1)
        if (waiting.length > 0) open().send(bytes, waiting.shift()!)
      } else if (waiting.length > 0) connection.send(bytes, waiting.shift()!)
      else idle.push(connection)
      settle()
    }
    const open = () => {
      const connection = new Connection(connect({ host: url.hostname, port: Number(url.port) }), finished)
      all.push(connection)
      return connection
    }
    const fire = (due: number) => {
      const now = performance.now()
      if (sent < late.length) late[sent] = (now - due) * 1000
      sent++
      let connection = idle.pop()
      while (connection?.dead) {
        all.splice(all.indexOf(connection), 1)
        connection = idle.pop()
      }
      connection ??= all.length < maxConnections ? open() : undefined
      if (connection) connection.send(bytes, now)
      else waiting.push(now)
    }
    // A few connections open before the clock starts, so that connecting is not measured.
    for (let i = 0; i < Math.min(8, maxConnections); i++) idle.push(open())
    setTimeout(() => {
      const start = performance.now()
      const end = start + options.seconds * 1000
      let due = start + gap()
      const pump = () => {
        const now = performance.now()
        while (due <= now && due < end) {
          fire(due)
          due += gap()
        }
        if (due < end) setTimeout(pump, Math.max(0, due - performance.now()))
        else {
          sending = false
          settle()
        }
      }
      pump()
    }, 100)
  })
}
