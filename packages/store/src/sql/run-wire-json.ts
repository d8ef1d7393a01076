import { runToWire } from '@orchard/core'
import type { Db } from './db.ts'
import type { Dialect, WireJsonSql } from './dialect.ts'
import { loadRuns } from './hydrate-runs.ts'
import type { RunRow } from './run-rows.ts'

// SQLite orders the keys by their bytes: code point order (see ASTRAL).

/** One key-value child table (params, tags) of run `r` as the JSON array's items, by key. */
function keyValues(json: WireJsonSql, table: string): string {
  const item = `'{"key":' || ${json.string('c.key')} || ',"value":' || ${json.string('c.value')} || '}'`
  return `(SELECT ${json.joinTexts(item, 'c.key')} FROM ${table} c WHERE c.run_key = r.run_key)`
}

/** Run `r`'s latest metrics as the JSON array's items, by key; NaN is stored as is_nan. */
function metrics(json: WireJsonSql): string {
  const value = `CASE WHEN c.is_nan = 1 THEN '"NaN"' ELSE ${json.double('c.value')} END`
  const item = `'{"key":' || ${json.string('c.key')} || ',"value":' || ${value} || ',"timestamp":' || ${json.integer('c.timestamp')} || ',"step":' || ${json.integer('c.step')} || '}'`
  return `(SELECT ${json.joinTexts(item, 'c.key')} FROM latest_metrics c WHERE c.run_key = r.run_key)`
}

/**
 * Run `r` as runToWire + JSON.stringify write it, inputs and outputs left empty: the info fields in
 * runInfoToWire's order (start and end time only when set), then data's metrics, params and tags,
 * each only when the run has some.
 */
function runJson(json: WireJsonSql): string {
  const text = (column: string) => json.string(column)
  const optionalTime = (field: string) => `coalesce(',"${field}":' || ${json.integer(`r.${field}`)}, '')`
  const info = `'{"info":{"run_id":' || ${text('r.run_id')} || ',"run_uuid":' || ${text('r.run_id')} || ',"run_name":' || ${text('r.name')}
    || ',"experiment_id":"' || CAST(r.experiment_id AS TEXT) || '","user_id":' || ${text('r.user_id')} || ',"status":' || ${text('r.status')}
    || ',"artifact_uri":' || ${text('r.artifact_uri')} || ',"lifecycle_stage":' || ${text('r.lifecycle_stage')}
    || ${optionalTime('start_time')} || ${optionalTime('end_time')} || '}'`
  // Each list with a leading comma, the first one's dropped: '' when the run has none of them.
  const data = `substr(coalesce(',"metrics":[' || ${metrics(json)} || ']', '') || coalesce(',"params":[' || ${keyValues(json, 'params')} || ']', '')
    || coalesce(',"tags":[' || ${keyValues(json, 'tags')} || ']', ''), 2)`
  return `${info} || ',"data":{' || ${data} || '},"inputs":{},"outputs":{}}'`
}

// A run with datasets or logged models among its inputs and outputs: written by runToWire instead.
const HAS_INPUTS_OR_OUTPUTS = `CASE WHEN EXISTS (SELECT 1 FROM run_inputs i WHERE i.run_key = r.run_key)
  OR EXISTS (SELECT 1 FROM run_model_links l WHERE l.run_key = r.run_key) THEN 1 ELSE 0 END`

// Characters past U+FFFF. SQLite orders keys by code point, JS (runToWire's sort) by UTF-16
// unit, and the two differ only between such a character and one of U+E000–U+FFFF.
const ASTRAL = /[\uD800-\uDFFF]/

interface WireRow {
  readonly run_key: number
  readonly json: string
  readonly elsewhere: number
}

/**
 * A page of runs as their runs/search wire JSON, one text per run in `rows`' order, byte for byte
 * what JSON.stringify(runToWire(run)) writes for the run loadRuns reads. The database writes each
 * run's text in one query, so a 1000-run page costs no 26,000 JS objects built, parsed and written
 * again (SQLite: 1000-run page of 25,000 runs, measured in BENCHMARKS.md). The few runs it does not
 * write — with dataset or model inputs or outputs, or keys past U+FFFF — go the way of loadRuns,
 * and so does every run on a database without Dialect.wireJson.
 */
export async function loadRunsWireJson(db: Db, dialect: Dialect, rows: readonly RunRow[]): Promise<string[]> {
  if (rows.length === 0) return []
  if (!dialect.wireJson) return (await loadRuns(db, dialect, rows)).map((run) => JSON.stringify(runToWire(run)))
  const keys = dialect.inList('r.run_key', rows.map((row) => row.run_key), 'bigint')
  const written = await db.query<WireRow>(
    `SELECT r.run_key AS run_key, ${runJson(dialect.wireJson)} AS json, ${HAS_INPUTS_OR_OUTPUTS} AS elsewhere FROM runs r WHERE ${keys.sql}`,
    keys.params,
  )
  const byKey = new Map(written.map((row) => [Number(row.run_key), row]))
  const texts = rows.map((row) => {
    const found = byKey.get(Number(row.run_key))
    return found && Number(found.elsewhere) === 0 && !ASTRAL.test(found.json) ? found.json : undefined
  })
  const rest = rows.filter((_, i) => texts[i] === undefined)
  if (rest.length > 0) {
    const runs = await loadRuns(db, dialect, rest)
    let next = 0
    return texts.map((text) => text ?? JSON.stringify(runToWire(runs[next++]!)))
  }
  return texts as string[]
}
