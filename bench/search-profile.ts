// Where a run search spends its time, layer by layer, on SQLite and PostgreSQL: the ordered id query,
// hydration of params/metrics/tags, the wire mapping and JSON, at 25,000 runs shaped as
// ../shared/bench/search-scale.mjs shapes them (10 params, 10 metrics, 2 tags per run).
// node --import tsx bench/search-profile.ts [--runs 25000] [--only sqlite|postgres]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import { runToWire } from '@orchard/core'
import { openTrackingStore } from '@orchard/store'
import { testDatabase } from '@orchard/store/testing'
import type { TrackingStore } from '@orchard/store'
import { seedSearchScaleRuns } from './seed-runs.ts'

const { values: args } = parseArgs({ options: { runs: { type: 'string' }, only: { type: 'string' }, queries: { type: 'string' } } })
const RUNS = Number(args.runs ?? 25_000)
const QUERIES = Number(args.queries ?? 10)

let seed = 7
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

async function seedStore(store: TrackingStore): Promise<string> {
  const experimentId = await store.createExperiment({ name: `profile-${Date.now()}` })
  const started = performance.now()
  await seedSearchScaleRuns(store, experimentId, 0, RUNS, rand)
  console.log(`  seeded ${RUNS} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return experimentId
}

async function profile(name: string, uri: string): Promise<void> {
  console.log(`${name}:`)
  const store = await openTrackingStore(uri, { defaultArtifactRoot: join(tmpdir(), 'profile-artifacts') })
  try {
    const experimentId = await seedStore(store)
    for (const max of [1000, 100]) {
      const search: number[] = []
      const wire: number[] = []
      const json: number[] = []
      let rows = 0
      for (let q = 0; q < QUERIES; q++) {
        const t0 = performance.now()
        const page = await store.searchRuns({
          experimentIds: [experimentId],
          filter: `metrics.m0 > 0.2 and params.p1 != 'v${q % 10}' and tags.team = 't${q % 3}'`,
          orderBy: ['metrics.m1 DESC'],
          maxResults: max,
          runViewType: 'ACTIVE_ONLY',
        })
        const t1 = performance.now()
        const body = { runs: page.items.map(runToWire), next_page_token: page.nextPageToken }
        const t2 = performance.now()
        JSON.stringify(body)
        const t3 = performance.now()
        search.push(t1 - t0)
        wire.push(t2 - t1)
        json.push(t3 - t2)
        rows += page.items.length
      }
      console.log(`  page of ${max} (${Math.round(rows / QUERIES)} rows): store ${p50(search).toFixed(1)} ms, wire mapping ${p50(wire).toFixed(1)} ms, JSON ${p50(json).toFixed(1)} ms (p50)`)
    }
  } finally {
    await store.close()
  }
}

if (args.only !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'orchard-profile-'))
  try {
    await profile('SQLite', `sqlite:///${join(dir, 'orchard.db')}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
if (args.only !== 'sqlite') {
  const database = testDatabase('orchard_profile')
  await database.create()
  try {
    await profile('PostgreSQL', database.url)
  } finally {
    await database.drop()
  }
}
