/** What `bench/load-client.mjs` prints for one autocannon run (its last line, as JSON). */
export interface LoadFigures {
  requests_per_s: number
  total: number
  p50_ms: number
  p99_ms: number
  non2xx: number
  errors: number
  timeouts: number
}
