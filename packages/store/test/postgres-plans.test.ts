import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { openStoreContext } from '../src/open-tracking-store.ts'
import { SqlTrackingStore } from '../src/sql/sql-tracking-store.ts'
import { testDatabase } from './pg-database.ts'

// PostgreSQL switches a prepared statement to a generic plan, blind to its values, after five runs
// when that plan's estimate is the lower. For a search this estimate is wrong both ways (a generic
// plan takes a filter on a tag to match one row and a LIMIT to keep a tenth of the rows): at 100,000
// runs the 100-run page read every match (890 ms) instead of walking the ordering index and stopping
// (30 ms), and a bucketed chart read fell from 0.4 s to 10 s. So searches are never prepared: each
// call is planned for its own values. Small lookups by key still are.

const database = testDatabase('orchard_plans')
before(() => database.create())
after(() => database.drop())

/** The statements prepared on the pool's most recently used connection (pg's pool hands out the last one returned). */
async function preparedStatements(ctx: Awaited<ReturnType<typeof openStoreContext>>): Promise<string[]> {
  return (await ctx.db.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).map((p) => p.statement)
}

test('searches and bucketed reads are planned for their values at every call; lookups are prepared', async () => {
  const ctx = await openStoreContext(database.url, { defaultArtifactRoot: '/nonexistent-artifacts' })
  const store = new SqlTrackingStore(ctx)
  try {
    const experimentId = await store.createExperiment({ name: 'plans' })
    const runIds: string[] = []
    for (let i = 0; i < 12; i++) {
      const run = await store.createRun({ experimentId, startTime: 1_000 + i, runName: `r${i}`, tags: [] })
      runIds.push(run.info.runId)
      await store.logBatch(run.info.runId, {
        params: [{ key: 'p', value: `v${i % 3}` }],
        tags: [{ key: 'team', value: `t${i % 2}` }],
        metrics: Array.from({ length: 20 }, (_, step) => ({ key: 'm', value: i + step / 10, timestamp: step, step })),
      })
    }
    // Well past the five runs after which PostgreSQL may switch a prepared statement to a generic plan.
    for (let q = 0; q < 8; q++) {
      const page = await store.searchRuns({
        experimentIds: [experimentId],
        filter: `metrics.m > ${q} and params.p != 'v${q % 3}' and tags.team = 't${q % 2}'`,
        orderBy: ['metrics.m DESC'],
        maxResults: 3,
        runViewType: 'ACTIVE_ONLY',
      })
      assert.ok(page.items.length > 0)
      await store.searchExperiments({ filter: "name LIKE 'pl%'", maxResults: 10, viewType: 'ACTIVE_ONLY' })
      const buckets = await store.getMetricHistoryBuckets(runIds.slice(0, 3), 'm', { xAxis: 'step', buckets: 5 })
      assert.equal(buckets.buckets.length, 15)
    }
    const texts = await preparedStatements(ctx)
    assert.ok(
      texts.some((text) => text.includes('FROM params WHERE run_key = ANY')),
      `a page's child rows are read by a prepared statement: ${JSON.stringify(texts)}`,
    )
    for (const text of texts) {
      assert.ok(!/ LIMIT \$\d+ OFFSET \$\d+/.test(text), `a search page is not prepared: ${text}`)
      assert.ok(!text.includes('bucket'), `a bucketed read is not prepared: ${text}`)
    }
  } finally {
    await store.close()
  }
})
