import type { DatasetInput, Metric, ModelInput, ModelOutput, Run, Tag } from '@orchard/core'
import type { Db } from './db.ts'
import { fragment } from './dialect.ts'
import type { Dialect, Fragment } from './dialect.ts'
import { readJsonRows } from './json-rows.ts'
import type { JsonRowsSource } from './json-rows.ts'
import { decodeMetricValue } from './metric-value.ts'
import { RUN_FIELDS, findRun, runNotFound, toRunInfo } from './run-rows.ts'
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

type KeyValue = [runKey: number, key: string, value: string]
type Point = [runKey: number, key: string, value: number | string, timestamp: number, step: number, isNan: number]
type InputSet = [runKey: number, inputKey: number, name: string, digest: string, sourceType: string, source: string, schema: string | null, profile: string | null]
type InputTag = [inputKey: number, key: string, value: string]
type Link = [runKey: number, linkKey: number, direction: string, modelId: string, step: number]
type ChildSets = [KeyValue[], KeyValue[], Point[], InputSet[], InputTag[], Link[]]

/** Which runs to hydrate, as a condition on a run_key column. */
type RunScope = (column: string) => Fragment

/** The child rows of every run in scope, all in one query (one round trip on PostgreSQL). */
function childSources(scope: RunScope): JsonRowsSource[] {
  const from = (table: string, column = 'run_key') => {
    const where = scope(column)
    return fragment(`FROM ${table} WHERE ${where.sql}`, where.params)
  }
  const inputsOfRuns = scope('run_key')
  return [
    { columns: ['run_key', 'key', 'value'], from: from('params') },
    { columns: ['run_key', 'key', 'value'], from: from('tags') },
    { columns: ['run_key', 'key', 'value', 'timestamp', 'step', 'is_nan'], from: from('latest_metrics') },
    {
      columns: ['ri.run_key', 'ri.input_key', 'd.name', 'd.digest', 'd.source_type', 'd.source', 'd.schema', 'd.profile'],
      from: from('run_inputs ri JOIN datasets d ON d.dataset_key = ri.dataset_key', 'ri.run_key'),
    },
    {
      columns: ['input_key', 'key', 'value'],
      from: fragment(`FROM run_input_tags WHERE input_key IN (SELECT input_key FROM run_inputs WHERE ${inputsOfRuns.sql})`, inputsOfRuns.params),
    },
    { columns: ['run_key', 'link_key', 'direction', 'model_id', 'step'], from: from('run_model_links') },
  ]
}

function assemble(rows: readonly RunRow[], [params, tags, metrics, inputs, inputTags, links]: ChildSets): Run[] {
  const runKey = (row: { 0: number }) => Number(row[0])
  const paramsByRun = groupBy(params, runKey, ([, key, value]): Tag => ({ key, value }))
  const tagsByRun = groupBy(tags, runKey, ([, key, value]): Tag => ({ key, value }))
  const metricsByRun = groupBy(
    metrics,
    runKey,
    ([, key, value, timestamp, step, isNan]): Metric => ({ key, value: decodeMetricValue(Number(value), isNan), timestamp, step }),
  )
  const tagsByInput = groupBy(inputTags, runKey, ([, key, value]): Tag => ({ key, value }))
  const inputsByRun = groupBy(
    [...inputs].sort((a, b) => a[1] - b[1]),
    runKey,
    ([, inputKey, name, digest, sourceType, source, schema, profile]): DatasetInput => ({
      tags: (tagsByInput.get(Number(inputKey)) ?? []).sort(byKey),
      dataset: {
        name,
        digest,
        sourceType,
        source,
        ...(schema !== null ? { schema } : {}),
        ...(profile !== null ? { profile } : {}),
      },
    }),
  )
  const ordered = [...links].sort((a, b) => a[1] - b[1])
  const modelInputs = groupBy(ordered.filter((l) => l[2] === 'input'), runKey, ([, , , modelId]): ModelInput => ({ modelId }))
  const modelOutputs = groupBy(ordered.filter((l) => l[2] !== 'input'), runKey, ([, , , modelId, step]): ModelOutput => ({ modelId, step: Number(step) }))
  return rows.map((row) => {
    const key = Number(row.run_key)
    return {
      info: toRunInfo(row),
      data: {
        metrics: (metricsByRun.get(key) ?? []).sort(byKey),
        params: (paramsByRun.get(key) ?? []).sort(byKey),
        tags: (tagsByRun.get(key) ?? []).sort(byKey),
      },
      inputs: { datasetInputs: inputsByRun.get(key) ?? [], modelInputs: modelInputs.get(key) ?? [] },
      outputs: { modelOutputs: modelOutputs.get(key) ?? [] },
    }
  })
}

/**
 * Rows to full runs. A page of any size costs one query for all its child rows (params, tags,
 * latest metrics, inputs and their tags, model links), never one per run or per table.
 */
export async function loadRuns(db: Db, dialect: Dialect, rows: readonly RunRow[]): Promise<Run[]> {
  if (rows.length === 0) return []
  const runKeys = rows.map((r) => r.run_key)
  const sets = await readJsonRows<ChildSets>(db, dialect, childSources((column) => dialect.inList(column, runKeys, 'bigint')))
  return assemble(rows, sets)
}

/**
 * One run by id, with everything runs/get returns, in a single query on PostgreSQL (one round trip);
 * RESOURCE_DOES_NOT_EXIST when absent, or when it belongs to another workspace than `workspace`.
 */
export async function loadRun(db: Db, dialect: Dialect, runId: string, workspace?: string): Promise<Run> {
  // SQLite runs in-process: two statements cost less than one with the run looked up in each set.
  // A workspace adds a join to the lookup; it goes the same way.
  if (dialect.name === 'sqlite' || workspace !== undefined) return (await loadRuns(db, dialect, [await findRun(db, runId, workspace)]))[0] as Run
  const byId = fragment('FROM runs WHERE run_id = ?', [runId])
  const scope: RunScope = (column) => fragment(`${column} = (SELECT run_key FROM runs WHERE run_id = ?)`, [runId])
  const [found, ...children] = await readJsonRows<[unknown[][], ...ChildSets]>(db, dialect, [
    { columns: RUN_FIELDS, from: byId },
    ...childSources(scope),
  ])
  const values = found[0]
  if (!values) throw runNotFound(runId)
  const row = Object.fromEntries(RUN_FIELDS.map((field, i) => [field, values[i]])) as unknown as RunRow
  return assemble([row], children as unknown as ChildSets)[0] as Run
}
