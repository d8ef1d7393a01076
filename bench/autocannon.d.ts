// The part of autocannon 9's API the benchmarks use (the package ships no types).
declare module 'autocannon' {
  interface Options {
    readonly url: string
    readonly method?: string
    readonly headers?: Readonly<Record<string, string>>
    readonly body?: string
    readonly connections?: number
    readonly duration?: number
    readonly amount?: number
    /** Requests per second across all connections. */
    readonly overallRate?: number
  }
  interface Histogram {
    readonly average: number
    readonly p50: number
    readonly p90: number
    readonly p99: number
    readonly max: number
  }
  interface Result {
    readonly latency: Histogram
    readonly requests: Histogram & { readonly total: number }
    readonly errors: number
    readonly timeouts: number
    readonly non2xx: number
  }
  /** With a callback: the running instance, which emits `response` (client, status, bytes, response time in fractional ms). */
  interface Instance {
    on(event: 'response', listener: (client: unknown, status: number, bytes: number, milliseconds: number) => void): Instance
  }
  function autocannon(options: Options): Promise<Result>
  function autocannon(options: Options, done: (error: Error | null, result: Result) => void): Instance
  export type { Result }
  export default autocannon
}
