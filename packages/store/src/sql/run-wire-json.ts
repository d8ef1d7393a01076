import { Buffer } from 'node:buffer'
import { runToWire } from '@orchard/core'
import type { Db } from './db.ts'
import type { Dialect, WireJsonSql } from './dialect.ts'
import { loadRuns } from './hydrate-runs.ts'
import { RUN_COLUMNS } from './run-rows.ts'
import type { RunRow } from './run-rows.ts'

// SQLite orders the keys by their bytes: code point order (see ASTRAL). Each list is joined from a
// subquery ordered by the child table's primary key (run_key, key), so its rows arrive in order
// without a sort (see WireJsonSql.joinTexts).

/** One key-value child table (params, tags) of run `r` as the JSON array's items, by key. */
function keyValues(json: WireJsonSql, table: string): string {
  const item = `'{"key":' || ${json.string('c.key')} || ',"value":' || ${json.string('c.value')} || '}'`
  return `(SELECT ${json.joinTexts('t')} FROM (SELECT ${item} AS t FROM ${table} c WHERE c.run_key = r.run_key ORDER BY c.key))`
}

/**
 * Run `r`'s latest metrics as the JSON array's items, by key. The value's text is stored with it
 * (value_json, migration 015); a row without one (left NULL by a writer that did not fill it) is
 * written from the value, NaN being stored as is_nan.
 */
function metrics(json: WireJsonSql): string {
  const value = `coalesce(c.value_json, CASE WHEN c.is_nan = 1 THEN '"NaN"' ELSE ${json.double('c.value')} END)`
  const item = `'{"key":' || ${json.string('c.key')} || ',"value":' || ${value} || ',"timestamp":' || ${json.integer('c.timestamp')} || ',"step":' || ${json.integer('c.step')} || '}'`
  return `(SELECT ${json.joinTexts('t')} FROM (SELECT ${item} AS t FROM latest_metrics c WHERE c.run_key = r.run_key ORDER BY c.key))`
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

interface PageCheckRow {
  readonly runs: number
  readonly elsewhere: number | null
}

interface WirePageRow {
  readonly json: Uint8Array | null
}

const NO_BYTES = new Uint8Array(0)
const COMMA = 0x2c

/**
 * Texts joined by commas, as UTF-8, written straight into one buffer: 0.4 ms for a 1000-run page's
 * 1.5 MB, where join(',') and then encoding the joined text took 4-5 ms.
 */
function joinUtf8(texts: readonly string[]): Uint8Array {
  let size = Math.max(0, texts.length - 1)
  for (const text of texts) size += Buffer.byteLength(text)
  const bytes = Buffer.allocUnsafe(size)
  let offset = 0
  texts.forEach((text, i) => {
    if (i > 0) bytes[offset++] = COMMA
    offset += bytes.write(text, offset)
  })
  return bytes
}

// The lead bytes of UTF-8's 4-byte sequences: the characters past U+FFFF (see ASTRAL).
const ASTRAL_LEAD_BYTES = [0xf0, 0xf1, 0xf2, 0xf3, 0xf4]
const hasAstral = (bytes: Uint8Array) => ASTRAL_LEAD_BYTES.some((byte) => bytes.includes(byte))

/**
 * A page of runs as their runs/search wire JSON: each run's text byte for byte what
 * JSON.stringify(runToWire(run)) writes for the run loadRuns reads, in `runKeys`' order, joined by
 * commas, as UTF-8, written by the database (Dialect.wireJson) in one statement as one value of
 * bytes: no 26,000 JS objects built and written again, no 1,000 texts joined and encoded (SQLite:
 * 1000-run page of 25,000 runs, measured in BENCHMARKS.md). A page holding a run the database does
 * not write — with dataset or model inputs or outputs, or keys past U+FFFF — goes run by run
 * (writeRunsWireJson).
 */
export async function loadRunsWireJson(db: Db, dialect: Dialect, wireJson: WireJsonSql, runKeys: readonly number[]): Promise<Uint8Array> {
  if (runKeys.length === 0) return NO_BYTES
  const keys = wireJson.orderedKeys(runKeys)
  const pageRuns = `${keys.from} CROSS JOIN runs r WHERE r.run_key = ${keys.runKey}`
  // Runs with dataset or model inputs or outputs are looked for first (2,000 primary-key probes): a
  // page holding one is written once, run by run, not here and then again. A run deleted since the
  // keys were read is left out.
  const [found] = await db.query<PageCheckRow>(`SELECT count(*) AS runs, max(${HAS_INPUTS_OR_OUTPUTS}) AS elsewhere FROM ${pageRuns}`, keys.params)
  if (Number(found?.runs) === runKeys.length && Number(found?.elsewhere) === 0) {
    const [page] = await db.query<WirePageRow>(
      `SELECT CAST(${wireJson.joinTexts('t')} AS BLOB) AS json FROM (SELECT ${runJson(wireJson)} AS t FROM ${pageRuns} ORDER BY ${keys.position})`,
      keys.params,
    )
    if (page?.json && !hasAstral(page.json)) return page.json
  }
  const list = dialect.inList('r.run_key', runKeys, 'bigint')
  const byKey = new Map((await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs r WHERE ${list.sql}`, list.params)).map((row) => [Number(row.run_key), row]))
  return writeRunsWireJson(db, dialect, runKeys.flatMap((key) => byKey.get(key) ?? []))
}

/** As loadRunsWireJson, from the page's rows, run by run: the database writes those it can, runToWire the others. */
export async function writeRunsWireJson(db: Db, dialect: Dialect, rows: readonly RunRow[]): Promise<Uint8Array> {
  return rows.length === 0 ? NO_BYTES : joinUtf8(await runTexts(db, dialect, rows))
}

/** The page's runs' texts one by one: the database writes those it can, runToWire the others. */
async function runTexts(db: Db, dialect: Dialect, rows: readonly RunRow[]): Promise<string[]> {
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
