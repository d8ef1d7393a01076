import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { openStoreContext } from '../src/open-tracking-store.ts'
import { SqlTrackingStore } from '../src/sql/sql-tracking-store.ts'
import { testDatabase } from './pg-database.ts'

// A search of one experiment must read that experiment's runs, not every run in the store. During a
// 30-minute soak, the search of a fixed 200-run experiment grew from 14 to 25 ms (p50) while runs were
// created in another: PostgreSQL merged the metric filter's rows with a walk of runs_pkey over all
// runs, filtered by experiment, which runs to the end of the table to find that no run is left.
// Migration 016's (experiment_id, run_key) index under `experiment_id = ?` bounds the walk.

const database = testDatabase('orchard_search_scope')
before(() => database.create())
after(() => database.drop())

const OTHER_RUNS = 40_000

interface PlanNode {
  readonly 'Relation Name'?: string
  readonly 'Actual Rows': number
  readonly 'Actual Loops': number
  readonly 'Rows Removed by Filter'?: number
  readonly Plans?: readonly PlanNode[]
}

/** Rows the plan read from `runs` (returned or filtered out), over all loops. */
function runsRowsRead(node: PlanNode): number {
  const own = node['Relation Name'] === 'runs' ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'] : 0
  return own + (node.Plans ?? []).reduce((sum, child) => sum + runsRowsRead(child), 0)
}

test("a search of one experiment reads its own runs, not the store's", async () => {
  const ctx = await openStoreContext(database.url, { defaultArtifactRoot: '/nonexistent-artifacts' })
  const store = new SqlTrackingStore(ctx)
  try {
    const searched = await store.createExperiment({ name: 'searched' })
    for (let i = 0; i < 200; i++) {
      const run = await store.createRun({ experimentId: searched, startTime: 1_000 + i, runName: `r${i}`, tags: [] })
      await store.logBatch(run.info.runId, { metrics: Array.from({ length: 10 }, (_, k) => ({ key: `m${k}`, value: ((i * 37 + k * 11) % 100) / 100, timestamp: 1, step: 0 })) })
    }
    // The other experiment's runs come later (greater run keys), as a soak's or a team's do.
    const other = await store.createExperiment({ name: 'other' })
    await ctx.db.query(
      `INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, artifact_uri, lifecycle_stage)
       SELECT md5('other-' || i), ?, 'o' || i, 'u', 'RUNNING', 2000 + i, 'file:///x', 'active' FROM generate_series(1, ?) AS i`,
      [Number(other), OTHER_RUNS],
    )
    await ctx.db.query('ANALYZE')

    const pages: { sql: string; params: readonly unknown[] }[] = []
    const query = ctx.db.query.bind(ctx.db)
    ctx.db.query = ((sql: string, params?: readonly unknown[], options?: unknown) => {
      if (/ LIMIT \? OFFSET \?$/.test(sql)) pages.push({ sql, params: params ?? [] })
      return query(sql, params, options as never)
    }) as typeof ctx.db.query
    const page = await store.searchRuns({ experimentIds: [searched], filter: 'metrics.m0 > 0.1', orderBy: ['metrics.m1 DESC'], maxResults: 100, runViewType: 'ACTIVE_ONLY' })
    ctx.db.query = query
    assert.equal(page.items.length, 100)
    assert.equal(pages.length, 1)

    const [explained] = await ctx.db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${pages[0]!.sql}`, pages[0]!.params)
    const read = runsRowsRead(explained!['QUERY PLAN'][0].Plan)
    assert.ok(read <= 400, `the search read ${read} rows of runs for an experiment of 200 (the store holds ${OTHER_RUNS + 200})`)
  } finally {
    await store.close()
  }
})
