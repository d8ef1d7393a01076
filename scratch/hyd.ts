import Database from 'better-sqlite3'
import { openTrackingStore } from '@orchard/store'
import { runToWire } from '@orchard/core'
const store = await openTrackingStore('sqlite:////tmp/s25k/orchard.db')
const db = new Database('/tmp/s25k/orchard.db', { readonly: true })
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const keys = (db.prepare("SELECT run_key FROM runs ORDER BY random() LIMIT 1000").raw().all() as number[][]).map((r) => r[0]!)
const inList = keys.join(',')
const jsonQ = db.prepare(`SELECT (SELECT json_group_array(json_array(run_key,key,value)) FROM params WHERE run_key IN (${inList})) a, (SELECT json_group_array(json_array(run_key,key,value)) FROM tags WHERE run_key IN (${inList})) b, (SELECT json_group_array(json_array(run_key,key,value,timestamp,step,is_nan)) FROM latest_metrics WHERE run_key IN (${inList})) c`)
const rawP = db.prepare(`SELECT run_key,key,value FROM params WHERE run_key IN (${inList})`).raw()
const rawT = db.prepare(`SELECT run_key,key,value FROM tags WHERE run_key IN (${inList})`).raw()
const rawM = db.prepare(`SELECT run_key,key,value,timestamp,step,is_nan FROM latest_metrics WHERE run_key IN (${inList})`).raw()
const t: Record<string, number[]> = { jsonSql: [], jsonParse: [], raw: [], search: [], wire: [], stringify: [] }
for (let i = 0; i < 15; i++) {
  let a = performance.now(); const row = jsonQ.get() as Record<string, string>; let b = performance.now(); t.jsonSql!.push(b - a)
  a = performance.now(); JSON.parse(row.a!); JSON.parse(row.b!); JSON.parse(row.c!); b = performance.now(); t.jsonParse!.push(b - a)
  a = performance.now(); rawP.all(); rawT.all(); rawM.all(); b = performance.now(); t.raw!.push(b - a)
  a = performance.now()
  const page = await store.searchRuns({ experimentIds: ['1'], filter: `metrics.m0 > 0.2 and params.p1 != 'v${i % 10}' and tags.team = 't${i % 3}'`, orderBy: ['metrics.m1 DESC'], maxResults: 1000, runViewType: 'ACTIVE_ONLY' })
  b = performance.now(); t.search!.push(b - a)
  a = performance.now(); const body = { runs: page.items.map(runToWire) }; b = performance.now(); t.wire!.push(b - a)
  a = performance.now(); JSON.stringify(body); b = performance.now(); t.stringify!.push(b - a)
}
for (const [k, v] of Object.entries(t)) console.log(k.padEnd(10), p50(v).toFixed(1), 'min', Math.min(...v).toFixed(1))
