import type { DatasetInput, Metric, Run, Tag } from '@orchard/core'
import type { Db } from './db.ts'
import { fragment } from './dialect.ts'
import type { Dialect } from './dialect.ts'
import { readJsonRows } from './json-rows.ts'
import { decodeMetricValue } from './metric-value.ts'
import { loadModelLinks } from './run-model-links.ts'
import { toRunInfo } from './run-rows.ts'
import type { RunRow } from './run-rows.ts'

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

function groupBy<Row, Item>(rows: readonly Row[], runKey: (row: Row) => number, map: (row: Row) => Item): Map<number, Item[]> {
  const groups = new Map<number, Item[]>()
  for (const row of rows) {
    const key = runKey(row)
    let list = groups.get(key)
    if (!list) groups.set(key, (list = []))
    list.push(map(row))
  }
  return groups
}

interface InputRow {
  readonly run_key: number
  readonly input_key: number
  readonly name: string
  readonly digest: string
  readonly source_type: string
  readonly source: string
  readonly schema: string | null
  readonly profile: string | null
}

async function loadInputs(db: Db, dialect: Dialect, runKeys: readonly number[]): Promise<Map<number, DatasetInput[]>> {
  const inRuns = dialect.inList('ri.run_key', runKeys, 'bigint')
  const inputs = await db.query<InputRow>(
    `SELECT ri.run_key, ri.input_key, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
     FROM run_inputs ri JOIN datasets d ON d.dataset_key = ri.dataset_key
     WHERE ${inRuns.sql} ORDER BY ri.input_key`,
    inRuns.params,
  )
  if (inputs.length === 0) return new Map()
  const tagsByInput = new Map<number, Tag[]>()
  for (const tag of await db.query<{ input_key: number; key: string; value: string }>(
    `SELECT t.input_key, t.key, t.value FROM run_input_tags t JOIN run_inputs ri ON ri.input_key = t.input_key
     WHERE ${inRuns.sql}`,
    inRuns.params,
  )) {
    let list = tagsByInput.get(tag.input_key)
    if (!list) tagsByInput.set(tag.input_key, (list = []))
    list.push({ key: tag.key, value: tag.value })
  }
  return groupBy(inputs, (row) => row.run_key, (row) => ({
    tags: (tagsByInput.get(row.input_key) ?? []).sort(byKey),
    dataset: {
      name: row.name,
      digest: row.digest,
      sourceType: row.source_type,
      source: row.source,
      ...(row.schema !== null ? { schema: row.schema } : {}),
      ...(row.profile !== null ? { profile: row.profile } : {}),
    },
  }))
}

/**
 * Rows to full runs. A page of any size costs one query per child table (params, tags, latest
 * metrics, inputs, model links), never one per run.
 */
export async function loadRuns(db: Db, dialect: Dialect, rows: readonly RunRow[]): Promise<Run[]> {
  if (rows.length === 0) return []
  const runKeys = rows.map((r) => r.run_key)
  const inRuns = dialect.inList('run_key', runKeys, 'bigint')
  type KeyValue = [runKey: number, key: string, value: string]
  type Point = [runKey: number, key: string, value: number | string, timestamp: number, step: number, isNan: number]
  const from = (table: string) => fragment(`FROM ${table} WHERE ${inRuns.sql}`, inRuns.params)
  const [[params, tags, metrics], inputs, links] = await Promise.all([
    readJsonRows<[KeyValue[], KeyValue[], Point[]]>(db, dialect, [
      { columns: ['run_key', 'key', 'value'], from: from('params') },
      { columns: ['run_key', 'key', 'value'], from: from('tags') },
      { columns: ['run_key', 'key', 'value', 'timestamp', 'step', 'is_nan'], from: from('latest_metrics') },
    ]),
    loadInputs(db, dialect, runKeys),
    loadModelLinks(db, dialect, runKeys),
  ])
  const runKey = (row: KeyValue | Point) => row[0]
  const paramsByRun = groupBy(params, runKey, ([, key, value]): Tag => ({ key, value }))
  const tagsByRun = groupBy(tags, runKey, ([, key, value]): Tag => ({ key, value }))
  const metricsByRun = groupBy(
    metrics,
    runKey,
    ([, key, value, timestamp, step, isNan]): Metric => ({ key, value: decodeMetricValue(Number(value), isNan), timestamp, step }),
  )
  return rows.map((row) => ({
    info: toRunInfo(row),
    data: {
      metrics: (metricsByRun.get(row.run_key) ?? []).sort(byKey),
      params: (paramsByRun.get(row.run_key) ?? []).sort(byKey),
      tags: (tagsByRun.get(row.run_key) ?? []).sort(byKey),
    },
    inputs: { datasetInputs: inputs.get(row.run_key) ?? [], modelInputs: links.inputs.get(Number(row.run_key)) ?? [] },
    outputs: { modelOutputs: links.outputs.get(Number(row.run_key)) ?? [] },
  }))
}
