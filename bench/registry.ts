// search-model-versions over HTTP at registry scale: `models` registered models × `versions` versions
// each, seeded straight through the registry store (the way a long-lived registry fills up, minus
// the HTTP overhead that is not what this measures), then typical searches timed against the server.
import { createHash } from 'node:crypto'
import { registryRoutes } from '@orchard/protocol'
import { openStores } from '@orchard/store'

export interface RegistryBenchOptions {
  readonly models: number
  readonly versions: number
  /** Timed requests per query. */
  readonly iterations: number
}

/** A stable 32-hex run id per (model, version): one version per run, as a training job registers. */
const runIdOf = (model: number, version: number) => createHash('md5').update(`run-${model}-${version}`).digest('hex')

async function seed(backendStoreUri: string, options: RegistryBenchOptions): Promise<number> {
  const { trackingStore, registryStore } = await openStores(backendStoreUri)
  const started = performance.now()
  try {
    // A few models at a time: PostgreSQL spreads them over its pool; SQLite runs them one by one anyway.
    const lanes = 4
    let next = 0
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        for (let m = next++; m < options.models; m = next++) {
          const name = `m-${m}`
          await registryStore.createRegisteredModel({ name, tags: [{ key: 'team', value: `t-${m % 10}` }] })
          for (let v = 1; v <= options.versions; v++) {
            await registryStore.createModelVersion({ name, source: `s3://bench/models/${name}/${v}`, runId: runIdOf(m, v) })
          }
        }
      }),
    )
  } finally {
    await trackingStore.close()
  }
  return (options.models * (options.versions + 1)) / ((performance.now() - started) / 1000)
}

interface Query {
  readonly label: string
  readonly filter?: string
  readonly maxResults: number
  /** Rows one request must return, to catch a benchmark that measures the wrong thing. */
  readonly expect: number
}

async function search(url: string, query: Query, pageToken?: string): Promise<{ count: number; next?: string }> {
  const params = new URLSearchParams({ max_results: String(query.maxResults) })
  if (query.filter) params.set('filter', query.filter)
  if (pageToken) params.set('page_token', pageToken)
  const response = await fetch(`${url}/api/2.0${registryRoutes.searchModelVersions.path}?${params}`)
  const text = await response.text()
  if (!response.ok) throw new Error(`search ${query.label} -> ${response.status}: ${text.slice(0, 300)}`)
  const body = JSON.parse(text) as { model_versions?: unknown[]; next_page_token?: string }
  return { count: body.model_versions?.length ?? 0, ...(body.next_page_token ? { next: body.next_page_token } : {}) }
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0
const round = (ms: number) => Number(ms.toFixed(1))

/** Seed the registry behind `url` (whose store is `backendStoreUri`), then time search-model-versions. */
export async function registryBenchmark(url: string, backendStoreUri: string, options: RegistryBenchOptions): Promise<Record<string, number>> {
  const out: Record<string, number> = { registry_seed_entities_per_s: Math.round(await seed(backendStoreUri, options)) }
  const middle = Math.floor(options.models / 2)
  // `m-1%` matches m-1, m-10…m-19, m-100…m-199 (of 1,000 models): 111 models.
  const likeModels = Array.from({ length: options.models }, (_, m) => m).filter((m) => String(m).startsWith('1')).length
  // MLflow's Python client asks for up to 10,000 versions per page; the UI pages 100 at a time.
  const queries: Query[] = [
    { label: 'name_eq', filter: `name = 'm-${middle}'`, maxResults: 10_000, expect: options.versions },
    { label: 'run_id_eq', filter: `run_id = '${runIdOf(middle, 7)}'`, maxResults: 10_000, expect: 1 },
    { label: 'name_like', filter: "name LIKE 'm-1%'", maxResults: 10_000, expect: likeModels * options.versions },
    { label: 'no_filter_page100', maxResults: 100, expect: 100 },
  ]
  for (const query of queries) {
    await search(url, query) // warm-up
    const latencies: number[] = []
    for (let i = 0; i < options.iterations; i++) {
      const t0 = performance.now()
      const { count } = await search(url, query)
      latencies.push(performance.now() - t0)
      if (count !== query.expect) throw new Error(`${query.label} returned ${count} versions, expected ${query.expect}`)
    }
    latencies.sort((a, b) => a - b)
    out[`registry_${query.label}_p50_ms`] = round(percentile(latencies, 0.5))
    out[`registry_${query.label}_p95_ms`] = round(percentile(latencies, 0.95))
  }
  // Paging through every version, 1,000 per page, following next_page_token.
  const walk: Query = { label: 'walk', maxResults: 1000, expect: 1000 }
  const t0 = performance.now()
  let total = 0
  let token: string | undefined
  do {
    const page = await search(url, walk, token)
    total += page.count
    token = page.next
  } while (token)
  if (total !== options.models * options.versions) throw new Error(`paging found ${total} versions, expected ${options.models * options.versions}`)
  out.registry_page_all_1000_ms = round(performance.now() - t0)
  return out
}

/** The rows bench/run.ts prints for this benchmark: label, unit, result key. */
export const REGISTRY_ROWS: readonly (readonly [string, string, string])[] = [
  ['registry seed (models + versions via store)', 'entities/s', 'registry_seed_entities_per_s'],
  ["search-model-versions name = 'm-500'", 'p50 ms', 'registry_name_eq_p50_ms'],
  ['  same', 'p95 ms', 'registry_name_eq_p95_ms'],
  ["search-model-versions run_id = '…'", 'p50 ms', 'registry_run_id_eq_p50_ms'],
  ['  same', 'p95 ms', 'registry_run_id_eq_p95_ms'],
  ["search-model-versions name LIKE 'm-1%'", 'p50 ms', 'registry_name_like_p50_ms'],
  ['  same', 'p95 ms', 'registry_name_like_p95_ms'],
  ['search-model-versions, no filter, 100/page', 'p50 ms', 'registry_no_filter_page100_p50_ms'],
  ['  same', 'p95 ms', 'registry_no_filter_page100_p95_ms'],
  ['page through all versions, 1000/page', 'ms', 'registry_page_all_1000_ms'],
]
