import { openTrackingStore } from '@orchard/store'
import pg from 'pg'
const uri = 'postgresql://postgres@127.0.0.1:5432/orchard_profile_keep'
// Log every query with its time by wrapping pg.Client.prototype.query.
const original = pg.Pool.prototype.query
const log: { sql: string; ms: number; params: unknown }[] = []
;(pg.Pool.prototype as any).query = function (this: any, ...args: any[]) {
  const t = performance.now()
  const result = (original as any).apply(this, args)
  if (result && typeof result.then === 'function') result.then(() => log.push({ sql: String(args[0]?.text ?? args[0]), params: args[1], ms: performance.now() - t }))
  return result
}
const store = await openTrackingStore(uri, { defaultArtifactRoot: '/tmp/x' })
for (const max of [100, 1000]) {
  for (let i = 0; i < 3; i++) {
    log.length = 0
    const t = performance.now()
    await store.searchRuns({ experimentIds: ['1'], filter: `metrics.m0 > 0.2 and params.p1 != 'v${i}' and tags.team = 't${i}'`, orderBy: ['metrics.m1 DESC'], maxResults: max, runViewType: 'ACTIVE_ONLY' })
    console.log(`max ${max}: ${(performance.now() - t).toFixed(1)} ms`)
    if (i === 2) for (const q of log) console.log(`  ${q.ms.toFixed(1)} ms  ${q.sql.replace(/\s+/g, ' ').slice(0, 400)}`)
  }
}
const c = new pg.Client({ connectionString: uri }); await c.connect()
const main = log.find((q) => q.sql.includes('LIMIT'))!
const r = await c.query('EXPLAIN ANALYZE ' + main.sql, main.params as any[])
console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n'))
await c.end(); await store.close()
